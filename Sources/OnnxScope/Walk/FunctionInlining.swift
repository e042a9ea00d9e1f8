/// A graph's nodes with every call of a model-local function expanded in place, so that
/// layers inside function bodies (PyTorch's `export_modules_as_functions`) are found as in
/// a plain export: a body's formal inputs become the call's actual inputs (the weights the
/// call site passes), its formal outputs the call's outputs, and its other values get a
/// prefix unique to the call. A function called twice is expanded twice, once per call,
/// and reads the same stored weights both times.
///
/// Expansion stops at ``depthLimit`` nested calls and gives up past ``nodeLimit`` nodes
/// plus four times the nodes the file holds (hostile files can nest calls exponentially);
/// the graph is then left as it is.
/// Subgraphs inside function bodies are kept but not renamed.
struct FunctionInlining {
    /// Deepest nesting of calls expanded.
    static let depthLimit = 16
    /// Most nodes an expanded graph may have beyond four times the file's own.
    static let nodeLimit = 200_000

    /// The expanded nodes.
    private(set) var nodes: [Node] = []
    /// Copies of the `Constant` values of the expanded bodies, under their prefixed names
    /// (their graph path stays the function's, where the catalog counts them once).
    private(set) var constants: [StoredWeight] = []
    private let functions: [String: Function]
    private let bodyWeights: [String: [String: StoredWeight]]
    private let limit: Int

    /// Expands the calls in `nodes`; nil when there are none, or the limits are passed.
    init?(_ graphNodes: [Node], model: Model, weights: [StoredWeight]) {
        guard !model.functions.isEmpty else { return nil }
        var byName: [String: Function] = [:]
        for f in model.functions where byName[f.qualifiedName] == nil { byName[f.qualifiedName] = f }
        functions = byName
        guard graphNodes.contains(where: { byName[FunctionInlining.callee($0)] != nil }) else { return nil }
        var body: [String: [String: StoredWeight]] = [:]
        for w in weights {
            guard case .function(let name) = w.namespace, w.graphPath == "function \(name)" else { continue }
            body[name, default: [:]][w.name] = w
        }
        bodyWeights = body
        let own = model.functions.reduce(Int64(graphNodes.count)) { Saturating.add($0, Int64($1.nodes.count)) }
        limit = Int(clamping: Saturating.add(Int64(FunctionInlining.nodeLimit), Saturating.mul(4, own)))
        // The size first, without building anything: hostile nesting is refused at once.
        var sizes: [String: Int64] = [:]
        var visiting: [String] = []
        guard size(of: graphNodes, &sizes, &visiting) <= Int64(limit) else { return nil }
        var stack: [String] = []
        guard expand(graphNodes, rename: { $0 }, label: "", stack: &stack) else { return nil }
    }

    /// About the nodes `body` expands to (a function already being expanded, or nested too
    /// deep, stays one node); saturating.
    private func size(of body: [Node], _ sizes: inout [String: Int64], _ visiting: inout [String]) -> Int64 {
        var total: Int64 = 0
        for node in body {
            let key = FunctionInlining.callee(node)
            guard let f = functions[key], !visiting.contains(key), visiting.count < FunctionInlining.depthLimit else {
                total = Saturating.add(total, 1)
                continue
            }
            // Memoized per function as first met: an estimate when that was deep in the
            // nesting (the depth limit cut it); expand() still stops at the limit itself.
            if let known = sizes[key] {
                total = Saturating.add(total, known)
                continue
            }
            visiting.append(key)
            let n = size(of: f.nodes, &sizes, &visiting)
            visiting.removeLast()
            sizes[key] = n
            total = Saturating.add(total, n)
            if total > Int64(limit) { return total }
        }
        return total
    }

    /// How a node names the function it calls.
    private static func callee(_ node: Node) -> String {
        guard !node.isDefaultDomain else { return "" }
        let base = "\(node.domain).\(node.opType)"
        return node.overload.isEmpty ? base : "\(base):\(node.overload)"
    }

    /// Appends `body` with its values renamed; false when a limit is passed.
    private mutating func expand(_ body: [Node], rename: (String) -> String, label: String, stack: inout [String]) -> Bool {
        for (position, node) in body.enumerated() {
            let own = node.name.isEmpty ? "\(node.opType)#\(position)" : node.name
            // Names without "/", so that a call's scope is not taken for each inner layer's module.
            let name = label.isEmpty ? node.name : "\(label).\(own.split(separator: "/").joined(separator: "."))"
            let inputs = node.inputs.map { $0.isEmpty ? "" : rename($0) }
            let outputs = node.outputs.map { $0.isEmpty ? "" : rename($0) }
            let key = FunctionInlining.callee(node)
            if let f = functions[key], !stack.contains(key), stack.count < FunctionInlining.depthLimit {
                var binding: [String: String] = [:]
                for (k, formal) in f.inputs.enumerated() where !formal.isEmpty { binding[formal] = k < inputs.count ? inputs[k] : "" }
                for (k, formal) in f.outputs.enumerated() where !formal.isEmpty && k < outputs.count { binding[formal] = outputs[k] }
                let callLabel = label.isEmpty ? own.split(separator: "/").joined(separator: ".") : name
                let prefix = "\(callLabel)::"
                stack.append(key)
                let ok = expand(f.nodes, rename: { binding[$0] ?? prefix + $0 }, label: callLabel, stack: &stack)
                stack.removeLast()
                guard ok else { return false }
                continue
            }
            if node.opType == "Constant", let original = node.outputs.first, let function = stack.last,
               let w = bodyWeights[function]?[original], let renamed = outputs.first {
                constants.append(StoredWeight(w, name: renamed, namespace: .main))
            }
            nodes.append(Node(name: name, opType: node.opType, domain: node.domain, overload: node.overload,
                              inputs: inputs, outputs: outputs, attributes: node.attributes, metadata: node.metadata))
            guard nodes.count <= limit else { return false }
        }
        return true
    }
}
