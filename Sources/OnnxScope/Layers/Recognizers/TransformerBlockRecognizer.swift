/// Transformer blocks: self-attention, (for decoders) cross-attention, a feed-forward
/// network (two-layer or gated) and the norms around them, grouped in graph order.
/// Handles post-norm blocks (attention, add, norm, FFN, add, norm) and pre-norm blocks
/// (norm, attention, add, norm, FFN, add). A block whose self-attention is causal, that has
/// no cross-attention, in a model with a head onto its token vocabulary, is decoder-only
/// (GPT-2, LLaMA): a decoder block with `crossAttention` false, never an encoder block.
enum TransformerBlockRecognizer: SpanGrouper {
    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] {
        guard spans.contains(where: { $0.graph === graph && $0.layer.kind == .multiHeadAttention }) else { return spans }
        let ordered = spans.enumerated().filter { $0.element.graph === graph }.sorted { $0.element.order < $1.element.order }
        var used = Set<Int>()
        var blocks: [LayerSpan] = []
        // A causal stack is decoder-only when the model predicts tokens: a Dense head onto a
        // token embedding's vocabulary (GPT-2, LLaMA). Without one it is a causal encoder
        // (CLIP's text tower).
        let vocabularies = Set(spans.filter { $0.graph === graph && $0.layer.kind == .embedding }.map { $0.layer.int(.vocabSize) })
        let predictsTokens = spans.contains {
            $0.graph === graph && $0.layer.kind == .dense && vocabularies.contains($0.layer.int(.outputSize))
                && $0.layer.int(.outputSize) > $0.layer.int(.inputSize)
        }
        var position = 0
        while position < ordered.count {
            let (index, span) = ordered[position]
            guard span.layer.kind == .multiHeadAttention, span.layer.hyper[.selfAttention] == .bool(true),
                  !used.contains(index) else {
                position += 1
                continue
            }
            let width = span.layer.int(.width)
            var members = [index]
            var preNorm = false
            // Pre-norm: a norm feeds the attention, and the norm's own input also feeds the
            // residual add (post-norm blocks read the previous norm's output for both).
            // A com.microsoft Skip(Simplified)LayerNormalization adds the residual itself and passes
            // the sum on through its fourth output: pre-norm when that sum is read.
            if position > 0, isNorm(ordered[position - 1].element), !used.contains(ordered[position - 1].offset),
               feeds(graph, ordered[position - 1].element.output, span.input),
               let normInput = ordered[position - 1].element.input,
               readers(graph, uncast(graph, normInput)) > 1 || passesResidualOn(graph, ordered[position - 1].element) {
                members.insert(ordered[position - 1].offset, at: 0)
                preNorm = true
            }
            var cross = false
            var ffn: (Int, Int)?
            var j = position + 1
            while j < ordered.count, ffn == nil {
                let (k, candidate) = ordered[j]
                if isNorm(candidate), candidate.layer.int(.width) == width {
                    members.append(k)
                } else if candidate.layer.kind == .multiHeadAttention, candidate.layer.hyper[.selfAttention] == .bool(false), !cross {
                    members.append(k)
                    cross = true
                } else if candidate.layer.kind == .embedding, let heads = span.layer.hyper[.heads]?.int,
                          candidate.layer.int(.width) == heads {
                    // T5's relative position bias: a [buckets, heads] table added to the scores.
                    members.append(k)
                } else if candidate.layer.kind == .feedForward, candidate.layer.int(.width) == width {
                    ffn = (k, k)
                    members.append(k)
                } else if candidate.layer.kind == .dense, candidate.layer.int(.inputSize) == width, j + 1 < ordered.count,
                          ordered[j + 1].element.layer.kind == .dense,
                          ordered[j + 1].element.layer.int(.inputSize) == candidate.layer.int(.outputSize),
                          ordered[j + 1].element.layer.int(.outputSize) == width {
                    ffn = (k, ordered[j + 1].offset)
                    members += [k, ordered[j + 1].offset]
                    j += 1
                } else {
                    break
                }
                j += 1
            }
            guard let (up, _) = ffn else {
                position += 1
                continue
            }
            if !preNorm, j < ordered.count, isNorm(ordered[j].element), ordered[j].element.layer.int(.width) == width {
                members.append(ordered[j].offset)
                j += 1
            }
            let children = members.map { spans[$0].layer }
            let norms = children.filter { $0.kind == .layerNorm || $0.kind == .rmsNorm }.count
            let name = blockName(children.map(\.name)) ?? "\(span.layer.name).block"
            let feedForward = spans[up].layer
            let inner = feedForward.kind == .feedForward ? feedForward.int(.ffnSize) : feedForward.int(.outputSize)
            var hyper: Hyper = [.width: .int(width), .ffnSize: .int(inner), .norms: .int(Int64(norms)), .preNorm: .bool(preNorm),
                                .gated: .bool(feedForward.hyper[.gated] == .bool(true))]
            for key in [HyperKey.heads, .kvHeads, .headDim, .causal] { hyper[key] = span.layer.hyper[key] }
            let decoderOnly = !cross && span.layer.hyper[.causal] == .bool(true) && predictsTokens
            if cross || decoderOnly { hyper[.crossAttention] = .bool(cross) }
            let block = Layer(
                name: name, kind: cross || decoderOnly ? .transformerDecoderBlock : .transformerEncoderBlock,
                nodes: children.flatMap(\.nodes), weights: [], hyper: hyper,
                stored: children.map(\.stored).saturatingSum, nonTrainable: children.map(\.nonTrainable).saturatingSum,
                children: children)
            blocks.append(LayerSpan(
                layer: block, graph: graph, nodeIndices: members.flatMap { spans[$0].nodeIndices },
                input: spans[members[0]].input, output: spans[members[members.count - 1]].output,
                anchor: members.map { spans[$0].order }.min()))
            used.formUnion(members)
            position = j
        }
        guard !blocks.isEmpty else { return spans }
        return spans.enumerated().filter { !used.contains($0.offset) }.map(\.element) + blocks
    }

    /// True when `value` reaches `target` unchanged but for shape ops (Conv1D-style Dense
    /// layers reshape their input to 2-D first).
    private static func feeds(_ graph: GraphIndex, _ value: String?, _ target: String?) -> Bool {
        guard let value, let target else { return false }
        // Window partitioning (Swin) pads, rolls (Slice + Concat) and reshapes in between.
        let carriers: Set<String> = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Cast", "Identity", "Transpose", "Pad", "Slice", "Concat"]
        var pending = [target]
        var seen = Set<String>()
        while let current = pending.popLast(), seen.count < 32 {
            if current == value { return true }
            guard seen.insert(current).inserted, let p = graph.producer(of: current), carriers.contains(graph.nodes[p].opType) else { continue }
            let node = graph.nodes[p]
            pending += node.opType == "Concat" ? node.inputs.filter { graph.weight($0) == nil } : Array(node.inputs.prefix(1))
        }
        return false
    }

    /// The module the parts share; when they sit in a numbered list inside it (T5's
    /// `block.1.layer.0`, `block.1.layer.1`), the list's owner (`block.1`).
    private static func blockName(_ names: [String]) -> String? {
        guard let prefix = LayerNaming.commonPrefix(names) else { return nil }
        let sep = LayerNaming.separator(names)
        let numbered = names.allSatisfy { name in
            name.dropFirst(prefix.count + 1).split(separator: sep).first.map { $0.allSatisfy(\.isNumber) } ?? false
        }
        guard numbered, let dot = prefix.lastIndex(of: sep) else { return prefix }
        return String(prefix[..<dot])
    }

    /// `value` before the Casts that lead to it (a norm kept in float32 in an fp16 model).
    private static func uncast(_ graph: GraphIndex, _ value: String) -> String {
        var current = value
        for _ in 0..<4 {
            guard let p = graph.producer(of: current), graph.nodes[p].opType == "Cast", let input = graph.nodes[p].inputs.first,
                  graph.uses(of: current).count == 1 else { break }
            current = input
        }
        return current
    }

    /// Nodes that read `value` for its contents (shape reads aside).
    private static func readers(_ graph: GraphIndex, _ value: String) -> Int {
        graph.uses(of: value).filter { !["Shape", "Size"].contains(graph.nodes[$0.node].opType) }.count
    }

    /// True for a com.microsoft Skip(Simplified)LayerNormalization whose residual sum
    /// (output 3, input + skip + bias) is read: the residual stream goes on past the norm.
    private static func passesResidualOn(_ graph: GraphIndex, _ span: LayerSpan) -> Bool {
        span.nodeIndices.contains { i in
            let node = graph.nodes[i]
            guard node.domain == "com.microsoft", node.opType.hasPrefix("Skip"), node.outputs.count > 3 else { return false }
            return !node.outputs[3].isEmpty && readers(graph, node.outputs[3]) > 0
        }
    }

    private static func isNorm(_ span: LayerSpan) -> Bool {
        span.layer.kind == .layerNorm || span.layer.kind == .rmsNorm
    }
}
