import Testing
@testable import OnnxScope

/// The byte-level and allocation-free forms that `layers` and `inspect` use on large models,
/// each checked against the plain string form it replaced, on inputs that take both paths
/// (ASCII and not, empty components, CR LF, ragged table rows).
@Suite("Fast paths agree with the plain forms")
struct FastPathEquivalenceTests {
    // MARK: Module paths

    /// `commonPrefix` as it was: components split as characters, compared as substrings (its
    /// general path, which names that are not plain ASCII still take).
    private static func referencePrefix(_ names: [String]) -> String? {
        LayerNaming.characterCommonPrefix(names, separator: LayerNaming.separator(names))
    }

    static let paths = [
        "layers.0.fc", "layers.0.fc2", "layers.0", "layers.1.fc", "layers", "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj",
        "model.layers.0.mlp", "model.layers.10.mlp", "a.b", "a.bc", "ab.c", ".a.b", "a.b.", "a..b", "a", "", ".", "..",
        "model/block_0/ffn_in", "model/block_0/ffn_out", "model/block_1", "model//x", "/model/x", "ébc.d", "ébc.e", "a.b\r\n.c", "a.b\r\n.d",
    ]

    @Test("commonPrefix agrees on every pair and triple of paths")
    func commonPrefix() {
        for a in Self.paths {
            for b in Self.paths {
                #expect(LayerNaming.commonPrefix([a, b]) == Self.referencePrefix([a, b]), "\(a) | \(b)")
                for c in ["layers.0.x", "model.layers.0.mlp.gate_proj", "a.b.c", "model/block_0/x", "a..b.c"] {
                    #expect(LayerNaming.commonPrefix([a, b, c]) == Self.referencePrefix([a, b, c]), "\(a) | \(b) | \(c)")
                }
            }
            #expect(LayerNaming.commonPrefix([a]) == Self.referencePrefix([a]), "\(a)")
        }
        #expect(LayerNaming.commonPrefix([]) == nil)
    }

    /// `moduleScope` and `valueScope` as they were: `/`-components split as characters.
    private static func referenceScope(_ name: String) -> String? {
        guard name.hasPrefix("/") else { return nil }
        let parts = name.split(separator: "/").dropLast()
        return parts.isEmpty ? nil : LayerNaming.collapsed(parts.map(String.init))
    }

    static let labels = [
        "/features/features.1/features.1.1/attn/MatMul", "/layers.0/fc/MatMul", "/layers.0/fc/", "/a//b/Op", "//x/Op", "/Op", "/", "//",
        "/encoder/layer.0/attention/self/Reshape_3_output_0", "/blöck/ätt/MatMul", "/a\r\n/b/Op", "/x/y",
    ]

    @Test("module and value scopes agree on every label")
    func scopes() {
        for label in Self.labels {
            #expect(LayerNaming.valueScope(label) == Self.referenceScope(label), "\(label)")
            let node = Node(name: label, opType: "MatMul", inputs: [], outputs: [])
            #expect(LayerNaming.moduleScope(node) == Self.referenceScope(label), "\(label)")
        }
    }

    @Test("weightStem agrees with the character form")
    func weightStem() {
        func reference(_ w: String) -> String? {
            guard let dot = w.lastIndex(of: "."), !w.hasPrefix("onnx::"), w.contains(where: { $0.isLetter }) else { return nil }
            let stem = String(w[..<dot])
            return stem.isEmpty ? nil : stem
        }
        for w in ["fc1.weight", "onnx::MatMul_12", "12.34", ".weight", "a.b.c", "noDot", "é.1", "1.é", "1.2ü", "Z.9", "@.[", "`.{"] {
            #expect(LayerNaming.weightStem([w]) == reference(w), "\(w)")
        }
    }

    @Test("a weight name's leaf agrees with split(\".\").last")
    func leaf() {
        for name in ["model.rotary.inv_freq", "inv_freq", "a.b.", "a..b", ".", "..", "", "x.cos_cached.", "é.inv_freq", "a.\u{301}inv_freq", ".a"] {
            #expect(LayersReport.leaf(name) == (name.split(separator: ".").last.map(String.init) ?? name), "\(name)")
        }
    }

    // MARK: Text tables

