/// Keras models converted by tf2onnx: their layers as Keras has them. Runs once over the
/// layers of every graph, before weights are given owners.
/// - **Names** become the Keras layer path: tf2onnx names every op `model/layer/…/Op` (the
///   recognizers take the op tails off), so the model's own scope, shared by all, is removed
///   (`text_gru/gru_before` → `gru_before`); when TF re-traced the whole model and suffixed
///   every scope with `_N` (`vit_small_1/vit_block_0_1/mha_1`), the suffixes are removed too.
/// - **Bidirectional** layers whose two directions tf2onnx left in two `Loop`s (Keras names
///   them `forward_<layer>` and `backward_<layer>` inside the `Bidirectional`) become one layer
///   named after the `Bidirectional`, with directions 2.
/// - **Recurrent layers** are marked as Keras's, so the audit applies Keras's convention.
enum KerasLayers {
    static func annotate(_ spans: [LayerSpan], model: Model) -> [LayerSpan] {
        guard model.producerName == "tf2onnx" else { return spans }
        let root = rootScope(model.graph.nodes)
        var all = spans.map { span -> LayerSpan in
            var span = span
            span.layer = renamed(span.layer, root: root)
            return span
        }
        if let root, hasRetraceSuffix(root), all.allSatisfy({ $0.layer.flattened.allSatisfy { allSuffixed($0.name) } }) {
            all = all.map { span in
                var span = span
                span.layer = mapNames(span.layer) { name in name.split(separator: "/").map { dropSuffix(String($0)) }.joined(separator: "/") }
                return span
            }
        }
        all = mergedDirections(all)
        // A bidirectional op tf2onnx wrote from a Bidirectional layer: named after its forward
        // layer's scope (`bilstm/forward_lstm`), it is the Bidirectional itself.
        for s in all.indices where all[s].layer.kind.descriptor.formula.isRecurrent && all[s].layer.int(.directions) == 2 {
            let name = all[s].layer.name
            if let slash = name.lastIndex(of: "/"), ["forward_", "backward_"].contains(where: { name[name.index(after: slash)...].hasPrefix($0) }) {
                all[s].layer.name = String(name[..<slash])
            }
        }
        for s in all.indices where all[s].layer.kind.descriptor.formula.isRecurrent {
            all[s].layer = markedKeras(all[s].layer)
        }
        return all
    }

    /// The model's own scope: the first component of most TF-style node names.
    private static func rootScope(_ nodes: [Node]) -> String? {
        var counts: [Substring: Int] = [:]
        for node in nodes where LayerNaming.isTensorFlowName(node.name) {
            if let first = node.name.split(separator: "/").first { counts[first, default: 0] += 1 }
        }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }.map { String($0.key) }
    }

    private static func renamed(_ layer: Layer, root: String?) -> Layer {
        guard let root else { return layer }
        func strip(_ name: String) -> String {
            name.hasPrefix(root + "/") ? String(name.dropFirst(root.count + 1)) : name
        }
        return mapNames(layer, strip)
    }

    /// `layer` with `transform` applied to its name, its children's, and the framework layers
    /// its observations name.
    private static func mapNames(_ layer: Layer, _ transform: (String) -> String) -> Layer {
        var layer = layer
        layer.name = transform(layer.name)
        layer.observations = layer.observations.map { o in
            if case .foldedBatchNormLayer(let n) = o { return .foldedBatchNormLayer(transform(n)) }
            return o
        }
        layer.children = layer.children.map { mapNames($0, transform) }
        return layer
    }

    private static func suffixRange(_ part: String) -> Range<String.Index>? {
        guard let underscore = part.lastIndex(of: "_"), underscore > part.startIndex else { return nil }
        let digits = part[part.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return nil }
        return underscore..<part.endIndex
    }

    private static func hasRetraceSuffix(_ part: String) -> Bool { suffixRange(part) != nil }

    private static func allSuffixed(_ name: String) -> Bool {
        name.split(separator: "/").allSatisfy { hasRetraceSuffix(String($0)) }
    }

    private static func dropSuffix(_ part: String) -> String {
        guard let r = suffixRange(part) else { return part }
        return String(part[..<r.lowerBound])
    }

    /// Pairs `P/forward_X` and `P/backward_X` recurrent layers of one kind and shape into one
    /// layer `P` with directions 2.
    private static func mergedDirections(_ spans: [LayerSpan]) -> [LayerSpan] {
        // Pairs first (a backward layer may come before its forward one), then the merge.
        var partner: [Int: Int] = [:]
        var taken = Set<Int>()
        for (k, span) in spans.enumerated() {
            let layer = span.layer
            guard layer.kind.descriptor.formula.isRecurrent, layer.children.isEmpty, layer.int(.directions) == 1,
                  let slash = layer.name.lastIndex(of: "/"), layer.name[layer.name.index(after: slash)...].hasPrefix("forward_")
            else { continue }
            let wrapped = layer.name[layer.name.index(after: slash)...].dropFirst("forward_".count)
            let backwardName = "\(layer.name[..<slash])/backward_\(wrapped)"
            guard let b = spans.indices.first(where: { j in
                !taken.contains(j) && spans[j].layer.name == backwardName && spans[j].layer.kind == layer.kind
                    && spans[j].layer.hyper == layer.hyper && spans[j].layer.children.isEmpty
            }) else { continue }
            partner[k] = b
            taken.insert(b)
        }
        guard !partner.isEmpty else { return spans }
        var result: [LayerSpan] = []
        for (k, span) in spans.enumerated() where !taken.contains(k) {
            guard let b = partner[k], let slash = span.layer.name.lastIndex(of: "/") else {
                result.append(span)
                continue
            }
            let (layer, back) = (span.layer, spans[b].layer)
            var merged = layer
            merged.name = String(layer.name[..<slash])
            merged.hyper[.directions] = .int(2)
            merged.nodes = layer.nodes + back.nodes
            merged.weights = layer.weights + back.weights.filter { !layer.weights.contains($0) }
            merged.nonTrainableWeights = layer.nonTrainableWeights + back.nonTrainableWeights.filter { !layer.nonTrainableWeights.contains($0) }
            merged.stored = Saturating.add(layer.stored, back.stored)
            merged.nonTrainable = Saturating.add(layer.nonTrainable, back.nonTrainable)
            for o in back.observations where !merged.observations.contains(o) { merged.observations.append(o) }
            var combined = span
            combined.layer = merged
            result.append(combined)
        }
        return result
    }

    /// Marks a recurrent layer (and its stacked children) as a Keras layer, by the class the
    /// graph shows: GRU's `reset_after` is ONNX's `linear_before_reset`.
    private static func markedKeras(_ layer: Layer) -> Layer {
        var layer = layer
        layer.children = layer.children.map(markedKeras)
        let keras: String
        switch layer.kind {
        case .gru: keras = layer.hyper[.linearBeforeReset] == .bool(true) ? "GRU(reset_after=True)" : "GRU(reset_after=False)"
        case .lstm: keras = "LSTM"
        case .rnn: keras = "SimpleRNN"
        case .dense, .conv, .convTranspose, .embedding, .layerNorm, .batchNorm, .rmsNorm, .groupNorm, .instanceNorm,
             .multiHeadAttention, .feedForward, .transformerEncoderBlock, .transformerDecoderBlock:
            return layer
        }
        layer.observations.append(.kerasLayer(keras))
        return layer
    }
}
