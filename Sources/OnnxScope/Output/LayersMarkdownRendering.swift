/// `layers --format markdown`, shaped for a pull-request comment: a compact summary
/// (totals, coverage, mismatches, the largest layers) that reads at a glance, then every
/// layer in a collapsed `<details>` table of five columns, with explanations as footnotes.
enum LayersMarkdownRendering {
    private typealias F = TextFormatting

    /// How many top-level layers the summary names.
    static let largestCount = 5

    static func render(_ r: LayersReport) -> String {
        func cell(_ s: String) -> String { F.markdownCell(s, limit: 120) }
        let t = r.totals
        var out = ["### Layers of `\(cell(r.file))`", ""]
        var mismatched: [LayersReport.Entry] = []
        func collect(_ entries: [LayersReport.Entry]) {
            for e in entries {
                if e.status == .mismatch { mismatched.append(e) }
                collect(e.children)
            }
        }
        collect(r.layers)
        let coverage = (r.coverage.ratio * 1000).rounded() / 10
        out.append("**\(F.grouped(t.trainable))** trainable parameters · \(F.grouped(LayersRendering.total(t))) stored elements · "
            + "**\(F.grouped(t.layerCount))** layers · coverage **\(coverage)%** · "
            + (mismatched.isEmpty ? "no mismatch ✅" : "**\(mismatched.count) mismatch\(mismatched.count == 1 ? "" : "es")** ❌"))
        if !mismatched.isEmpty {
            out.append("")
            for e in mismatched.prefix(10) {
                out.append("- ❌ `\(cell(e.name))` (\(e.kind)): stored \(F.grouped(e.stored)), textbook \(F.grouped(e.predicted.textbook)), convention \(F.grouped(e.predicted.convention))")
            }
            if mismatched.count > 10 { out.append("- … and \(mismatched.count - 10) more") }
        }
        if r.layers.isEmpty {
            out.append("")
            out.append("No layers recognized.")
            return out.joined(separator: "\n")
        }
        let total = t.trainable
        let largest = r.layers.enumerated().sorted { ($0.element.stored, $1.offset) > ($1.element.stored, $0.offset) }.prefix(largestCount)
        out.append("")
        out.append("| largest layers | kind | parameters | share |")
        out.append("|---|---|---:|---:|")
        for (_, e) in largest {
            out.append("| `\(cell(e.name))` | \(e.kind) | \(F.grouped(e.stored)) | \(LayersViewRendering.percent(total > 0 ? Double(e.stored) / Double(total) : 0)) |")
        }

        var notes: [String] = []
        var rows: [String] = []
        func add(_ entries: [LayersReport.Entry], depth: Int) {
            for e in entries {
                let indent = String(repeating: "&nbsp;&nbsp;", count: depth)
                var status = e.status.rawValue
                if !e.explanation.isEmpty { status += " [^\(LayersViewRendering.note(e.explanation, in: &notes))]" }
                let hyper = LayersRendering.hyperText(e)
                let kind = hyper.isEmpty ? e.kind.rawValue : "\(e.kind.rawValue) \(cell(hyper))"
                rows.append("| \(indent)`\(cell(e.name))` | \(kind) | \(F.grouped(e.stored)) | \(F.grouped(e.predicted.textbook)) | \(status) |")
                add(e.children, depth: depth + 1)
            }
        }
        add(r.layers, depth: 0)
        out.append("")
        out.append("<details><summary>All \(F.grouped(t.layerCount)) layers, stored vs. textbook</summary>")
        out.append("")
        out.append("| layer | kind | stored | textbook | status |")
        out.append("|---|---|---:|---:|---|")
        out += rows
        out.append("")
        out.append("</details>")
        if !notes.isEmpty {
            out.append("")
            for (i, n) in notes.enumerated() { out.append("[^\(i + 1)]: \(F.safe(n, limit: 400))") }
        }
        return out.joined(separator: "\n")
    }
}
