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
        var scopes: [String: String] = [:]
        for k in layers.indices { annotate(&layers[k], classes, &scopes) }
    }

    /// `scopes` caches each TorchScript node label's module scope: a composite layer lists
    /// its children's nodes again.
    private static func annotate(_ layer: inout Layer, _ classes: [String: String], _ scopes: inout [String: String]) {
        // In place: a layer's storage is copied only when it changes.
        for k in layer.children.indices { annotate(&layer.children[k], classes, &scopes) }
        if let cls = classes[layer.name] {
            layer.module = layer.name
            layer.moduleClass = cls
        } else if layer.nodes.contains(where: { label in
            guard label.hasPrefix("/") else { return false }
            let scope: String
            if let known = scopes[label] {
                scope = known
            } else {
                scope = LayerNaming.collapsed(label.split(separator: "/").dropLast().map(String.init))
                scopes[label] = scope
            }
            return isModule(layer.name, orAncestorOf: scope)
        }) {
            layer.module = layer.name
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
