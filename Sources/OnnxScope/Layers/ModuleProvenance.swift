/// Where a layer came from in the framework: its module path, as `named_modules()` prints
/// it, and the module's class where the exporter recorded it (the dynamo exporter's
/// `pkg.torch.onnx.name_scopes` and `pkg.torch.onnx.class_hierarchy`, e.g. `LlamaAttention`).
/// A layer gets a `module` only when its name is a module path one of its nodes records.
enum ModuleProvenance {
    static func annotate(_ layers: [Layer], indexes: [GraphIndex]) -> [Layer] {
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
        return layers.map { annotate($0, classes) }
    }

    private static func annotate(_ layer: Layer, _ classes: [String: String]) -> Layer {
        var layer = layer
        layer.children = layer.children.map { annotate($0, classes) }
        if let cls = classes[layer.name] {
            layer.module = layer.name
            layer.moduleClass = cls
        } else if layer.nodes.contains(where: { label in
            guard label.hasPrefix("/") else { return false }
            let scope = LayerNaming.collapsed(label.split(separator: "/").dropLast().map(String.init))
            return scope == layer.name || scope.hasPrefix(layer.name + ".")
        }) {
            layer.module = layer.name
        }
        return layer
    }

    private static func hasHierarchy(_ node: Node) -> Bool { value(node, "pkg.torch.onnx.class_hierarchy") != nil }

    private static func value(_ node: Node, _ key: String) -> String? { node.metadata.first { $0.key == key }?.value }
}
