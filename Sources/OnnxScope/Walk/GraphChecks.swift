/// Structural checks over every graph of a model: cycles, node inputs that nothing
/// defines, and values produced more than once. (Training graphs are left out: they may
/// read the inference graph's values.)
///
/// Graphs, subgraphs and function bodies are visited from a work list, and name lookups
/// climb a chain of scopes (a subgraph sees its enclosing graphs' values), so the checks
/// terminate on any model and never recurse. Each kind of finding is reported for at most
/// ``GraphChecks/perKindLimit`` places, then summed up in one more finding.
enum GraphChecks {
    /// Findings of one kind reported individually before the rest are summarized.
    public static let perKindLimit = 50

    /// The structural findings of `model`, in walk order.
    public static func findings(_ model: Model) -> [Finding] {
        var report = Report()
        var scopes: [Scope] = []
        var names = Interner(capacity: 2 * model.graph.nodes.count + model.graph.initializers.count)
        var work: [Visit] = [Visit(
            nodes: model.graph.nodes, path: "main", parent: nil,
            declared: model.graph.inputs.map(\.name) + model.graph.initializers.map(\.name)
                + model.graph.sparseInitializers.map(\.name))]
        for function in model.functions {
            work.append(Visit(nodes: function.nodes, path: "function \(function.qualifiedName)", parent: nil,
                              declared: function.inputs))
        }
        var next = 0
        while next < work.count {
            let visit = work[next]
            next += 1
            let scope = scopes.count
            scopes.append(check(visit, scopes: scopes, names: &names, report: &report))
            for (position, node) in visit.nodes.enumerated() {
                for attribute in node.attributes {
                    for graph in attribute.value.subgraphs {
                        work.append(Visit(
                            nodes: graph.nodes, path: WeightCatalog.subgraphPath(visit.path, node, position, attribute.name),
                            parent: scope,
                            declared: graph.inputs.map(\.name) + graph.initializers.map(\.name)
                                + graph.sparseInitializers.map(\.name)))
                    }
                }
            }
        }
        return report.finish()
    }

    /// Checks one graph and returns its scope (the names it defines). Names are interned
    /// to integers once (`names`, shared by every graph of the model), so each occurrence
    /// is hashed as a string once and every later lookup is an integer one.
    private static func check(_ visit: Visit, scopes: [Scope], names: inout Interner, report: inout Report) -> Scope {
        var defined = Set<Int32>(minimumCapacity: visit.declared.count + visit.nodes.count)
        for name in visit.declared where !name.isEmpty { defined.insert(names.id(name)) }
        // Per node, the ids of its outputs and inputs (-1 for an omitted optional one).
        var outputs: [Int32] = [], outputStart: [Int32] = [0]
        var inputs: [Int32] = [], inputStart: [Int32] = [0]
        outputStart.reserveCapacity(visit.nodes.count + 1)
        inputStart.reserveCapacity(visit.nodes.count + 1)
        for node in visit.nodes {
            for output in node.outputs { outputs.append(output.isEmpty ? -1 : names.id(output)) }
            for input in node.inputs { inputs.append(input.isEmpty ? -1 : names.id(input)) }
            outputStart.append(Int32(outputs.count))
            inputStart.append(Int32(inputs.count))
        }
        var producer: [Int32: Int32] = [:]
        producer.reserveCapacity(outputs.count)
        var reportedTwice: Set<Int32> = []
        for i in visit.nodes.indices {
            for k in Int(outputStart[i])..<Int(outputStart[i + 1]) where outputs[k] >= 0 {
                let output = outputs[k]
                if producer[output] != nil || defined.contains(output) {
                    if reportedTwice.insert(output).inserted {
                        report.add(Finding(
                            severity: .error, code: "duplicate-output",
                            message: "value '\(names.name(output))' is defined more than once (by node \(label(visit.nodes, i)) and earlier)",
                            location: "\(visit.path): \(label(visit.nodes, i))"))
                    }
                } else {
                    producer[output] = Int32(i)
                }
            }
        }
        defined.formUnion(producer.keys)
        let scope = Scope(defined: defined, parent: visit.parent)

        for i in visit.nodes.indices {
            for k in Int(inputStart[i])..<Int(inputStart[i + 1]) where inputs[k] >= 0 && !isDefined(inputs[k], in: scope, scopes) {
                report.add(Finding(
                    severity: .error, code: "undefined-input",
                    message: "node \(label(visit.nodes, i)) reads '\(names.name(inputs[k]))', which no node, graph input or initializer defines",
                    location: "\(visit.path): \(label(visit.nodes, i))"))
            }
        }
        if let cycle = cycle(count: visit.nodes.count, inputs: inputs, inputStart: inputStart, producer: producer) {
            let labels = cycle.prefix(4).map { label(visit.nodes, $0) }.joined(separator: ", ")
            report.add(Finding(
                severity: .error, code: "graph-cycle",
                message: "\(cycle.count) nodes depend on their own outputs through a cycle (\(labels)\(cycle.count > 4 ? ", …" : ""))",
                location: visit.path))
        }
        return scope
    }

