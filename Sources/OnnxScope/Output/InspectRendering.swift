import Foundation

/// Renders an ``InspectReport`` as a terminal summary, Markdown, or JSON.
public enum InspectRendering {
    /// The report in `format`, ending without a newline; table names fit `layout`.
    public static func render(_ report: InspectReport, as format: OutputFormat, layout: TextLayout = TextLayout()) -> String {
        switch format {
        case .json: JSONRendering.render(report)
        case .table: table(report, layout: layout)
        case .markdown: markdown(report)
        }
    }

    private typealias F = TextFormatting

    // MARK: table

    static func table(_ r: InspectReport, layout: TextLayout = TextLayout()) -> String {
        var out: [String] = []
        let w = r.weights
        out.append(F.safe(r.file, limit: 200))
        var facts = ["IR \(r.irVersion.map(String.init) ?? "?")"]
        let producer = [r.producer.name, r.producer.version].filter { !$0.isEmpty }.joined(separator: " ")
        facts.append("producer \(producer.isEmpty ? "?" : F.safe(producer))")
        facts.append("opsets " + r.opsets.sorted { $0.key < $1.key }.map { "\(F.safe($0.key)) \($0.value)" }.joined(separator: ", "))
        out.append("  " + facts.joined(separator: " · "))
        out.append("  \(F.bytes(r.fileBytes)) file, \(F.bytes(r.metadataBytes)) of it metadata · \(F.grouped(r.nodes)) nodes in \(r.graphs) graph\(r.graphs == 1 ? "" : "s")" + (r.functions > 0 ? " and \(r.functions) function\(r.functions == 1 ? "" : "s")" : ""))

        out.append("")
        out.append("Inputs")
        out.append(ioTable(r.inputs, layout))
        out.append("Outputs")
        out.append(ioTable(r.outputs, layout))

        out.append("")
        out.append("Ops")
        var ops = TextTable([.left, .right])
        for (op, count) in r.ops.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            ops.add([F.safe(op), F.grouped(count)])
        }
        out.append(ops.isEmpty ? "  (none)" : ops.render())

        out.append("")
        out.append("Weights: \(F.grouped(w.elements)) elements (\(F.grouped(w.floatElements)) floating-point) in \(F.grouped(w.tensors)) tensors, \(F.bytes(w.bytes))")
        var summary = TextTable([.left, .left])
        summary.add(["by data type", w.byDataType.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .map { "\($0.key) \(F.grouped($0.value))" }.joined(separator: " · ")])
        summary.add(["by storage", ["initializer", "constant", "sparseInitializer"]
            .map { "\(storageLabel($0)) \(F.grouped(w.byStorage[$0] ?? 0))" }.joined(separator: " · ")])
        summary.add(["nested", "in subgraphs \(F.grouped(w.inSubgraphs)) · in functions \(F.grouped(w.inFunctions))"])
        summary.add(["external", "\(w.external.tensors) tensors, \(F.bytes(w.external.bytes))"
            + (w.external.files.isEmpty ? "" : " in " + w.external.files.map { F.safe($0) }.joined(separator: ", "))])
        if w.sparse.tensors > 0 {
            summary.add(["sparse", "\(w.sparse.tensors) tensors, \(F.grouped(w.sparse.nonZero)) non-zero values stored"])
        }
        out.append(summary.render())

