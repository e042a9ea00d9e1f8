import Testing
@testable import OnnxScope

/// The byte-level scope test of ``ModuleProvenance`` against the string form it replaces:
/// `collapsed(label.split("/").dropLast()) == name || … hasPrefix(name + ".")`.
@Suite("Module scope of a TorchScript node label")
struct ModuleScopeTests {
    private static func reference(_ label: String, _ name: String) -> Bool {
        guard label.hasPrefix("/") else { return false }
        let scope = LayerNaming.collapsed(label.split(separator: "/").dropLast().map(String.init))
        return scope == name || scope.hasPrefix(name + ".")
    }

    static let labels = [
        "/features/features.1/features.1.1/attn/MatMul", "/layers.0/fc/MatMul", "/layers.0/fc/", "/a//b/Op", "//x/Op",
        "/Op", "/", "", "MatMul_3", "/encoder/layer.0/attention/self/query/MatMul", "/blocks.10/attn/qkv/Gemm",
        "/blocks.1/attn/qkv/Gemm", "/model/layers.0/mlp/gate_proj/MatMul", "/a/a.b/a.b.c/Op", "/a/a.b/x/a.b.c/Op", "/ab/a.b/Op",
    ]
    static let names = [
        "features.1.1.attn", "features.1.1", "features", "layers.0.fc", "layers.0", "layers", "layers.0.f", "a.b", "a", "b",
        "x", "", "encoder.layer.0.attention.self.query", "encoder.layer.0.attention", "blocks.1", "blocks.1.attn",
        "model.layers.0.mlp", "a.b.c", "a.b.x.a.b.c", "ab.a.b", "ab",
    ]

    @Test("agrees with the string form on every label and name")
    func agrees() {
        for label in Self.labels {
            for name in Self.names {
                #expect(ModuleProvenance.scope(of: label, isWithin: name) == Self.reference(label, name), "\(label) in \(name)")
            }
        }
    }

    @Test("finds the module and its ancestors, not a sibling with a longer name")
    func examples() {
        #expect(ModuleProvenance.scope(of: "/blocks.10/attn/qkv/Gemm", isWithin: "blocks.10"))
        #expect(!ModuleProvenance.scope(of: "/blocks.10/attn/qkv/Gemm", isWithin: "blocks.1"))
        #expect(ModuleProvenance.isModule("blocks.1", orAncestorOf: "blocks.1.attn"))
        #expect(!ModuleProvenance.isModule("blocks.1", orAncestorOf: "blocks.10"))
    }
}
