import Foundation

/// Renders a ``LayersReport`` as a summary table (in the spirit of torchinfo and Keras
/// `summary()`), Markdown, or JSON.
public enum LayersRendering {
    /// The report in `format`, ending without a newline. The table shows `view`'s rows
    /// (default: every layer, as recognized) laid out for `layout`.
    public static func render(_ report: LayersReport, as format: OutputFormat, view: LayersView? = nil,
                              layout: TextLayout = TextLayout()) -> String {
        switch format {
        case .json: JSONRendering.render(report)
        case .table: table(report, view: view ?? LayersView(report, model: nil, options: .init()), layout: layout)
        case .markdown: markdown(report)
        }
    }

    private typealias F = TextFormatting

    /// The hyper-parameters the kind's descriptor shows, in its order: `i=16 o=32 no bias`.
    /// A quantized layer adds how it is stored: `i=32 o=32 no bias int4 blockwise/32`.
    static func hyperText(_ entry: LayersReport.Entry) -> String {
        // Into one string, part after part, space-separated (one call per table row).
        var text = "", parts = 0
        func add(_ part: String) {
            if parts > 0 { text += " " }
            text += part
            parts += 1
        }
        for key in entry.kind.descriptor.columns {
            guard let v = entry.hyper[key], !key.isQuiet(v) else { continue }
            if key == .bias {
                add("no bias")
            } else {
                add(key.label)
                text += "="
                text += v.text
            }
        }
        if let q = entry.quantization { add(q.label) }
        return text
    }

    static func table(_ r: LayersReport, view: LayersView, layout: TextLayout) -> String {
        var out = [F.safe(r.file, limit: 200)]
        let (table, notes) = LayersViewRendering.table(view, layout: layout)
        out.append(r.layers.isEmpty ? "  (no layers recognized)" : view.rows.isEmpty ? "  (no layer matches)" : table)
        out.append("")
        let t = r.totals
        out.append("  Total: \(F.grouped(total(t))) · Trainable: \(F.grouped(t.trainable)) · Non-trainable: \(F.grouped(t.nonTrainable)) · Unattributed: \(F.grouped(t.unattributed))")
        let percent = (r.coverage.ratio * 1000).rounded() / 10
        if r.coverage.parameterElements == r.coverage.floatElements && r.quantizationOverhead.isEmpty {
            out.append("  Coverage: \(F.grouped(r.coverage.attributedElements)) of \(F.grouped(r.coverage.floatElements)) floating-point weight elements in recognized layers (\(percent)%)")
        } else {
            out.append("  Coverage: \(F.grouped(r.coverage.attributedElements)) of \(F.grouped(r.coverage.parameterElements)) parameter elements (floating-point and quantized integer weights, as stored) in recognized layers or quantization overhead (\(percent)%)")
        }
        if !r.quantizationOverhead.isEmpty {
            out.append("  Quantization overhead: \(r.quantizationOverhead.count) scales and zero points of quantized activations, \(F.grouped(r.quantizationOverhead.reduce(Int64(0)) { Saturating.add($0, $1.elements) })) elements (no layer's weights)")
        }
        if !t.byKind.isEmpty {
            out.append("  By kind: " + t.byKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\($0.key) \(F.grouped($0.value))" }.joined(separator: " · "))
        }
        if !r.readOnlyForShape.isEmpty {
            out.append("  Read only for their shape: \(r.readOnlyForShape.count) weights, \(F.grouped(r.readOnlyForShape.map(\.elements).saturatingSum)) elements stored but never used (left out of coverage)")
        }
        if let macs = LayersViewRendering.macsLine(view) { out.append(macs) }
        if !t.blocks.isEmpty {
            out.append("  Blocks: " + t.blocks.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: " · "))
        }
        for s in r.stacks {
            out.append("  Stack: \(s.count) × \(s.kind.rawValue) · stored \(F.grouped(s.stored)) · textbook \(F.grouped(s.predicted.textbook)) · convention \(F.grouped(s.predicted.convention))")
        }
        for m in r.mergedBranches {
            out.append("  Branches: If \(F.safe(m.node)) · \(m.layers) layer\(m.layers == 1 ? "" : "s") of \(F.safe(m.merged)) are those of \(F.safe(m.kept)), listed once · \(m.sharedWeights) weights read by both, counted once")
        }
        if !notes.isEmpty {
            out.append("")
            out.append("Notes")
            for (i, n) in notes.enumerated() { out.append("  [\(i + 1)] \(F.safe(n, limit: 400))") }
        }
        if !r.unattributed.isEmpty {
            // Counted, not filtered: the list is not copied for its length.
            let floats = r.unattributed.reduce(0) { $0 + (DataTypeName.isFloating($1.type) ? 1 : 0) }
            out.append("")
            out.append("Unattributed weights: \(r.unattributed.count) (\(floats) floating-point)")
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
        LayersMarkdownRendering.render(r)
    }

    /// Every stored element: trainable, non-trainable and unattributed.
    static func total(_ t: LayersReport.Totals) -> Int64 {
        Saturating.add(Saturating.add(t.trainable, t.nonTrainable), t.unattributed)
    }
}
