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
            scopes.append(check(visit, scopes: scopes, report: &report))
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

    /// Checks one graph and returns its scope (the names it defines).
    private static func check(_ visit: Visit, scopes: [Scope], report: inout Report) -> Scope {
        var defined = Set(visit.declared.filter { !$0.isEmpty })
        var producer: [String: Int] = [:]
        var reportedTwice: Set<String> = []
        for (i, node) in visit.nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                if producer[output] != nil || defined.contains(output) {
                    if reportedTwice.insert(output).inserted {
                        report.add(Finding(
                            severity: .error, code: "duplicate-output",
                            message: "value '\(output)' is defined more than once (by node \(label(visit.nodes, i)) and earlier)",
                            location: "\(visit.path): \(label(visit.nodes, i))"))
                    }
                } else {
                    producer[output] = i
                }
            }
        }
        defined.formUnion(producer.keys)
        let scope = Scope(defined: defined, parent: visit.parent)

        for (i, node) in visit.nodes.enumerated() {
            for input in node.inputs where !input.isEmpty && !isDefined(input, in: scope, scopes) {
                report.add(Finding(
                    severity: .error, code: "undefined-input",
                    message: "node \(label(visit.nodes, i)) reads '\(input)', which no node, graph input or initializer defines",
                    location: "\(visit.path): \(label(visit.nodes, i))"))
            }
        }
        if let cycle = cycle(visit.nodes, producer: producer) {
            let names = cycle.prefix(4).map { label(visit.nodes, $0) }.joined(separator: ", ")
            report.add(Finding(
                severity: .error, code: "graph-cycle",
                message: "\(cycle.count) nodes depend on their own outputs through a cycle (\(names)\(cycle.count > 4 ? ", …" : ""))",
                location: visit.path))
        }
        return scope
    }

    /// Nodes that can never run because they lie on or after a cycle (Kahn's algorithm);
    /// nil when the graph is acyclic.
    private static func cycle(_ nodes: [Node], producer: [String: Int]) -> [Int]? {
        var waiting = [Int](repeating: 0, count: nodes.count)
        var readers = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty {
                guard let p = producer[input] else { continue }
                waiting[i] += 1
                readers[p].append(i)
            }
        }
        var ready = nodes.indices.filter { waiting[$0] == 0 }
        var done = 0
        while let i = ready.popLast() {
            done += 1
            for r in readers[i] {
                waiting[r] -= 1
                if waiting[r] == 0 { ready.append(r) }
            }
        }
        guard done < nodes.count else { return nil }
        return nodes.indices.filter { waiting[$0] > 0 }
    }

    private static func isDefined(_ name: String, in scope: Scope, _ scopes: [Scope]) -> Bool {
        if scope.defined.contains(name) { return true }
        var parent = scope.parent
        while let p = parent {
            if scopes[p].defined.contains(name) { return true }
            parent = scopes[p].parent
        }
        return false
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
        var defined: Set<String>
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
