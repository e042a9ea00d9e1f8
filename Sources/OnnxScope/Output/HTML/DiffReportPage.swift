/// `onnxscope report A B`: one self-contained HTML page for a diff: the summary, the
/// treemap of the new model with added and resized layers outlined, and the tables of
/// layer, tensor and interface changes.
public enum DiffReportPage {
    private typealias F = TextFormatting
    private typealias H = HTMLDocument

    /// The page for the diff of `before` and `after`.
    public static func render(_ diff: DiffReport, after: ModelSummary) -> String {
        let verdict = diff.identical ? "no difference" : "models differ"
        var body = "<header><h1>\(H.escape(diff.a)) → \(H.escape(diff.b))</h1><p class=\"facts\">\(verdict)</p></header>"
        body += "<section class=\"cards\" id=\"summary\">"
            + H.card(signed(diff.parameters.delta), "parameters: \(F.grouped(diff.parameters.before)) → \(F.grouped(diff.parameters.after))")
            + H.card(signed(diff.bytes.delta) + " B", "bytes: \(F.bytes(diff.bytes.before)) → \(F.bytes(diff.bytes.after))")
            + H.card(F.grouped(diff.layers.count), "layers added, removed or resized")
            + H.card(F.grouped(diff.summary.valuesChanged + diff.summary.reshaped + diff.summary.retyped), "tensors with changed values, shape or type")
            + H.card(F.grouped(diff.summary.added + diff.summary.removed), "tensors added or removed")
            + H.card(F.grouped(diff.summary.renamed + diff.summary.storageMoved), "renamed or moved (not differences)")
            + "</section>"
        for note in diff.notes { body += "<p class=\"facts\">\(H.escape(note))</p>" }
        var highlights: [String: String] = [:]
        for l in diff.layers where l.change != .removed { highlights[l.name] = l.change.rawValue }
        body += ModelReportPage.treemapSection(after.layers, after.weightElements, highlights: highlights,
                                               title: "The new model (added and resized layers outlined)")
        body += layerChanges(diff)
        body += tensorChanges(diff)
        body += interfaceChanges(diff)
        return H.page(title: "OnnxScope diff: \(diff.a) → \(diff.b)", body: body)
    }

    private static func signed(_ v: Int64) -> String { v > 0 ? "+" + F.grouped(v) : F.grouped(v) }

    private static func layerChanges(_ diff: DiffReport) -> String {
        guard !diff.layers.isEmpty else { return "<section id=\"layer-changes\"><h2>Layer changes</h2><p>None.</p></section>" }
        var out = "<section id=\"layer-changes\"><h2>Layer changes</h2><div class=\"scroll\"><table><thead><tr><th>layer</th><th>kind</th><th>change</th><th>detail</th><th class=\"n\">before</th><th class=\"n\">after</th><th class=\"n\">delta</th></tr></thead><tbody>"
        for l in diff.layers {
            out += "<tr data-layer=\"\(H.escape(l.name))\" data-delta=\"\(l.delta)\"><td class=\"name\"><code>\(H.escape(l.name))</code></td><td>\(H.escape(l.kind.rawValue))</td><td class=\"ch-\(l.change.rawValue)\">\(l.change.rawValue)</td><td>\(H.escape(l.detail))</td><td class=\"n\">\(F.grouped(l.parametersBefore))</td><td class=\"n\">\(F.grouped(l.parametersAfter))</td><td class=\"n\">\(signed(l.delta))</td></tr>"
        }
        return out + "</tbody></table></div></section>"
    }

    private static func tensorChanges(_ diff: DiffReport) -> String {
        let rows = DiffRendering.tensorLines(diff.tensors)
        guard !rows.isEmpty else { return "<section id=\"tensor-changes\"><h2>Tensor changes</h2><p>None.</p></section>" }
        var out = "<section id=\"tensor-changes\"><h2>Tensor changes (\(rows.count))</h2><div class=\"scroll\"><table><thead><tr><th></th><th>tensor</th><th>change</th></tr></thead><tbody>"
        for row in rows {
            out += "<tr><td>\(H.escape(row[0]))</td><td class=\"name\"><code>\(H.escape(row[1]))</code></td><td>\(H.escape(row[2]))</td></tr>"
        }
        return out + "</tbody></table></div></section>"
    }

    private static func interfaceChanges(_ diff: DiffReport) -> String {
        let changes = diff.inputs.map { ("input", $0) } + diff.outputs.map { ("output", $0) }
        guard !changes.isEmpty else { return "" }
        var out = "<section id=\"interface-changes\"><h2>Interface changes</h2><div class=\"scroll\"><table><thead><tr><th></th><th>name</th><th>change</th><th>before</th><th>after</th></tr></thead><tbody>"
        for (role, c) in changes {
            out += "<tr><td>\(role)</td><td class=\"name\"><code>\(H.escape(c.name))</code></td><td>\(c.change.rawValue)</td><td>\(H.escape(DiffRendering.ioText(c.before)))</td><td>\(H.escape(DiffRendering.ioText(c.after)))</td></tr>"
        }
        return out + "</tbody></table></div></section>"
    }
}
