import Synchronization

/// A decoded graph's nodes as flat columns: names and op types as bytes and ids, inputs and
/// outputs as the graph's ``Wiring``, attributes and metadata each in one array cut into
/// ranges. A 100k-node graph is then a few dozen arrays instead of 100k node values; a
/// ``Node`` is made only when a component asks for the nodes themselves (see ``nodes``),
/// and then once for all.
///
/// Immutable once built, except for that one cache, written once under a lock and
/// published by an atomic flag; hence `@unchecked Sendable`.
final class FlatNodes: @unchecked Sendable {
    /// The nodes' inputs and outputs, as ids of the model's table.
    let wiring: Wiring
    /// Every node's name bytes, one after another: node `i`'s are `nameBytes[nameStart[i]..<nameStart[i + 1]]`.
    private let nameBytes: [UInt8]
    private let nameStart: [Int32]
    /// The distinct op types, domains and overloads, and each node's ids of them.
    private let labels: [String]
    private let opType: [Int32], domain: [Int32], overload: [Int32]
    /// Every node's attributes, node after node: node `i`'s are `attributes[attributeStart[i]..<attributeStart[i + 1]]`.
    private let attributes: [Attribute]
    private let attributeStart: [Int32]
    /// The same for `metadata_props`.
    private let metadata: [MetadataEntry]
    private let metadataStart: [Int32]
    /// True for a node whose attributes hold a graph.
    private let holdsGraphs: [Bool]
    /// The nodes as values, made on first ask (under `making`) and published by `isMade`:
    /// once it reads true, `made` is read without the lock and never written again.
    private var made: [Node] = []
    private let isMade = Atomic<Bool>(false)
    private let making = Mutex(())

    fileprivate init(_ b: consuming Builder, wiring: Wiring) {
        self.wiring = wiring
        nameBytes = b.nameBytes
        nameStart = b.nameStart
        labels = b.labels.names
        opType = b.opType
        domain = b.domain
        overload = b.overload
        attributes = b.attributes
        attributeStart = b.attributeStart
        metadata = b.metadata
        metadataStart = b.metadataStart
        holdsGraphs = b.holdsGraphs
    }

    /// Number of nodes.
    var count: Int { opType.count }

    /// Node `i`'s name (invalid UTF-8 repaired, as every decoded string): the made node's
    /// string once the nodes are made, so that repeated asks share one.
    func name(_ i: Int) -> String {
        if isMade.load(ordering: .acquiring) { return made[i].name }
        return nameBytes.withUnsafeBufferPointer { bytes in
            String(decoding: bytes[Int(nameStart[i])..<Int(nameStart[i + 1])], as: UTF8.self)
        }
    }

    /// Node `i`'s op type.
    func opType(_ i: Int) -> String { labels[Int(opType[i])] }

    /// Node `i`'s domain.
    func domain(_ i: Int) -> String { labels[Int(domain[i])] }

    /// How many nodes have each op type in each domain, counted by their ids.
    func opCounts() -> [(opType: String, domain: String, count: Int)] {
        var counts: [Int64: Int] = [:]
        for i in 0..<count { counts[Int64(opType[i]) << 32 | Int64(domain[i]), default: 0] += 1 }
        return counts.map { key, n in (labels[Int(key >> 32)], labels[Int(key & 0xFFFF_FFFF)], n) }
    }

    /// Node `i`'s attributes.
    func attributes(_ i: Int) -> ArraySlice<Attribute> { attributes[Int(attributeStart[i])..<Int(attributeStart[i + 1])] }

    /// True when an attribute of node `i` holds a graph.
    func holdsGraphs(_ i: Int) -> Bool { holdsGraphs[i] }

    /// The nodes whose attributes hold a graph, in order.
    func holdingGraphs() -> [Int] { holdsGraphs.indices.filter { holdsGraphs[$0] } }

    /// The nodes of op type `name`, in order: a pass over the ids, no string compared per node.
    /// (Labels are few; two ids spell one name only when invalid UTF-8 repairs alike.)
    func positions(of name: String) -> [Int] {
        let ids = labels.indices.filter { labels[$0] == name }.map(Int32.init)
        switch ids.count {
        case 0: return []
        case 1: return opType.indices.filter { opType[$0] == ids[0] }
        default: return opType.indices.filter { ids.contains(opType[$0]) }
        }
    }

    /// The name of node `i`'s output `k`, empty when it has none.
    func output(_ i: Int, _ k: Int) -> String {
        let outputs = wiring.outputs(of: i)
        guard outputs.count > k else { return "" }
        let id = outputs[outputs.startIndex + k]
        return id >= 0 ? wiring.table.name(id) : ""
    }

