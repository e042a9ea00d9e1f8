/// Names layers after the source module when the exporter kept it: the PyTorch dynamo
/// exporter's `pkg.torch.onnx.name_scopes`, the TorchScript exporter's `/scope/Op` node
/// names, tf2onnx's `model/layer/Op` names (the TF op tails such as `/Tensordot/MatMul`
/// taken off), or a weight named `module.weight`.
enum LayerNaming {
    static func name(_ graph: GraphIndex, nodes: [Int], weights: [String] = []) -> String {
        // A node an optimizer rewrote (e.g. a BatchNorm fused into a Conv) carries the scope
        // of what it absorbed; the weights' own names are then the better guide.
        let rewritten = nodes.contains { i in graph.nodes[i].metadata.contains { $0.key == "pkg.onnxscript.rewriter.rule_name" } }
        if rewritten, let fromWeights = weightStem(weights) { return fromWeights }
        for i in nodes.sorted() {
            guard let scope = moduleScope(graph.nodes[i]) else { continue }
            // A module that calls its child's weights itself (F.linear(x, self.qkv.weight)):
            // the weight names the child, which is the more precise path.
            // Not when the child is only an op's name (the genai builder's `qkv_proj.MatMul.weight`).
            if let stem = weightStem(weights), stem.hasPrefix(scope + "."),
               !StandardOperators.names.contains(String(stem.dropFirst(scope.count + 1))) { return stem }
            return scope
        }
        if let fromWeights = weightStem(weights) { return fromWeights }
        // A node an optimizer wrote in place of a subgraph (com.microsoft `Attention_0`) keeps
        // the subgraph's output value name, and with it the scope (`/encoder/layer.0/attention/self/…`).
        for i in nodes.sorted() {
            if let scope = graph.nodes[i].outputs.lazy.compactMap(valueScope).first { return scope }
        }
        if let scope = neighbourScope(graph, nodes: nodes, weights: weights) { return scope }
        return nodes.sorted().first.map { graph.label($0) } ?? "layer"
    }

    /// The module scope in a TorchScript-style value name (`/encoder/layer.0/attention/self/Reshape_3_output_0`).
    static func valueScope(_ value: String) -> String? {
        guard value.hasPrefix("/") else { return nil }
        return slashScope(value)
    }