    /// `TextTable.render()` as it was: cells padded as strings and joined.
    private static func referenceRender(_ rows: [[String]], _ alignments: [TextTable.Alignment], indent: String = "  ") -> String {
        var widths = Array(repeating: 0, count: alignments.count)
        let counts = rows.map { $0.map(TextTable.characters) }
        for (r, row) in rows.enumerated() {
            for i in row.indices where i < widths.count { widths[i] = max(widths[i], counts[r][i]) }
        }
        return rows.indices.map { r in
            let row = rows[r]
            var line = indent
            for (i, cell) in row.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - counts[r][i])
                let isLast = i == row.count - 1
                switch alignments[i] {
                case .left: line += isLast ? cell : cell + pad
                case .right: line += pad + cell
                }
                if !isLast { line += "  " }
            }
            return line
        }.joined(separator: "\n")
    }

    static let rows: [[String]] = [
        ["layer", "kind", "stored", "status"],
        ["layers.0.fc", "Dense", "72", "match"],
        ["  encoder.layer.0.attention.self.query.with.a.very.long.module.path", "Dense", "1,234,567", "explained [1]"],
        ["ünïcödé.läyer", "LayerNorm", "64", ""],
        ["a\r\nb", "x", "1"],
        ["only"],
        ["extra", "cells", "beyond", "the", "columns"],
        [],
    ]

    @Test("render agrees with the string form, with and without a cut column")
    func render() {
        let alignments: [TextTable.Alignment] = [.left, .left, .right, .left]
        var table = TextTable(alignments)
        for row in Self.rows { table.add(row) }
        #expect(table.render() == Self.referenceRender(Self.rows, alignments))
        for layout in [TextLayout(), TextLayout(width: 40), TextLayout(width: 200), TextLayout(width: 10), TextLayout(wide: true)] {
            var limit = TextLayout.defaultNameLimit
            if let width = layout.width {
                let others = (1..<alignments.count).map { i in Self.rows.map { $0.count > i ? TextTable.characters($0[i]) : 0 }.max() ?? 0 }
                limit = max(TextLayout.minimumNameLimit, width - 2 - others.reduce(0, +) - 2 * (alignments.count - 1))
            }
            let cut = Self.rows.enumerated().map { r, row in
                layout.wide || r < 1 || row.isEmpty ? row : [TextTable.cut(row[0], limit)] + row.dropFirst()
            }
            #expect(table.render(fitting: layout, column: 0, keepingRows: 1) == Self.referenceRender(cut, alignments), "\(layout)")
        }
    }

    @Test("a long table, written on all cores, agrees with the string form")
    func renderLong() {
        // 9,000 rows: measured and written in two runs; the widest cells lie in the second
        // run only, so the first run's padding must come from the other's widths.
        let alignments: [TextTable.Alignment] = [.left, .left, .right, .left]
        var rows = [["layer", "kind", "stored", "status"]]
        for k in 0..<9_000 {
            let wide = k == 7_777
            rows.append(["  layers.\(k).fc" + (wide ? ".and.a.much.longer.tail" : ""), k % 3 == 0 ? "Dense" : "LayerNorm",
                         wide ? "123,456,789" : "\(k)", k % 5 == 0 ? "" : "match"])
        }
        rows.append(["only"])
        var table = TextTable(alignments)
        for row in rows { table.add(row) }
        #expect(table.render() == Self.referenceRender(rows, alignments))
        let cut = rows.enumerated().map { r, row in r < 1 || row.isEmpty ? row : [TextTable.cut(row[0], 20)] + row.dropFirst() }
        let others = (1..<alignments.count).map { i in rows.map { $0.count > i ? TextTable.characters($0[i]) : 0 }.max() ?? 0 }
        let width = 20 + 2 + others.reduce(0, +) + 2 * (alignments.count - 1)
        #expect(table.render(fitting: TextLayout(width: width), column: 0, keepingRows: 1) == Self.referenceRender(cut, alignments))
    }

    @Test("grouped agrees with the character form")
    func grouped() {
        func reference(_ value: Int64) -> String {
            let digits = String(value.magnitude)
            var out = ""
            for (i, c) in digits.enumerated() {
                if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return value < 0 ? "-" + out : out
        }
        var values: [Int64] = [0, 1, -1, 12, 999, 1000, -1000, 123_456, 1_234_567, .max, .min, .min + 1]
        for k in 0..<19 { values += [Int64(pow10(k)), -Int64(pow10(k)), Int64(pow10(k)) - 1] }
        for v in values { #expect(TextFormatting.grouped(v) == reference(v), "\(v)") }
        #expect(TextFormatting.grouped(Int(42_000)) == "42,000")
    }

    private func pow10(_ k: Int) -> Int64 { (0..<k).reduce(Int64(1)) { acc, _ in acc * 10 } }

    // MARK: Hyper-parameter keys

    @Test("hyper-parameter keys are equal only to themselves, and hash alike when equal")
    func hyperKeys() {
        let keys = HyperKey.allCases
        #expect(MemoryLayout<HyperKey>.size == 1)
        for a in keys {
            for b in keys {
                #expect((a == b) == (a.rawValue == b.rawValue), "\(a) \(b)")
                if a == b { #expect(a.hashValue == b.hashValue) }
            }
        }
        #expect(Set(keys).count == keys.count)
        let byKey = Dictionary(uniqueKeysWithValues: keys.map { ($0, $0.rawValue) })
        #expect(keys.allSatisfy { byKey[$0] == $0.rawValue })
    }
}
