/// A graph's nodes as the decoder left them (``FlatNodes``) or as values (a graph built or
/// changed in code). The walk's passes over every node (the catalog, the structural checks)
/// read names, op types and attributes through it, so a command that needs no ``Node``
/// values (`inspect`) never makes them.
struct NodeStore: Hashable, Sendable {
    private enum Storage {
        case values([Node])
        case flat(FlatNodes)
    }

    private var storage: Storage

    /// Nodes as values.
    init(_ nodes: [Node]) { storage = .values(nodes) }

    /// Nodes as the decoder's columns.
    init(_ flat: FlatNodes) { storage = .flat(flat) }

    /// Number of nodes.
    var count: Int {
        switch storage {
        case .values(let nodes): nodes.count
        case .flat(let flat): flat.count
        }
    }

    /// The nodes as values (made once, on first ask, for the decoder's columns).
    var nodes: [Node] {
        switch storage {
        case .values(let nodes): nodes
        case .flat(let flat): flat.nodes
        }
    }

    /// The nodes as values, the store left empty: an array no other value shares, to change in place.
    mutating func take() -> [Node] {
        let nodes = self.nodes
        storage = .values([])
        return nodes
    }

    /// The wiring the decoder's columns were built over, nil for values.
    var flatWiring: Wiring? {
        if case .flat(let flat) = storage { return flat.wiring }
        return nil
    }

    /// Node `i`'s name.
    func name(_ i: Int) -> String {
        switch storage {
        case .values(let nodes): nodes[i].name
        case .flat(let flat): flat.name(i)
        }
    }

    /// Node `i`'s op type.
    func opType(_ i: Int) -> String {
        switch storage {
        case .values(let nodes): nodes[i].opType
        case .flat(let flat): flat.opType(i)
        }
    }

    /// Node `i`'s domain.
    func domain(_ i: Int) -> String {
        switch storage {
        case .values(let nodes): nodes[i].domain
        case .flat(let flat): flat.domain(i)
        }
    }

    /// True when node `i`'s domain is the default operator set (see ``Node/isDefaultDomain``).
    func isDefaultDomain(_ i: Int) -> Bool { Node.isDefault(domain(i)) }

    /// Node `i`'s op as histograms show it (see ``Node/qualifiedOpType``).
    func qualifiedOpType(_ i: Int) -> String { Node.qualified(opType(i), domain(i)) }

    /// How many nodes have each op type in each domain, in no particular order.
    func opCounts() -> [(opType: String, domain: String, count: Int)] {
        switch storage {
        case .values(let nodes):
            var counts: [OpKey: Int] = [:]
            for node in nodes { counts[OpKey(opType: node.opType, domain: node.domain), default: 0] += 1 }
            return counts.map { ($0.key.opType, $0.key.domain, $0.value) }
        case .flat(let flat):
            return flat.opCounts()
        }
    }

    private struct OpKey: Hashable {
        var opType: String
        var domain: String
    }

    /// Node `i`'s attributes.
    func attributes(_ i: Int) -> ArraySlice<Attribute> {
        switch storage {
        case .values(let nodes): nodes[i].attributes[...]
        case .flat(let flat): flat.attributes(i)
        }
    }

    /// True when an attribute of node `i` may hold a graph (for values, when it has attributes).
    func mayHoldGraphs(_ i: Int) -> Bool {
        switch storage {
        case .values(let nodes): !nodes[i].attributes.isEmpty
        case .flat(let flat): flat.holdsGraphs(i)
        }
    }

    /// The nodes whose attributes may hold a graph (see ``mayHoldGraphs(_:)``), in order.
    func mayHoldGraphs() -> [Int] {
        switch storage {
        case .values(let nodes): nodes.indices.filter { !nodes[$0].attributes.isEmpty }
        case .flat(let flat): flat.holdingGraphs()
        }
    }

    /// The nodes of op type `opType` (any domain), in order.
    func positions(of opType: String) -> [Int] {
        switch storage {
        case .values(let nodes): nodes.indices.filter { nodes[$0].opType == opType }
        case .flat(let flat): flat.positions(of: opType)
        }
    }

    /// The name of node `i`'s first output, empty when it has none.
    func firstOutput(_ i: Int) -> String {
        switch storage {
        case .values(let nodes): nodes[i].outputs.first ?? ""
        case .flat(let flat): flat.output(i, 0)
        }
    }

    /// Node `i` as findings and paths name it: its name, else `Op#i`.
    func label(_ i: Int) -> String {
        let name = name(i)
        return name.isEmpty ? "\(opType(i))#\(i)" : name
    }

    static func == (a: NodeStore, b: NodeStore) -> Bool {
        if case .flat(let x) = a.storage, case .flat(let y) = b.storage, x === y { return true }
        return a.nodes == b.nodes
    }

    func hash(into hasher: inout Hasher) { hasher.combine(nodes) }
}