    /// `collapsed` of the `/`-separated components of a TorchScript-style name but its last
    /// (the op's or value's own), empty ones left out; nil when there are none. By bytes
    /// when the name is ASCII: no component is made a string of its own.
    private static func slashScope(_ name: String) -> String? {
        guard isASCII(name) else {
            let parts = name.split(separator: "/").dropLast().map(String.init)
            return parts.isEmpty ? nil : collapsed(parts)
        }
        var name = name
        return name.withUTF8 { l -> String? in
            let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
            var parts: [Range<Int>] = []
            var start = 0
            for i in 0...l.count where i == l.count || l[i] == slash {
                if i > start { parts.append(start..<i) }
                start = i + 1
            }
            guard parts.count > 1 else { return nil }
            parts.removeLast()
            // A part that extends the one kept before it with "." replaces it (see `collapsed`).
            var kept = 0
            // In place: a part is read before any write reaches its index.
            for j in parts.indices {
                let part = parts[j]
                if kept > 0, case let last = parts[kept - 1], part.count > last.count, l[part.lowerBound + last.count] == dot,
                   l[part.lowerBound..<(part.lowerBound + last.count)].elementsEqual(l[last]) {
                    parts[kept - 1] = part
                } else {
                    parts[kept] = part
                    kept += 1
                }
            }
            var out: [UInt8] = []
            out.reserveCapacity(l.count)
            for (k, part) in parts[..<kept].enumerated() {
                if k > 0 { out.append(dot) }
                out.append(contentsOf: l[part])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// True when every byte of `text` is ASCII: its characters are then its bytes, but for a
    /// CR LF pair, which no separator or comparison here treats differently.
    static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }

    /// `fc1` from `fc1.weight`: the module path a framework-named weight carries.
    static func weightStem(_ weights: [String]) -> String? {
        for w in weights {
            // In ASCII the letters are A–Z and a–z (`| 0x20` lowers a capital).
            let ascii = isASCII(w)
            let hasLetter = ascii ? w.utf8.contains { (0x61...0x7A).contains($0 | 0x20) } : w.contains(where: \.isLetter)
            if let dot = ascii ? w.utf8.lastIndex(of: UInt8(ascii: ".")) : w.lastIndex(of: "."), !w.hasPrefix("onnx::"), hasLetter {
                let stem = String(w[..<dot])
                if !stem.isEmpty { return stem }
            }
        }
        return nil
    }

    /// The module scope a node came from, if the exporter recorded one.
    static func moduleScope(_ node: Node) -> String? {
        if let scopes = node.metadata.first(where: { $0.key == "pkg.torch.onnx.name_scopes" })?.value {
            let parts = quotedStrings(scopes)
            if parts.count >= 2, let module = parts.dropLast().last(where: { !$0.isEmpty }) { return module }
        }
        let name = node.name
        if name.hasPrefix("/") {
            if let scope = slashScope(name) { return scope }
        } else if name.utf8.contains(UInt8(ascii: "/")) {
            return tensorFlowScope(name)
        }
        return nil
    }

    /// The Keras layer scope of a TF op or value name (`model/block_0/ffn_in/Tensordot/MatMul`
    /// → `model/block_0/ffn_in`): the op's own name and the TF-internal scopes that Keras
    /// layers open inside themselves are taken off the end; a value's `:0` as well.
    static func tensorFlowScope(_ name: String) -> String? {
        var text = Substring(name)
        if let colon = text.lastIndex(of: ":"), text[text.index(after: colon)...].allSatisfy(\.isNumber) { text = text[..<colon] }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        while let last = parts.last, parts.count > 1, tensorFlowTails.contains(String(last)) { parts = parts.dropLast() }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else { return nil }
        return parts.joined(separator: "/")
    }

    /// The Keras layer scope of a weight tf2onnx named after the TF op that reads it
    /// (`model/pos_embed/add/ReadVariableOp:0` → `model/pos_embed`).
    static func tensorFlowWeightScope(_ name: String) -> String? {
        var text = Substring(name)
        if let colon = text.lastIndex(of: ":"), text[text.index(after: colon)...].allSatisfy(\.isNumber) { text = text[..<colon] }
        if let slash = text.lastIndex(of: "/"), text[text.index(after: slash)...].hasPrefix("ReadVariableOp") { text = text[..<slash] }
        return tensorFlowScope(String(text))
    }

    /// Scopes TF ops open inside a Keras layer (`Tensordot`, `einsum`, `moments`, a
    /// recurrent layer's `while` loop and cell), never a Keras layer's own name.
    static let tensorFlowTails: Set<String> = [
        "Tensordot", "MatMul", "BiasAdd", "einsum", "Einsum", "Conv1D", "Conv2D", "Conv3D", "PartitionedCall",
        "StatefulPartitionedCall", "while", "lstm_cell", "gru_cell", "simple_rnn_cell", "moments", "batchnorm",
        "embedding_lookup", "ExpandDims", "TensorArrayV2Read", "TensorArrayV2Write", "FusedBatchNormV3", "ReadVariableOp",
    ]

    /// True for a tf2onnx-style node name: a TF scope path (`model/layer/Op`), not a
    /// TorchScript one (`/layer/Op`).
    static func isTensorFlowName(_ name: String) -> Bool {
        // By bytes: `contains("/")` would search through Foundation, for every layer name.
        name.utf8.contains(UInt8(ascii: "/")) && name.utf8.first != UInt8(ascii: "/")
    }

    /// For a layer none of whose nodes carries a scope (tf2onnx names some ops it writes
    /// `Conv__296`, `LSTM__35`): the Keras layer scope of a variable it reads
    /// (`model/depthwise/BiasAdd/ReadVariableOp:0`); else of the nearest named node its output
    /// reaches or one of its inputs comes from, through unnamed nodes. A helper tf2onnx made
    /// for this op (`model/conv1_conv/Conv2D__2685`, a layout Transpose) is preferred to a
    /// neighbouring layer's own op; then outputs before inputs, the last inputs first (a
    /// recurrent op's initial states are made in its layer's scope).
    private static func neighbourScope(_ graph: GraphIndex, nodes: [Int], weights: [String]) -> String? {
        for w in weights where isTensorFlowName(w) && w.contains("/ReadVariableOp") {
            if let scope = tensorFlowWeightScope(w) { return scope }
        }
        guard let first = nodes.min() else { return nil }
        let last = nodes.max() ?? first
        var named: [String] = []
        for output in graph.nodes[last].outputs where !output.isEmpty {
            var value = output
            for _ in 0..<4 {
                let uses = graph.uses(of: value)
                guard uses.count == 1 else { break }
                let node = graph.nodes[uses[0].node]
                if isTensorFlowName(node.name) {
                    named.append(node.name)
                    break
                }
                guard let next = node.outputs.first, !next.isEmpty else { break }
                value = next
            }
        }
        for input in graph.nodes[first].inputs.reversed() where !input.isEmpty {
            var value = input
            for _ in 0..<4 {
                guard let p = graph.producer(of: value) else { break }
                let node = graph.nodes[p]
                if isTensorFlowName(node.name) {
                    named.append(node.name)
                    break
                }
                guard let next = node.inputs.first, !next.isEmpty else { break }
                value = next
            }
        }
        let helper = named.first { name in
            guard let range = name.range(of: "__", options: .backwards) else { return false }
            let digits = name[range.upperBound...]
            return !digits.isEmpty && digits.allSatisfy(\.isNumber)
        }
        return (helper.map { [$0] } ?? named).lazy.compactMap(tensorFlowScope).first
    }

    /// A TorchScript scope path as the module path: `/features/features.1/features.1.1/attn`
    /// names each component with its full path when modules nest in a Sequential, so a
    /// component that extends the one before it replaces it (`features.1.1.attn`).
    static func collapsed(_ parts: [String]) -> String {
        var result: [String] = []
        for part in parts {
            if let last = result.last, part.hasPrefix(last + ".") {
                result[result.count - 1] = part
            } else {
                result.append(part)
            }
        }
        return result.joined(separator: ".")
    }

    /// The separator of module paths among `names`: `/` for TF (Keras) scope paths, else `.`.
    static func separator(_ names: [String]) -> Character {
        !names.isEmpty && names.allSatisfy(isTensorFlowName) ? "/" : "."
    }

    /// `parent` joined with `child` by the separator `parent`'s own paths use.
    static func child(_ parent: String, _ child: String) -> String {
        isTensorFlowName(parent) ? "\(parent)/\(child)" : "\(parent).\(child)"
    }

    /// True when `name` is `path` or lies below it (`a.b.c` and `a/b/c` are below `a.b`, `a/b`).
    static func isWithin(_ name: String, _ path: String) -> Bool {
        name == path || name.hasPrefix(path + ".") || name.hasPrefix(path + "/")
    }

    /// The components of a module path, split at `.` or at `/` for TF scope paths.
    static func components(_ name: String) -> [Substring] {
        name.split(separator: isTensorFlowName(name) ? "/" : ".")
    }

    /// The longest module path all names share (split at `.`, or at `/` for TF scope paths), or nil.
    static func commonPrefix(_ names: [String]) -> String? {
        guard let first = names.first else { return nil }
        let sep = separator(names)
        if let byte = sep.asciiValue, let length = sharedLength(names, byte) {
            return length == 0 ? nil : String(decoding: first.utf8.prefix(length), as: UTF8.self)
        }
        return characterCommonPrefix(names, separator: sep)
    }

    /// ``commonPrefix(_:)`` for any names, split into characters at `sep`.
    static func characterCommonPrefix(_ names: [String], separator sep: Character) -> String? {
        guard let first = names.first else { return nil }
        // Substrings of the names, compared in place: no component is copied out.
        var parts = first.split(separator: sep)
        for name in names.dropFirst() {
            let other = name.split(separator: sep)
            var n = 0
            while n < min(parts.count, other.count), parts[n] == other[n] { n += 1 }
            parts.removeLast(parts.count - n)
        }
        return parts.isEmpty ? nil : parts.joined(separator: String(sep))
    }

    /// For ASCII names with no empty component (no leading, trailing or doubled `sep`), the
    /// byte length of the first name's prefix that ``commonPrefix(_:)`` returns (0 for none):
    /// the shared components are then the first name's bytes up to a separator. Nil for
    /// other names, which take the general path.
    private static func sharedLength(_ names: [String], _ sep: UInt8) -> Int? {
        func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let head = bytes.first, let tail = bytes.last, head != sep, tail != sep else { return false }
            var previous: UInt8 = 0
            for b in bytes {
                if b >= 0x80 || (b == sep && previous == sep) { return false }
                previous = b
            }
            return true
        }
        var first = names[0]
        return first.withUTF8 { f -> Int? in
            guard isPlain(f) else { return nil }
            var common = f.count
            for name in names.dropFirst() {
                var name = name
                let shared: Int? = name.withUTF8 { o in
                    guard isPlain(o) else { return nil }
                    var k = 0
                    while k < min(common, o.count), f[k] == o[k] { k += 1 }
                    // Back to where a component ends in both names.
                    while k > 0, !((k == f.count || f[k] == sep) && (k == o.count || o[k] == sep)) { k -= 1 }
                    return k
                }
                guard let shared else { return nil }
                common = shared
            }
            return common
        }
    }

    static func quotedStrings(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q {
                    result.append(current)
                    current = ""
                    quote = nil
                } else {
                    current.append(c)
                }
            } else if c == "'" || c == "\"" {
                quote = c
            }
        }
        return result
    }
}
