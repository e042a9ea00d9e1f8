/// Where a layer came from in the framework: its module path, as `named_modules()` prints
/// it, and the module's class where the exporter recorded it (the dynamo exporter's
/// `pkg.torch.onnx.name_scopes` and `pkg.torch.onnx.class_hierarchy`, e.g. `LlamaAttention`).
/// A layer gets a `module` only when its name is a module path one of its nodes records.
enum ModuleProvenance {
    /// Sets `module` and `moduleClass` of `layers`, in place.
    static func annotate(_ layers: inout [Layer], indexes: [GraphIndex]) {
        var classes: [String: String] = [:]
        for graph in indexes where graph.nodes.first.map(hasHierarchy) == true {
            for node in graph.nodes {
                guard let scopes = value(node, "pkg.torch.onnx.name_scopes"), let hierarchy = value(node, "pkg.torch.onnx.class_hierarchy")
                else { continue }
                let s = LayerNaming.quotedStrings(scopes), c = LayerNaming.quotedStrings(hierarchy)
                for (scope, cls) in zip(s, c) where !scope.isEmpty && classes[scope] == nil {
                    classes[scope] = cls.split(separator: ".").last.map(String.init) ?? cls
                }
            }
        }
        // Each top-level layer on its own (its parts with it), on all cores for a long list.
        let found = classes
        layers.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let layers = buffer
            ParallelWork.forEachChunk(layers.count) { _, range in
                for k in range { annotate(&layers[k], found) }
            }
        }
    }

    private static func annotate(_ layer: inout Layer, _ classes: [String: String]) {
        // In place: a layer's storage is copied only when it changes.
        for k in layer.children.indices { annotate(&layer.children[k], classes) }
        if let cls = classes[layer.name] {
            layer.module = layer.name
            layer.moduleClass = cls
        } else if layer.children.contains(where: { $0.module.map { isModule(layer.name, orAncestorOf: $0) } ?? false }) {
            // A child's module lies inside this layer's path: one of the child's nodes, which
            // this layer lists too, records a scope there.
            layer.module = layer.name
        } else if layer.nodes.contains(where: { scope(of: $0, isWithin: layer.name) }) {
            layer.module = layer.name
        }
    }

    /// True when TorchScript node label `label` (`/features/features.1/attn/MatMul`) records
    /// a module scope, collapsed as ``LayerNaming/collapsed(_:)`` collapses it, that is
    /// `name` or lies inside it. Works on the label's bytes: no component is copied.
    static func scope(of label: String, isWithin name: String) -> Bool {
        var label = label, name = name
        return label.withUTF8 { l in
            name.withUTF8 { n in
                guard l.first == UInt8(ascii: "/") else { return false }
                let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
                // The scope is the kept parts joined by "."; each part is compared with `name`
                // byte by byte once it is known to be kept, so no list of parts is made.
                var position = 0, emitted = 0
                func emit(_ part: Range<Int>) -> Bool? {
                    if emitted > 0 {
                        guard position < n.count else { return true }  // "." follows all of `name`
                        if n[position] != dot { return false }
                        position += 1
                    }
                    emitted += 1
                    for i in part {
                        guard position < n.count else { return l[i] == dot && position == n.count }
                        if l[i] != n[position] { return false }
                        position += 1
                    }
                    return nil
                }
                // The non-empty components between slashes (as `split` gives them); each is
                // taken in one step late, so that the last (the op) never is. Collapse: a part
                // that extends the one kept before it with "." replaces it.
                var kept: Range<Int>?, previous: Range<Int>?
                var start = 0
                for i in 0...l.count where i == l.count || l[i] == slash {
                    defer { start = i + 1 }
                    guard i > start else { continue }
                    if let part = previous {
                        if let last = kept, part.count > last.count, l[part.lowerBound + last.count] == dot,
                           l[part.lowerBound..<(part.lowerBound + last.count)].elementsEqual(l[last]) {
                            kept = part
                        } else {
                            if let last = kept, let verdict = emit(last) { return verdict }
                            kept = part
                        }
                    }
                    previous = start..<i
                }
                // No scope at all (`/Op`, `/`) is the empty path, which only an empty name is.
                guard let last = kept else { return n.isEmpty }
                if let verdict = emit(last) { return verdict }
                return position == n.count
            }
        }
    }

    /// `scope == name || scope.hasPrefix(name + ".")`, without building `name + "."`.
    static func isModule(_ name: String, orAncestorOf scope: String) -> Bool {
        let s = scope.utf8, n = name.utf8
        guard s.count >= n.count, s.starts(with: n) else { return false }
        guard s.count > n.count else { return true }
        return s[s.index(s.startIndex, offsetBy: n.count)] == UInt8(ascii: ".")
    }

    private static func hasHierarchy(_ node: Node) -> Bool { value(node, "pkg.torch.onnx.class_hierarchy") != nil }

    private static func value(_ node: Node, _ key: String) -> String? { node.metadata.first { $0.key == key }?.value }
}
