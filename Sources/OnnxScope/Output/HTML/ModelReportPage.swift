/// `onnxscope report FILE`: one self-contained HTML page per model.
public enum ModelReportPage {
    private typealias F = TextFormatting
    private typealias H = HTMLDocument

    /// Above this many table rows, the layer table lists top-level layers only.
    static let maxTableRows = 3_000

    /// The page for `summary`.
    public static func render(_ summary: ModelSummary) -> String {
        let r = summary.inspect, l = summary.layers
        var body = "<header><h1>\(H.escape(r.file))</h1>" + facts(r) + "</header>"
        let percent = (l.coverage.ratio * 1000).rounded() / 10
        body += "<section class=\"cards\" id=\"summary\">"
            + H.card(F.grouped(l.totals.trainable), "trainable parameters (in recognized layers)")
            + H.card(F.grouped(r.weights.elements), "stored weight elements")
            + H.card(F.bytes(r.weights.bytes), "weight bytes")
            + H.card(F.grouped(l.totals.layerCount), "layers recognized")
            + H.card("\(percent)%", "coverage of floating-point weights")
            + H.card(F.grouped(r.findings.count + l.findings.count), "findings")
            + "</section>"
        body += treemapSection(l, summary.weightElements, highlights: [:], title: "Where the parameters are")
        body += barsSection(l, r)
        body += interface(r)
        body += layerTable(l)
        body += findings(r.findings + l.findings)
        body += unattributed(l)
        return H.page(title: "OnnxScope: \(r.file)", body: body)
    }

    static func facts(_ r: InspectReport) -> String {
        let producer = [r.producer.name, r.producer.version].filter { !$0.isEmpty }.joined(separator: " ")
        let opsets = r.opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "<p class=\"facts\">IR \(r.irVersion.map(String.init) ?? "?") · producer \(H.escape(producer.isEmpty ? "?" : producer)) · opsets \(H.escape(opsets)) · \(F.grouped(r.nodes)) nodes in \(r.graphs) graph\(r.graphs == 1 ? "" : "s") · \(F.bytes(r.fileBytes)) file</p>"
    }

    static func treemapSection(_ l: LayersReport, _ sizes: [String: Int64], highlights: [String: String], title: String) -> String {
        let items = ReportCharts.items(l, weightSizes: sizes, highlights: highlights)
        var kinds: [String] = []
        func collect(_ e: LayersReport.Entry) {
            if !kinds.contains(e.kind.rawValue) { kinds.append(e.kind.rawValue) }
            e.children.forEach(collect)
        }
        l.layers.forEach(collect)
        if !l.unattributed.isEmpty { kinds.append("Unattributed") }
        return "<section id=\"treemap\"><h2>\(H.escape(title))</h2>"
            + "<p class=\"facts\">Area is proportional to stored elements: modules contain their layers, blocks their parts, layers their weights. Large cells are labelled; hover or tap for every name and count.</p>"
            + "<div class=\"treemap-wrap\">" + ReportCharts.treemap(items, shape: .wide, label: "Treemap of stored parameters by layer")
            + ReportCharts.treemap(items, shape: .narrow, label: "Treemap of stored parameters by layer") + "</div>"
            + H.legend(kinds) + "</section>"
    }

    private static func barsSection(_ l: LayersReport, _ r: InspectReport) -> String {
        "<section id=\"by-kind\"><h2>Parameters by layer kind</h2>"
            + ReportCharts.bars(l.totals.byKind.map { ($0.key, $0.value) }, kindColours: true, label: "Elements by layer kind")
            + "</section><section id=\"by-type\"><h2>Weights by data type</h2>"
            + ReportCharts.bars(r.weights.byDataType.map { ($0.key, $0.value) }, kindColours: false, label: "Elements by data type")
            + "</section>"
    }

    private static func interface(_ r: InspectReport) -> String {
        var out = "<section id=\"interface\"><h2>Inputs and outputs</h2><div class=\"scroll\"><table><thead><tr><th></th><th>name</th><th>type</th><th>shape</th></tr></thead><tbody>"
        for (role, values) in [("input", r.inputs), ("output", r.outputs)] {
            for v in values {
                out += "<tr><td>\(role)</td><td class=\"name\"><code>\(H.escape(v.name))</code></td><td>\(H.escape(v.type))</td><td>\(H.escape(InspectRendering.shapeText(v.shape)))</td></tr>"
            }
        }
        return out + "</tbody></table></div></section>"
    }

