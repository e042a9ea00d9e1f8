extension Model {
    /// The model with every graph, subgraph and function body wired to one ``NameTable``:
    /// itself when the decoder wired it and nothing changed since, else a copy wired from
    /// the names' strings (a model built or changed in code). Training graphs are not wired:
    /// no component reads their edges.
    func wired() -> Model {
        if names.value != nil { return self }
        var model = self
        let table = NameTable(capacity: 2 * model.graph.nodeStore.count)
        var graph = model.graph
        ModelWiring.wire(&graph, table: table)
        var functions = model.functions
        for k in functions.indices {
            var wiring = Wiring(table: table, nodes: functions[k].nodes.count)
            wiring.declared = functions[k].inputs.map { ModelWiring.id($0, table) }
            functions[k].nodes = ModelWiring.wireNodes(functions[k].nodes, into: &wiring)
            functions[k].wiring.value = wiring
        }
        model.graph = graph
        model.functions = functions
        model.names.value = table
        return model
    }

    /// The wiring of the main graph (the model must be ``wired()``).
    var mainWiring: Wiring { graph.wiring(in: nameTable) }

    /// The table of a ``wired()`` model.
    var nameTable: NameTable { names.value ?? NameTable() }
}

extension Graph {
    /// This graph's wiring in `table`: the one it holds, or, should it hold none of that
    /// table (a graph of a model that was not ``Model/wired()``), one made now.
    func wiring(in table: NameTable) -> Wiring {
        ModelWiring.wiring(wiring.value, count: nodeStore.count, of: nodes, in: table) { ModelWiring.declared(self, table) }
    }
}

extension Function {
    /// The body's wiring in `table` (see ``Graph/wiring(in:)``).
    func wiring(in table: NameTable) -> Wiring {
        ModelWiring.wiring(wiring.value, count: nodes.count, of: nodes, in: table) { inputs.map { ModelWiring.id($0, table) } }
    }
}

/// Wiring built from strings, for models that did not come from the decoder.
enum ModelWiring {
    /// Wires `graph` and, depth first, every subgraph its nodes hold.
    static func wire(_ graph: inout Graph, table: NameTable) {
        var wiring = Wiring(table: table, nodes: graph.nodes.count)
        wiring.declared = declared(graph, table)
        graph.nodes = wireNodes(graph.nodes, into: &wiring)
        graph.wiring.value = wiring
    }

    /// `held` when it is a wiring of the `count` nodes in `table`, else one made from the
    /// names' strings of `nodes` (asked for only then), declaring `declared()`.
    static func wiring(_ held: Wiring?, count: Int, of nodes: @autoclosure () -> [Node], in table: NameTable,
                       declared: () -> [Int32]) -> Wiring {
        if let held, held.table === table, held.nodeCount == count { return held }
        let nodes = nodes()
        var made = Wiring(table: table, nodes: nodes.count)
        made.declared = declared()
        append(nodes, to: &made)
        return made
    }

    /// The ids of what `graph` declares: inputs, initializers, sparse initializers.
    static func declared(_ graph: Graph, _ table: NameTable) -> [Int32] {
        graph.inputs.map { id($0.name, table) } + graph.initializers.map { id($0.name, table) }
            + graph.sparseInitializers.map { id($0.name, table) }
    }

    /// Appends each node's ids to `wiring`.
    static func append(_ nodes: [Node], to wiring: inout Wiring) {
        for node in nodes {
            wiring.appendNode(inputs: node.inputs.map { id($0, wiring.table) }, outputs: node.outputs.map { id($0, wiring.table) })
        }
    }

    /// Appends each node's ids to `wiring` and returns the nodes with their subgraphs wired.
    static func wireNodes(_ nodes: [Node], into wiring: inout Wiring) -> [Node] {
        var nodes = nodes
        append(nodes, to: &wiring)
        for i in nodes.indices {
            for k in nodes[i].attributes.indices {
                switch nodes[i].attributes[k].value {
                case .graph(var g):
                    wire(&g, table: wiring.table)
                    nodes[i].attributes[k].value = .graph(g)
                case .graphs(var gs):
                    for j in gs.indices { wire(&gs[j], table: wiring.table) }
                    nodes[i].attributes[k].value = .graphs(gs)
                default:
                    continue
                }
            }
        }
        return nodes
    }

    /// The id of `name`, -1 for the empty name (an omitted input).
    static func id(_ name: String, _ table: NameTable) -> Int32 {
        name.isEmpty ? -1 : table.intern(name)
    }
}