        if !w.largest.isEmpty {
            out.append("")
            out.append("Largest weights")
            var largest = TextTable([.left, .left, .left, .right, .right, .left])
            for e in w.largest {
                largest.add([F.safe(e.name, limit: Int.max), e.type, F.shape(e.shape), F.grouped(e.elements), F.bytes(e.bytes),
                             storageLabel(e.storage) + (e.external ? ", external" : "") + (e.graph == "main" ? "" : " in \(F.safe(e.graph, limit: 40))")])
            }
            out.append(largest.render(fitting: layout, column: 0))
        }
        if !w.shared.isEmpty {
            out.append("")
            out.append("Shared weights (read by more than one node)")
            var shared = TextTable([.left, .right, .left])
            for s in w.shared.prefix(20) {
                let names = s.consumers.prefix(4).map { F.safe($0, limit: 32) }.joined(separator: ", ")
                shared.add([F.safe(s.name, limit: Int.max), F.grouped(s.elements),
                            "\(s.consumers.count) consumers: \(names)\(s.consumers.count > 4 ? ", …" : "")"])
            }
            out.append(shared.render(fitting: layout, column: 0))
            if w.shared.count > 20 { out.append("  … and \(w.shared.count - 20) more") }
        }
        out.append("")
        if r.findings.isEmpty {
            out.append("Findings: none")
        } else {
            out.append("Findings")
            var findings = TextTable([.left, .left, .left])
            for f in r.findings {
                findings.add([f.severity.rawValue, f.code, F.safe(f.message, limit: 160) + " (" + F.safe(f.location, limit: 60) + ")"])
            }
            out.append(findings.render())
        }
        return out.joined(separator: "\n")
    }

    private static func ioTable(_ values: [InspectReport.IOValue], _ layout: TextLayout) -> String {
        let cache = values.contains { $0.kvCache != nil }
        var t = TextTable(cache ? [.left, .left, .left, .left] : [.left, .left, .left])
        for v in values {
            t.add([F.safe(v.name, limit: Int.max), F.safe(v.type), shapeText(v.shape)] + (cache ? [v.kvCache?.label ?? ""] : []))
        }
        return t.isEmpty ? "  (none)" : t.render(fitting: layout, column: 0)
    }

    static func shapeText(_ shape: [InspectReport.ShapeDimension]?) -> String {
        guard let shape else { return "shape unknown" }
        return "[" + shape.map { d -> String in
            switch d {
            case .value(let v): String(v)
            case .symbol(let s): F.safe(s, limit: 24)
            case .unknown: "?"
            }
        }.joined(separator: ", ") + "]"
    }

    private static func storageLabel(_ key: String) -> String {
        key == "sparseInitializer" ? "sparse initializer" : key
    }

    // MARK: markdown

    static func markdown(_ r: InspectReport) -> String {
        let w = r.weights
        func cell(_ s: String) -> String { F.markdownCell(s, limit: 80) }
        var out: [String] = []
        out.append("### `\(cell(r.file))`")
        out.append("")
        out.append("IR \(r.irVersion.map(String.init) ?? "?") · producer \(cell(r.producer.name)) \(cell(r.producer.version)) · opsets "
            + r.opsets.sorted { $0.key < $1.key }.map { "\(cell($0.key)) \($0.value)" }.joined(separator: ", "))
        out.append("")
        out.append(InspectMarkdownSections.sizes(r))
        out.append("")
        let cache = (r.inputs + r.outputs).contains { $0.kvCache != nil }
        out.append(cache ? "| | name | type | shape | cache |" : "| | name | type | shape |")
        out.append(cache ? "|---|---|---|---|---|" : "|---|---|---|---|")
        func row(_ side: String, _ v: InspectReport.IOValue) -> String {
            "| \(side) | `\(cell(v.name))` | \(cell(v.type)) | \(shapeText(v.shape)) |" + (cache ? " \(v.kvCache?.label ?? "") |" : "")
        }
        for v in r.inputs { out.append(row("input", v)) }
        for v in r.outputs { out.append(row("output", v)) }
        out.append("")
        out.append("**Weights:** \(F.grouped(w.elements)) elements (\(F.grouped(w.floatElements)) floating-point) in \(F.grouped(w.tensors)) tensors, \(F.bytes(w.bytes))")
        out.append("")
        out.append("| storage | elements |")
        out.append("|---|---:|")
        for key in ["initializer", "constant", "sparseInitializer"] {
            out.append("| \(storageLabel(key)) | \(F.grouped(w.byStorage[key] ?? 0)) |")
        }
        out.append("| in subgraphs | \(F.grouped(w.inSubgraphs)) |")
        out.append("| in functions | \(F.grouped(w.inFunctions)) |")
        out.append("| external (\(w.external.tensors) tensors) | \(F.bytes(w.external.bytes)) |")
        out += InspectMarkdownSections.storageRows(w)
        out.append("")
        out.append("| data type | elements |")
        out.append("|---|---:|")
        for (type, n) in w.byDataType.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            out.append("| \(type) | \(F.grouped(n)) |")
        }
        out.append("")
        out.append("<details><summary>Ops (\(F.grouped(r.nodes)) nodes)</summary>")
        out.append("")
        out.append("| op | count |")
        out.append("|---|---:|")
        for (op, count) in r.ops.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            out.append("| \(cell(op)) | \(F.grouped(count)) |")
        }
        out.append("")
        out.append("</details>")
        out += InspectMarkdownSections.weightLists(w)
        out.append("")
        if r.findings.isEmpty { out.append("**Findings:** none") }
        if !r.findings.isEmpty {
            out.append("| severity | code | finding |")
            out.append("|---|---|---|")
            for f in r.findings {
                out.append("| \(f.severity.rawValue) | \(f.code) | \(cell(f.message)) (\(cell(f.location))) |")
            }
        }
        return out.joined(separator: "\n")
    }
}
