/// Transformer encoder and decoder blocks: self-attention, (for decoders) cross-attention,
/// a two-layer feed-forward network and the norms around them, grouped in graph order.
/// Handles post-norm blocks (attention, add, norm, FFN, add, norm) and pre-norm blocks
/// (norm, attention, add, norm, FFN, add).
enum TransformerBlockRecognizer {
    static func group(_ spans: [LayerSpan], _ graph: GraphIndex) -> [LayerSpan] {
        let ordered = spans.enumerated().filter { $0.element.graph === graph }.sorted { $0.element.order < $1.element.order }
        var used = Set<Int>()
        var blocks: [LayerSpan] = []
        var position = 0
        while position < ordered.count {
            let (index, span) = ordered[position]
            guard span.layer.kind == .multiHeadAttention, span.layer.hyper["selfAttention"] == .bool(true),
                  !used.contains(index) else {
                position += 1
                continue
            }
            let width = span.layer.int("width")
            var members = [index]
            var preNorm = false
            if position > 0, isNorm(ordered[position - 1].element), !used.contains(ordered[position - 1].offset),
               ordered[position - 1].element.output == span.input {
                members.insert(ordered[position - 1].offset, at: 0)
                preNorm = true
            }
            var cross = false
            var ffn: (Int, Int)?
            var j = position + 1
            while j < ordered.count, ffn == nil {
                let (k, candidate) = ordered[j]
                if isNorm(candidate), candidate.layer.int("width") == width {
                    members.append(k)
                } else if candidate.layer.kind == .multiHeadAttention, candidate.layer.hyper["selfAttention"] == .bool(false), !cross {
                    members.append(k)
                    cross = true
                } else if candidate.layer.kind == .dense, candidate.layer.int("inputSize") == width, j + 1 < ordered.count,
                          ordered[j + 1].element.layer.kind == .dense,
                          ordered[j + 1].element.layer.int("inputSize") == candidate.layer.int("outputSize"),
                          ordered[j + 1].element.layer.int("outputSize") == width {
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
            if !preNorm, j < ordered.count, isNorm(ordered[j].element), ordered[j].element.layer.int("width") == width {
                members.append(ordered[j].offset)
                j += 1
            }
            let children = members.map { spans[$0].layer }
            let norms = children.filter { $0.kind == .layerNorm || $0.kind == .rmsNorm }.count
            let name = LayerNaming.commonPrefix(children.map(\.name)) ?? "\(span.layer.name).block"
            var hyper: [String: HyperValue] = ["width": .int(width), "ffnSize": .int(spans[up].layer.int("outputSize")),
                                               "norms": .int(Int64(norms)), "preNorm": .bool(preNorm)]
            hyper["heads"] = span.layer.hyper["heads"]
            let block = Layer(
                name: name, kind: cross ? .transformerDecoderBlock : .transformerEncoderBlock,
                nodes: children.flatMap(\.nodes), weights: [], hyper: hyper,
                stored: children.map(\.stored).saturatingSum, nonTrainable: children.map(\.nonTrainable).saturatingSum,
                children: children)
            blocks.append(LayerSpan(
                layer: block, graph: graph, nodeIndices: members.flatMap { spans[$0].nodeIndices },
                input: spans[members[0]].input, output: spans[members[members.count - 1]].output))
            used.formUnion(members)
            position = j
        }
        return spans.enumerated().filter { !used.contains($0.offset) }.map(\.element) + blocks
    }

    private static func isNorm(_ span: LayerSpan) -> Bool {
        span.layer.kind == .layerNorm || span.layer.kind == .rmsNorm
    }
}
