import Foundation

/// Renders a ``DiffReport`` as a terminal summary with details, Markdown, or JSON.
public enum DiffRendering {
    /// The report in `format`, ending without a newline. With `summaryOnly`, only the
    /// totals and the counts of each kind of change.
    public static func render(_ report: DiffReport, as format: OutputFormat, summaryOnly: Bool = false) -> String {
        switch format {
        case .json: summaryOnly ? JSONRendering.render(DiffSummaryReport(report)) : JSONRendering.render(report)
        case .table: table(report, summaryOnly: summaryOnly)
        case .markdown: markdown(report, summaryOnly: summaryOnly)
        }
    }

    private typealias F = TextFormatting

    // MARK: shared pieces

    /// `+184`, `-3`, `0`.
    static func signed<T: BinaryInteger>(_ value: T) -> String {
        value > 0 ? "+" + F.grouped(value) : F.grouped(value)
    }

    /// A difference statistic with four significant digits; `n/a` when absent.
    static func number(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.4g", value)
    }

    static func verdict(_ r: DiffReport) -> String {
        r.verdictSentence
    }

    /// The count line for tensors, `git diff --stat` style.
    static func tensorCounts(_ s: DiffReport.Summary) -> String {
        var parts = ["\(s.added) added", "\(s.removed) removed", "\(s.reshaped) reshaped", "\(s.retyped) retyped",
                     "\(s.valuesChanged) values changed"]
        parts.append("\(s.renamed) renamed")
        parts.append("\(s.storageMoved) storage moved")
        parts.append("\(s.unchanged) unchanged")
        if s.restored > 0 { parts.append("\(s.restored) re-stored") }
        return parts.joined(separator: ", ")
    }

    /// `18 removed (22 elements), 1 added (3 elements) shape, index and other non-parameter constants`; nil when none.
    static func nonParametersText(_ n: DiffReport.NonParameters) -> String? {
        var parts: [String] = []
        if n.removed > 0 { parts.append("\(F.grouped(n.removed)) removed (\(F.grouped(n.removedElements)) elements)") }
        if n.added > 0 { parts.append("\(F.grouped(n.added)) added (\(F.grouped(n.addedElements)) elements)") }
        guard !parts.isEmpty else { return nil }
        return parts.joined(separator: ", ") + " shape, index and other non-parameter constants (--all-tensors lists them)"
    }

    static func opsText(_ ops: [String: Int]) -> String {
        ops.sorted { $0.key < $1.key }.map { "\(signed($0.value)) \(F.safe($0.key))" }.joined(separator: ", ")
    }

    static func opsetsText(_ opsets: [String: DiffReport.VersionChange]) -> String {
        opsets.sorted { $0.key < $1.key }.map { domain, change in
            "\(F.safe(domain)) \(change.before.map(String.init) ?? "none") → \(change.after.map(String.init) ?? "none")"
        }.joined(separator: ", ")
    }

    static func ioText(_ value: InspectReport.IOValue?) -> String {
        guard let value else { return "—" }
        return "\(F.safe(value.type)) \(InspectRendering.shapeText(value.shape))"
    }

    // MARK: table