    /// The nodes as values: made on the first call (on all cores for a long list), kept after.
    var nodes: [Node] {
        if isMade.load(ordering: .acquiring) { return made }
        return making.withLock { _ in
            if !isMade.load(ordering: .acquiring) {
                // One snapshot of the table's strings: each name is then one array read.
                let names = wiring.table.names
                made = ParallelWork.map(Array(0..<count)) { node($0, names: names) }
                isMade.store(true, ordering: .releasing)
            }
            return made
        }
    }

    /// Node `i` as a value; `names` are the table's strings.
    private func node(_ i: Int, names: [String]) -> Node {
        Node(
            name: name(i), opType: opType(i), domain: domain(i), overload: labels[Int(overload[i])],
            inputs: wiring.inputs(of: i).map { $0 >= 0 ? names[Int($0)] : "" },
            outputs: wiring.outputs(of: i).map { $0 >= 0 ? names[Int($0)] : "" },
            attributes: Array(attributes(i)),
            metadata: Array(metadata[Int(metadataStart[i])..<Int(metadataStart[i + 1])]))
    }

    /// Fills the columns node after node; the decoder's inputs and outputs go to the wiring.
    struct Builder {
        fileprivate var nameBytes: [UInt8] = []
        fileprivate var nameStart: [Int32] = [0]
        fileprivate let labels = NameTable(capacity: 64)
        fileprivate var opType: [Int32] = [], domain: [Int32] = [], overload: [Int32] = []
        fileprivate var attributes: [Attribute] = []
        fileprivate var attributeStart: [Int32] = [0]
        fileprivate var metadata: [MetadataEntry] = []
        fileprivate var metadataStart: [Int32] = [0]
        fileprivate var holdsGraphs: [Bool] = []

        /// Room for `nodes` nodes.
        init(nodes: Int) {
            nameStart.reserveCapacity(nodes + 1)
            nameBytes.reserveCapacity(24 * nodes)
            opType.reserveCapacity(nodes)
            domain.reserveCapacity(nodes)
            overload.reserveCapacity(nodes)
            attributeStart.reserveCapacity(nodes + 1)
            metadataStart.reserveCapacity(nodes + 1)
            holdsGraphs.reserveCapacity(nodes)
        }

        /// The labels asked for last, by their bytes: a graph has a few op types, one or two
        /// domains and seldom an overload, so nearly every ask is answered by comparing a few
        /// bytes instead of hashing them (a 100k-node graph asks 300k times).
        private var recent: [(id: Int32, bytes: [UInt8])] = []
        private var nextRecent = 0
        private static let recentCount = 8

        /// The id of the op type, domain or overload spelled by `utf8` (invalid UTF-8 repaired).
        mutating func label(_ utf8: UnsafeRawBufferPointer) -> Int32 {
            for entry in recent where entry.bytes.count == utf8.count && entry.bytes.elementsEqual(utf8) { return entry.id }
            let id = labels.intern(utf8)
            if recent.count < Builder.recentCount {
                recent.append((id, Array(utf8)))
            } else {
                recent[nextRecent] = (id, Array(utf8))
                nextRecent = (nextRecent + 1) % Builder.recentCount
            }
            return id
        }

        /// Appends a node; `name` is its name's bytes, the labels are ids from ``label(_:)``.
        mutating func append(name: UnsafeRawBufferPointer, opType: Int32, domain: Int32, overload: Int32,
                             attributes: [Attribute], metadata: [MetadataEntry]) {
            nameBytes.append(contentsOf: name)
            nameStart.append(Int32(truncatingIfNeeded: nameBytes.count))
            self.opType.append(opType)
            self.domain.append(domain)
            self.overload.append(overload)
            // Most nodes have no attributes and no metadata: nothing to append, nothing to scan.
            if !attributes.isEmpty { self.attributes.append(contentsOf: attributes) }
            attributeStart.append(Int32(truncatingIfNeeded: self.attributes.count))
            if !metadata.isEmpty { self.metadata.append(contentsOf: metadata) }
            metadataStart.append(Int32(truncatingIfNeeded: self.metadata.count))
            holdsGraphs.append(!attributes.isEmpty && attributes.contains { !$0.value.subgraphs.isEmpty })
        }

        /// The columns, over `wiring` (which holds as many nodes).
        consuming func finish(wiring: Wiring) -> FlatNodes { FlatNodes(self, wiring: wiring) }
    }
}