    /// Nodes that can never run because they lie on or after a cycle (Kahn's algorithm);
    /// nil when the graph is acyclic. A node reading one value twice waits for it once.
    private static func cycle(count: Int, inputs: [Int32], inputStart: [Int32], producer: [Int32: Int32]) -> [Int]? {
        var waiting = [Int32](repeating: 0, count: count)
        var readers = [[Int32]](repeating: [], count: count)
        for i in 0..<count {
            let range = Int(inputStart[i])..<Int(inputStart[i + 1])
            for k in range where inputs[k] >= 0 {
                // Each distinct input once: inputs are few, a scan beats a set.
                guard !inputs[range.lowerBound..<k].contains(inputs[k]), let p = producer[inputs[k]] else { continue }
                waiting[i] += 1
                readers[Int(p)].append(Int32(i))
            }
        }
        var ready = (0..<count).filter { waiting[$0] == 0 }
        var done = 0
        while let i = ready.popLast() {
            done += 1
            for r in readers[i] {
                waiting[Int(r)] -= 1
                if waiting[Int(r)] == 0 { ready.append(Int(r)) }
            }
        }
        guard done < count else { return nil }
        return (0..<count).filter { waiting[$0] > 0 }
    }

    private static func isDefined(_ name: Int32, in scope: Scope, _ scopes: [Scope]) -> Bool {
        if scope.defined.contains(name) { return true }
        var parent = scope.parent
        while let p = parent {
            if scopes[p].defined.contains(name) { return true }
            parent = scopes[p].parent
        }
        return false
    }

    /// Value names as integers, one table for the model.
    private struct Interner {
        private var ids: [String: Int32] = [:]
        private var names: [String] = []

        init(capacity: Int) {
            ids.reserveCapacity(capacity)
            names.reserveCapacity(capacity)
        }

        mutating func id(_ name: String) -> Int32 {
            if let id = ids[name] { return id }
            let id = Int32(truncatingIfNeeded: names.count)
            ids[name] = id
            names.append(name)
            return id
        }

        func name(_ id: Int32) -> String { names[Int(id)] }
    }

    private static func label(_ nodes: [Node], _ i: Int) -> String {
        nodes[i].name.isEmpty ? "\(nodes[i].opType)#\(i)" : "'\(nodes[i].name)'"
    }

    private struct Visit {
        var nodes: [Node]
        var path: String
        var parent: Int?
        var declared: [String]
    }

    private struct Scope {
        var defined: Set<Int32>
        var parent: Int?
    }

    /// Collects findings, at most ``perKindLimit`` of each code.
    private struct Report {
        private var findings: [Finding] = []
        private var counts: [String: Int] = [:]
        private var codes: [String] = []

        mutating func add(_ finding: Finding) {
            let n = counts[finding.code, default: 0]
            if n == 0 { codes.append(finding.code) }
            counts[finding.code] = n + 1
            if n < GraphChecks.perKindLimit { findings.append(finding) }
        }

        func finish() -> [Finding] {
            var result = findings
            for code in codes {
                let n = counts[code] ?? 0
                if n > GraphChecks.perKindLimit {
                    result.append(Finding(severity: .error, code: code,
                                          message: "… and \(n - GraphChecks.perKindLimit) more like the above", location: "model"))
                }
            }
            return result
        }
    }
}