    static func table(_ r: DiffReport, summaryOnly: Bool) -> String {
        let s = r.summary
        var out: [String] = ["\(F.safe(r.a, limit: 120)) → \(F.safe(r.b, limit: 120)): \(verdict(r))"]
        var stat = TextTable([.left, .right, .left, .right, .left])
        stat.add(["parameters", F.grouped(r.parameters.before), "→", F.grouped(r.parameters.after), "(\(signed(r.parameters.delta)))"])
        stat.add(["bytes", F.bytes(r.bytes.before), "→", F.bytes(r.bytes.after), "(\(signed(r.bytes.delta)) B)"])
        out.append(stat.render())
        var counts = TextTable([.left, .left])
        counts.add(["tensors", tensorCounts(s)])
        if let line = nonParametersText(r.tensors.nonParameters) { counts.add(["constants", line]) }
        counts.add(["interface", "\(s.inputs) input\(s.inputs == 1 ? "" : "s"), \(s.outputs) output\(s.outputs == 1 ? "" : "s") changed"])
        counts.add(["ops", r.ops.isEmpty ? "no change" : opsText(r.ops)])
        counts.add(["opsets", r.opsets.isEmpty ? "no change" : opsetsText(r.opsets)])
        counts.add(["layers", r.layers.isEmpty ? "no change" : "\(r.layers.count) changed"])
        if s.modelFacts > 0 { counts.add(["model facts", "\(s.modelFacts) differ (not counted)"]) }
        out.append(counts.render())
        for note in r.notes { out.append("  note: \(F.safe(note, limit: 200))") }
        if summaryOnly { return out.joined(separator: "\n") }

        if !r.model.isEmpty {
            out.append("")
            out.append("Model facts")
            var t = TextTable([.left, .left, .left, .left])
            for f in r.model { t.add([F.safe(f.fact), F.safe(f.before ?? "—", limit: 50), "→", F.safe(f.after ?? "—", limit: 50)]) }
            out.append(t.render())
        }
        for (title, changes) in [("Inputs", r.inputs), ("Outputs", r.outputs)] where !changes.isEmpty {
            out.append("")
            out.append(title)
            var t = TextTable([.left, .left, .left, .left, .left])
            for c in changes { t.add([c.change.rawValue, F.safe(c.name, limit: 48), ioText(c.before), "→", ioText(c.after)]) }
            out.append(t.render())
        }
        let t = r.tensors
        let lines = tensorLines(t)
        if !lines.isEmpty {
            out.append("")
            out.append("Tensors")
            var table = TextTable([.left, .left, .left])
            for line in lines { table.add(line) }
            out.append(table.render())
        }
        if !r.layers.isEmpty {
            out.append("")
            out.append("Layers")
            var table = TextTable([.left, .left, .left, .left, .right])
            for l in r.layers {
                let marker = switch l.change {
                case .added: "+"
                case .removed: "-"
                case .resized: "~"
                }
                table.add([marker, F.safe(l.name, limit: 48), l.kind.rawValue, F.safe(l.detail, limit: 80), signed(l.delta)])
            }
            out.append(table.render())
        }
        return out.joined(separator: "\n")
    }

    /// One row per tensor change: marker, name, detail.
    static func tensorLines(_ t: DiffReport.TensorChanges) -> [[String]] {
        var rows: [[String]] = []
        for name in t.removed { rows.append(["-", F.safe(name, limit: 60), "removed"]) }
        for name in t.added { rows.append(["+", F.safe(name, limit: 60), "added"]) }
        for c in t.reshaped { rows.append(["~", F.safe(c.name, limit: 60), "reshaped \(F.shape(c.before)) → \(F.shape(c.after))"]) }
        for c in t.retyped {
            rows.append(["~", F.safe(c.name, limit: 60), "retyped \(c.before) → \(c.after), max |Δ| \(number(c.maxAbsDiff))"])
        }
        for c in t.valuesChanged {
            if let how = c.how {
                let from = (c.from ?? []).map { F.safe($0, limit: 40) }.joined(separator: ", ")
                rows.append(["!", F.safe(c.name, limit: 60),
                             "\(F.grouped(c.changedElements)) elements beyond the \(how.rawValue) bound \(number(c.bound)) (from \(from)), "
                                 + "max |Δ| \(number(c.maxAbsDiff)), relative L2 \(number(c.relativeL2))"])
            } else {
                rows.append(["~", F.safe(c.name, limit: 60),
                             "\(F.grouped(c.changedElements)) elements changed, max |Δ| \(number(c.maxAbsDiff)), relative L2 \(number(c.relativeL2))"])
            }
        }
        for p in t.restored {
            let from = p.from.map { F.safe($0, limit: 40) }.joined(separator: " + ")
            let types = p.before == p.after ? p.before : "\(p.before) → \(p.after)"
            let scheme = [p.granularity, p.bits.map { "\($0)-bit" }].compactMap { $0 }.joined(separator: ", ")
            let sqnr = p.sqnrDb.map { String(format: ", SQNR %.1f dB", $0) } ?? ""
            rows.append(["≈", F.safe(p.to.joined(separator: " + "), limit: 60),
                         "\(p.how.rawValue) \(types)\(scheme.isEmpty ? "" : " (\(scheme))") from \(from): "
                             + "max |Δ| \(number(p.maxAbsError)) ≤ bound \(number(p.bound))\(sqnr)"])
        }
        for c in t.renamed { rows.append(["=", F.safe(c.from, limit: 60), "renamed → \(F.safe(c.to, limit: 60))"]) }
        for c in t.storageMoved { rows.append(["=", F.safe(c.name, limit: 60), "storage \(c.before.rawValue) → \(c.after.rawValue)"]) }
        return rows
    }

