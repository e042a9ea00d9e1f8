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
        let model = model.wired()
        let table = model.nameTable
        var report = Report()
        var scopes: [Scope] = []
        var work: [Visit] = [Visit(nodes: model.graph.nodeStore, wiring: model.mainWiring, path: "main", parent: nil)]
        for function in model.functions {
            work.append(Visit(nodes: NodeStore(function.nodes), wiring: function.wiring(in: table),
                              path: "function \(function.qualifiedName)", parent: nil))
        }
        // Every graph first, then the checks, in the order graphs were found.
        var next = 0
        while next < work.count {
            let visit = work[next]
            let scope = next
            next += 1
            let nodes = visit.nodes
            for position in nodes.mayHoldGraphs() {
                for attribute in nodes.attributes(position) {
                    for graph in attribute.value.subgraphs {
                        work.append(Visit(
                            nodes: graph.nodeStore, wiring: graph.wiring(in: table),
                            path: WeightCatalog.subgraphPath(visit.path, label: nodes.label(position), attribute.name), parent: scope))
                    }
                }
            }
        }
        // The producer of each name in the graph being checked; reset after each graph.
        var producer = [Int32](repeating: -1, count: table.count)
        for visit in work {
            scopes.append(check(visit, scopes: scopes, producer: &producer, report: &report))
        }
        return report.finish()
    }

    /// Checks one graph and returns its scope (the names it defines). Names are ids of the
    /// model's table, so every lookup is an integer one.
    private static func check(_ visit: Visit, scopes: [Scope], producer: inout [Int32], report: inout Report) -> Scope {
        let wiring = visit.wiring, names = wiring.table
        var defined = IDSet(tableCount: names.count, expected: wiring.declared.count + wiring.outputs.count)
        for id in wiring.declared where id >= 0 { defined.insert(id) }
        var reportedTwice: Set<Int32> = []
        for i in 0..<visit.nodes.count {
            for output in wiring.outputs(of: i) where output >= 0 {
                if producer[Int(output)] >= 0 || defined.contains(output) {
                    if reportedTwice.insert(output).inserted {
                        report.add(Finding(
                            severity: .error, code: "duplicate-output",
                            message: "value '\(names.name(output))' is defined more than once (by node \(label(visit.nodes, i)) and earlier)",
                            location: "\(visit.path): \(label(visit.nodes, i))"))
                    }
                } else {
                    producer[Int(output)] = Int32(i)
                }
            }
        }
        for output in wiring.outputs where output >= 0 && producer[Int(output)] >= 0 { defined.insert(output) }
        let scope = Scope(defined: defined, parent: visit.parent)

        for i in 0..<visit.nodes.count {
            for input in wiring.inputs(of: i) where input >= 0 && !isDefined(input, in: scope, scopes) {
                report.add(Finding(
                    severity: .error, code: "undefined-input",
                    message: "node \(label(visit.nodes, i)) reads '\(names.name(input))', which no node, graph input or initializer defines",
                    location: "\(visit.path): \(label(visit.nodes, i))"))
            }
        }
        if let cycle = cycle(wiring, producer: producer) {
            let labels = cycle.prefix(4).map { label(visit.nodes, $0) }.joined(separator: ", ")
            report.add(Finding(
                severity: .error, code: "graph-cycle",
                message: "\(cycle.count) nodes depend on their own outputs through a cycle (\(labels)\(cycle.count > 4 ? ", …" : ""))",
                location: visit.path))
        }
        for output in wiring.outputs where output >= 0 { producer[Int(output)] = -1 }
        return scope
    }

    /// Nodes that can never run because they lie on or after a cycle (Kahn's algorithm);
    /// nil when the graph is acyclic. A node reading one value twice waits for it once.
    private static func cycle(_ wiring: Wiring, producer: [Int32]) -> [Int]? {
        let count = wiring.nodeCount
        var waiting = [Int32](repeating: 0, count: count)
        // Who waits for whom, as one flat list: node p's readers are readers[start[p]..<start[p + 1]].
        var start = [Int32](repeating: 0, count: count + 1)
        func eachWait(_ body: (_ reader: Int, _ producer: Int) -> Void) {
            for i in 0..<count {
                let inputs = wiring.inputs(of: i)
                for k in inputs.indices where inputs[k] >= 0 {
                    // Each distinct input once: inputs are few, a scan beats a set.
                    let p = producer[Int(inputs[k])]
                    guard p >= 0, !inputs[inputs.startIndex..<k].contains(inputs[k]) else { continue }
                    body(i, Int(p))
                }
            }
        }
        eachWait { i, p in
            waiting[i] += 1
            start[p + 1] += 1
        }
        for p in 0..<count { start[p + 1] += start[p] }
        var readers = [Int32](repeating: 0, count: Int(start[count]))
        var filled = start
        eachWait { i, p in
            readers[Int(filled[p])] = Int32(i)
            filled[p] += 1
        }
        var ready = (0..<count).filter { waiting[$0] == 0 }
        var done = 0
        while let i = ready.popLast() {
            done += 1
            for r in readers[Int(start[i])..<Int(start[i + 1])] {
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

    private static func label(_ nodes: NodeStore, _ i: Int) -> String {
        let name = nodes.name(i)
        return name.isEmpty ? "\(nodes.opType(i))#\(i)" : "'\(name)'"
    }

    private struct Visit {
        var nodes: NodeStore
        var wiring: Wiring
        var path: String
        var parent: Int?
    }

    private struct Scope {
        var defined: IDSet
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
