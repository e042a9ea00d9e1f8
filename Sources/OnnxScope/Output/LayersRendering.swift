import Foundation

/// Renders a ``LayersReport`` as a summary table (in the spirit of torchinfo and Keras
/// `summary()`), Markdown, or JSON.
public enum LayersRendering {
    /// The report in `format`, ending without a newline.
    public static func render(_ report: LayersReport, as format: OutputFormat) -> String {
        switch format {
        case .json: JSONRendering.render(report)
        case .table: table(report)
        case .markdown: markdown(report)
        }
    }

    private typealias F = TextFormatting

    /// Hyper-parameters in a fixed, readable order.
    static func hyperText(_ entry: LayersReport.Entry) -> String {
        let order = ["inputSize", "outputSize", "inChannels", "outChannels", "kernel", "groups", "hiddenSize", "directions",
                     "layers", "vocabSize", "width", "heads", "kdim", "vdim", "ffnSize", "bias"]
        let short = ["inputSize": "i", "outputSize": "o", "inChannels": "in", "outChannels": "out", "kernel": "k",
                     "groups": "g", "hiddenSize": "h", "directions": "dirs", "vocabSize": "vocab", "width": "x",
                     "ffnSize": "d_ff"]
        return order.compactMap { key -> String? in
            guard let v = entry.hyper[key] else { return nil }
            if key == "bias" { return v == .bool(false) ? "no bias" : nil }
            if key == "directions", v == .int(1) { return nil }
            if key == "groups", v == .int(1) { return nil }
            return "\(short[key] ?? key)=\(v.text)"
        }.joined(separator: " ")
    }

    private static func rows(_ entries: [LayersReport.Entry], depth: Int, into table: inout TextTable, notes: inout [String]) {
        for e in entries {
            var status = e.status
            if !e.explanation.isEmpty {
                notes.append(e.explanation)
                status += " [\(notes.count)]"
            }
            table.add([String(repeating: "  ", count: depth) + F.safe(e.name, limit: 48), e.kind, F.safe(hyperText(e), limit: 80),
                       F.grouped(e.stored), F.grouped(e.predicted.textbook), status])
            rows(e.children, depth: depth + 1, into: &table, notes: &notes)
        }
    }

    static func table(_ r: LayersReport) -> String {
        var out = [F.safe(r.file, limit: 200)]
        var table = TextTable([.left, .left, .left, .right, .right, .left])
        table.add(["layer", "kind", "hyper-parameters", "stored", "textbook", "status"])
        var notes: [String] = []
        rows(r.layers, depth: 0, into: &table, notes: &notes)
        out.append(r.layers.isEmpty ? "  (no layers recognized)" : table.render())
        out.append("")
        let t = r.totals
        out.append("  Total: \(F.grouped(Formulas.add(t.trainable, t.nonTrainable))) · Trainable: \(F.grouped(t.trainable)) · Non-trainable: \(F.grouped(t.nonTrainable))")
        let percent = (r.coverage.ratio * 1000).rounded() / 10
        out.append("  Coverage: \(F.grouped(r.coverage.attributedElements)) of \(F.grouped(r.coverage.floatElements)) floating-point weight elements in recognized layers (\(percent)%)")
        if !t.byKind.isEmpty {
            out.append("  By kind: " + t.byKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\($0.key) \(F.grouped($0.value))" }.joined(separator: " · "))
        }
        if !r.readOnlyForShape.isEmpty {
            out.append("  Read only for their shape: \(r.readOnlyForShape.count) weights, \(F.grouped(r.readOnlyForShape.map(\.elements).saturatingSum)) elements stored but never used (left out of coverage)")
        }
        if !t.blocks.isEmpty {
            out.append("  Blocks: " + t.blocks.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: " · "))
        }
        if !notes.isEmpty {
            out.append("")
            out.append("Notes")
            for (i, n) in notes.enumerated() { out.append("  [\(i + 1)] \(F.safe(n, limit: 400))") }
        }
        let floats = r.unattributed.filter { ["FLOAT", "FLOAT16", "BFLOAT16", "DOUBLE"].contains($0.type) }
        if !r.unattributed.isEmpty {
            out.append("")
            out.append("Unattributed weights: \(r.unattributed.count) (\(floats.count) floating-point)")
            var u = TextTable([.left, .left, .left, .right, .left])
            for w in r.unattributed.prefix(15) {
                u.add([F.safe(w.name, limit: 48), w.type, F.shape(w.shape), F.grouped(w.elements),
                       w.consumers.prefix(2).map { F.safe($0, limit: 40) }.joined(separator: ", ") + (w.consumers.count > 2 ? ", …" : "")])
            }
            out.append(u.render())
            if r.unattributed.count > 15 { out.append("  … and \(r.unattributed.count - 15) more (see --format json)") }
        }
        return out.joined(separator: "\n")
    }

    static func markdown(_ r: LayersReport) -> String {
        func cell(_ s: String) -> String { F.markdownCell(s, limit: 120) }
        var out = ["### Layers of `\(cell(r.file))`", "", "| layer | kind | hyper-parameters | stored | textbook | convention | status |",
                   "|---|---|---|---:|---:|---:|---|"]
        func add(_ entries: [LayersReport.Entry], depth: Int) {
            for e in entries {
                let indent = String(repeating: "&nbsp;&nbsp;", count: depth)
                let status = e.explanation.isEmpty ? e.status : "\(e.status): \(cell(e.explanation))"
                out.append("| \(indent)`\(cell(e.name))` | \(e.kind) | \(cell(hyperText(e))) | \(F.grouped(e.stored)) | \(F.grouped(e.predicted.textbook)) | \(F.grouped(e.predicted.convention)) | \(status) |")
                add(e.children, depth: depth + 1)
            }
        }
        add(r.layers, depth: 0)
        let t = r.totals
        out.append("")
        out.append("**Total** \(F.grouped(Formulas.add(t.trainable, t.nonTrainable))) · **Trainable** \(F.grouped(t.trainable)) · **Non-trainable** \(F.grouped(t.nonTrainable)) · **Coverage** \((r.coverage.ratio * 1000).rounded() / 10)%")
        return out.joined(separator: "\n")
    }
}
