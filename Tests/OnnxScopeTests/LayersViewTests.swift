import Foundation
import Testing
@testable import OnnxScope

/// The torchinfo-style view of `layers`: shares, depth, module grouping, filters, sorting,
/// and MACs checked against hand computation from each fixture's declared shapes.
@Suite("Layers view and MACs")
struct LayersViewTests {
    private func view(_ fixture: String, _ configure: (inout LayersView.Options) -> Void = { _ in }) throws -> LayersView {
        let file = try ModelFile.open(Fixtures.path(fixture))
        var options = LayersView.Options()
        options.macs = true
        configure(&options)
        return LayersView(LayersReport(file: file), model: file.model, options: options)
    }

    private func layerRows(_ view: LayersView) -> [(name: String, macs: Int64?, depth: Int)] {
        view.rows.compactMap { row in
            if case .layer(let e) = row.content { (e.name, row.macs, row.depth) } else { nil }
        }
    }

    /// Conv MACs = output elements · (in / groups) · ∏kernel (ConvTranspose: input elements ·
    /// (out / groups) · ∏kernel), with the shapes the dynamo export declares:
    /// conv1d    out [1, 8, 8]        64 · 3 · 3          =    576
    /// grouped   out [1, 8, 6, 6]    288 · (4/2) · 9      =  5,184
    /// depthwise out [1, 8, 4, 4]    128 · (8/8) · 9      =  1,152
    /// conv3d    out [1, 4, 3, 3, 3] 108 · 2 · 27         =  5,832
    /// deconv2d  in  [1, 4, 8, 8]    256 · (2/1) · 4      =  2,048
    /// conv_bn   out [1, 8, 6, 6]    288 · 4 · 9          = 10,368
    @Test func convMACsByHand() throws {
        let rows = layerRows(try view("pytorch/conv.dynamo.onnx"))
        #expect(rows.map(\.name) == ["conv1d", "conv2d_grouped", "conv2d_depthwise", "conv3d", "deconv2d", "conv_bn"])
        #expect(rows.map(\.macs) == [576, 5184, 1152, 5832, 2048, 10368])
    }

    /// Dense MACs = rows · i · o with x [2, 16]: fc1 2·16·32 = 1,024; fc2 2·32·8 = 512;
    /// proj 2·8·4 = 64. The torchscript export declares no intermediate shapes: fc1 reads the
    /// graph input and proj writes the graph output, fc2's shapes are unknown.
    @Test func denseMACsByHand() throws {
        let dynamo = try view("pytorch/mlp.dynamo.onnx")
        #expect(layerRows(dynamo).map(\.macs) == [1024, 512, 64])
        #expect(dynamo.totalMACs == 1600)
        let torchscript = try view("pytorch/mlp.torchscript.onnx")
        #expect(layerRows(torchscript).map(\.macs) == [1024, nil, 64])
        #expect(torchscript.totalMACs == nil)
    }

    /// Attention, width 16, 4 heads, sequence 8, batch 1: projections 4 · (8·16·16) = 8,192;
    /// scores [1, 4, 8, 8] = 256 elements, core 256 · (16 + 16) / 4 = 2,048; 10,240 in all.
    /// A block adds its FFN, 8·16·64 + 8·64·16 = 16,384: 26,624.
    @Test func attentionAndBlockMACsByHand() throws {
        let rows = layerRows(try view("pytorch/tiny_gpt_static.dynamo.onnx"))
        let byName = Dictionary(rows.map { ($0.name, $0.macs) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["blocks.0.attn.q"] == 2048)
        #expect(byName["blocks.0.attn"] == 10240)
        #expect(byName["blocks.0"] == 26624)
        #expect(byName["tok_emb"] == .some(nil))
    }

    /// Symbolic dims give no figure until assumed: tiny_gpt declares idx [1, seq].
    @Test func symbolicDimensionsNeedAnAssumption() throws {
        let unassumed = try view("pytorch/tiny_gpt.dynamo.onnx")
        #expect(unassumed.totalMACs == nil)
        #expect(unassumed.unresolved == ["seq"])
        let assumed = try view("pytorch/tiny_gpt.dynamo.onnx") { $0.assumptions = ["seq": 8] }
        #expect(assumed.assumed == ["seq": 8])
        // The same as the static export of the same model (sequence 8), 2 · 26,624 + lm_head 8·16·64.
        #expect(assumed.totalMACs == Int64(61440))  // 2 · 26,624 + 8,192
    }

    /// LSTM MACs = seq · batch · dirs · 4 · (i·h + h·h): x [5, 1, 8], two bidirectional
    /// layers of h 16: 5·1·2·4·(8·16 + 16·16) = 15,360 and 5·1·2·4·(32·16 + 16·16) = 30,720.
    /// The torchscript export does not declare the second layer's input: no figure there.
    @Test func lstmMACsByHand() throws {
        #expect(layerRows(try view("pytorch/lstm.dynamo.onnx")).map(\.macs) == [46080, 15360, 30720])
        #expect(layerRows(try view("pytorch/lstm.torchscript.onnx")).map(\.macs) == [nil, 15360, nil])
    }

    @Test func sharesDepthAndSort() throws {
        let all = try view("pytorch/tiny_gpt_static.dynamo.onnx")
        let top = try view("pytorch/tiny_gpt_static.dynamo.onnx") { $0.depth = 1 }
        #expect(top.rows.allSatisfy { $0.depth == 0 })
        #expect(top.rows.count < all.rows.count)
        // Top-level layers own every trainable element once: their shares sum to 1.
        #expect(abs(top.rows.map(\.share).reduce(0, +) - 1) < 1e-9)
        let sorted = try view("pytorch/tiny_gpt_static.dynamo.onnx") { $0.depth = 1; $0.sortByParameters = true }
        #expect(sorted.rows.map(\.parameters) == sorted.rows.map(\.parameters).sorted(by: >))
    }

    @Test func kindAndNameFilters() throws {
        let dense = try view("pytorch/tiny_gpt_static.dynamo.onnx") { $0.kind = "Dense" }
        #expect(layerRows(dense).count == 13)  // 2 blocks · (4 projections + 2 FFN) + lm_head
        #expect(dense.rows.allSatisfy { $0.depth == 0 })
        let named = try view("pytorch/tiny_gpt_static.dynamo.onnx") { $0.name = try? NSRegularExpression(pattern: #"^blocks\.1\.attn\.[qk]$"#) }
        #expect(layerRows(named).map(\.name) == ["blocks.1.attn.q", "blocks.1.attn.k"])
    }

    @Test func modulesWithSubtotals() throws {
        let modules = try view("pytorch/tiny_gpt_static.dynamo.onnx") { $0.grouping = .module; $0.depth = 2 }
        let blocks = try #require(modules.rows.first { if case .module(let path, _) = $0.content { path == "blocks" } else { false } })
        #expect(blocks.parameters == Int64(6560))  // 2 · 3,280
        #expect(blocks.macs == Int64(53248))  // 2 · 26,624
        #expect(modules.rows.allSatisfy { $0.depth < 2 })
    }

    @Test func pytorchScopesGiveModulePaths() {
        let entry = LayersReport.Entry(
            name: "layer2.layer2.0.downsample.downsample.0", kind: .conv, nodes: ["/layer2/layer2.0/downsample/downsample.0/Conv"],
            nodeNames: [], weights: [], hyper: [:], stored: 0, nonTrainable: 0, predicted: .init(textbook: 0, convention: 0),
            status: .match, explanation: "", children: [])
        #expect(ModuleTree.path(of: entry) == ["layer2", "0", "downsample", "0"])
    }
}