    static func layerTable(_ l: LayersReport) -> String {
        var rows: [(LayersReport.Entry, Int)] = []
        func add(_ e: LayersReport.Entry, _ depth: Int) {
            rows.append((e, depth))
            for c in e.children { add(c, depth + 1) }
        }
        l.layers.forEach { add($0, 0) }
        var note = ""
        if rows.count > maxTableRows {
            rows = l.layers.prefix(maxTableRows).map { ($0, 0) }
            note = "<p class=\"facts\">\(F.grouped(l.totals.layerCount)) layers: the table lists the top-level ones\(l.layers.count > maxTableRows ? " (the first \(maxTableRows))" : ""); the JSON output has them all.</p>"
        }
        var out = "<section id=\"layers\"><h2>Layers and the formula audit</h2>\(note)"
            + "<input id=\"layer-search\" type=\"search\" placeholder=\"Filter layers by name or kind\" aria-label=\"Filter layers by name or kind\">"
            + "<div class=\"scroll\"><table class=\"stack\"><thead><tr><th>layer</th><th>kind</th><th>hyper-parameters</th><th class=\"n\">stored</th><th class=\"n\">textbook</th><th class=\"n\">convention</th><th>status</th><th>explanation</th></tr></thead><tbody>"
        for (e, depth) in rows {
            let kind = H.escape(e.kind.rawValue), status = e.status.rawValue
            out += "<tr data-layer=\"\(H.escape(e.name))\" data-stored=\"\(e.stored)\" data-textbook=\"\(e.predicted.textbook)\" data-kind=\"\(kind)\" data-depth=\"\(depth)\">"
            out += "<td class=\"name\" style=\"padding-left:\(8 + depth * 18)px\"><code>\(H.escape(e.name))</code></td>"
                + "<td data-label=\"kind\">\(kind)</td><td data-label=\"hyper\">\(H.escape(LayersRendering.hyperText(e)))</td>"
                + "<td class=\"n\" data-label=\"stored\">\(F.grouped(e.stored))</td><td class=\"n\" data-label=\"textbook\">\(F.grouped(e.predicted.textbook))</td>"
                + "<td class=\"n\" data-label=\"convention\">\(F.grouped(e.predicted.convention))</td>"
            out += "<td class=\"s-\(status)\" data-label=\"status\">\(status)</td><td data-label=\"why\">\(H.escape(e.explanation))</td></tr>"
        }
        let t = l.totals
        out += "</tbody><tfoot><tr><th>Total</th><td colspan=\"2\" data-label=\"trainable\">trainable \(F.grouped(t.trainable)) · non-trainable \(F.grouped(t.nonTrainable)) · unattributed \(F.grouped(t.unattributed))</td><td class=\"n\" data-label=\"stored\" data-total=\"\(LayersRendering.total(t))\">\(F.grouped(LayersRendering.total(t)))</td><td colspan=\"4\" data-label=\"coverage\">coverage \((l.coverage.ratio * 1000).rounded() / 10)%</td></tr></tfoot></table></div></section>"
        return out + ReportScript.layerTable
    }

    static func findings(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "<section id=\"findings\"><h2>Findings</h2><p>None.</p></section>" }
        var out = "<section id=\"findings\"><h2>Findings</h2><div class=\"scroll\"><table><thead><tr><th>severity</th><th>code</th><th>message</th><th>where</th></tr></thead><tbody>"
        for f in findings {
            out += "<tr><td class=\"sev-\(f.severity.rawValue)\">\(f.severity.rawValue)</td><td><code>\(H.escape(f.code))</code></td><td>\(H.escape(f.message))</td><td class=\"name\">\(H.escape(f.location))</td></tr>"
        }
        return out + "</tbody></table></div></section>"
    }

    private static func unattributed(_ l: LayersReport) -> String {
        guard !l.unattributed.isEmpty else { return "" }
        let shown = l.unattributed.prefix(500)
        var out = "<section id=\"unattributed\"><details><summary><h2 style=\"display:inline\">Unattributed weights (\(F.grouped(l.unattributed.count)))</h2></summary><div class=\"scroll\"><table><thead><tr><th>name</th><th>type</th><th>shape</th><th class=\"n\">elements</th><th>consumers</th></tr></thead><tbody>"
        for w in shown {
            out += "<tr><td class=\"name\"><code>\(H.escape(w.name))</code></td><td>\(w.type)</td><td>\(F.shape(w.shape))</td><td class=\"n\">\(F.grouped(w.elements))</td><td class=\"name\">\(H.escape(w.consumers.prefix(3).joined(separator: ", ")))\(w.consumers.count > 3 ? ", …" : "")</td></tr>"
        }
        out += "</tbody></table></div>"
        if l.unattributed.count > shown.count { out += "<p class=\"facts\">… and \(l.unattributed.count - shown.count) more in the JSON output.</p>" }
        return out + "</details></section>"
    }
}