    // MARK: markdown

    static func markdown(_ r: DiffReport, summaryOnly: Bool) -> String {
        func cell(_ s: String) -> String { F.markdownCell(s, limit: 80) }
        let s = r.summary
        var out: [String] = []
        out.append("### `\(cell(r.a))` → `\(cell(r.b))`: \(verdict(r))")
        out.append("")
        out.append("| | before | after | delta |")
        out.append("|---|---:|---:|---:|")
        out.append("| parameters | \(F.grouped(r.parameters.before)) | \(F.grouped(r.parameters.after)) | \(signed(r.parameters.delta)) |")
        out.append("| bytes | \(F.bytes(r.bytes.before)) | \(F.bytes(r.bytes.after)) | \(signed(r.bytes.delta)) B |")
        out.append("")
        if let line = nonParametersText(r.tensors.nonParameters) {
            out.append("**Constants:** \(line)")
            out.append("")
        }
        out.append("**Tensors:** \(tensorCounts(s)) · **interface:** \(s.inputs) inputs, \(s.outputs) outputs changed · "
            + "**ops:** \(r.ops.isEmpty ? "no change" : cell(opsText(r.ops))) · **opsets:** \(r.opsets.isEmpty ? "no change" : cell(opsetsText(r.opsets)))")
        for note in r.notes {
            out.append("")
            out.append("> \(cell(note))")
        }
        if summaryOnly { return out.joined(separator: "\n") }
        let changes = r.inputs.map { ("input", $0) } + r.outputs.map { ("output", $0) }
        if !changes.isEmpty {
            out.append("")
            out.append("| | name | change | before | after |")
            out.append("|---|---|---|---|---|")
            for (kind, c) in changes {
                out.append("| \(kind) | `\(cell(c.name))` | \(c.change.rawValue) | \(cell(ioText(c.before))) | \(cell(ioText(c.after))) |")
            }
        }
        if !r.layers.isEmpty {
            out.append("")
            out.append("| layer | kind | change | detail | parameters |")
            out.append("|---|---|---|---|---:|")
            for l in r.layers {
                out.append("| `\(cell(l.name))` | \(l.kind.rawValue) | \(l.change.rawValue) | \(cell(l.detail)) | \(signed(l.delta)) |")
            }
        }
        let rows = tensorLines(r.tensors)
        if !rows.isEmpty {
            out.append("")
            out.append("<details><summary>Tensor changes (\(rows.count))</summary>")
            out.append("")
            out.append("| | tensor | change |")
            out.append("|---|---|---|")
            for row in rows { out.append("| \(row[0]) | `\(cell(row[1]))` | \(cell(row[2])) |") }
            out.append("")
            out.append("</details>")
        }
        if !r.model.isEmpty {
            out.append("")
            out.append("| model fact | before | after |")
            out.append("|---|---|---|")
            for f in r.model { out.append("| \(cell(f.fact)) | \(cell(f.before ?? "—")) | \(cell(f.after ?? "—")) |") }
        }
        return out.joined(separator: "\n")
    }
}

/// The `--summary --format json` object: totals and counts only.
struct DiffSummaryReport: Encodable {
    var schemaVersion: Int
    var a: String
    var b: String
    var identical: Bool
    var verdict: DiffReport.Verdict
    var parameters: DiffReport.Totals
    var bytes: DiffReport.Totals
    var summary: DiffReport.Summary
    var notes: [String]

    init(_ r: DiffReport) {
        schemaVersion = r.schemaVersion
        a = r.a
        b = r.b
        identical = r.identical
        verdict = r.verdict
        parameters = r.parameters
        bytes = r.bytes
        summary = r.summary
        notes = r.notes
    }
}
