/// The sections of `inspect --format markdown` that mirror the table output beyond the
/// basic tables: file size and node counts, external files and sparse weights, the
/// largest and the shared weights, and "no findings".
enum InspectMarkdownSections {
    private typealias F = TextFormatting

    private static func cell(_ s: String) -> String { F.markdownCell(s, limit: 80) }

    /// `8.4 KiB file, 5.1 KiB of it metadata · 4 nodes in 1 graph`.
    static func sizes(_ r: InspectReport) -> String {
        "\(F.bytes(r.fileBytes)) file, \(F.bytes(r.metadataBytes)) of it metadata · \(F.grouped(r.nodes)) nodes in \(r.graphs) graph\(r.graphs == 1 ? "" : "s")"
            + (r.functions > 0 ? " and \(r.functions) function\(r.functions == 1 ? "" : "s")" : "")
    }

    /// Rows for the storage table: the external data files and sparse weights, when there are any.
    static func storageRows(_ w: InspectReport.Weights) -> [String] {
        var rows: [String] = []
        if !w.external.files.isEmpty {
            rows.append("| external files | \(w.external.files.map { "`\(cell($0))`" }.joined(separator: ", ")) |")
        }
        if w.sparse.tensors > 0 {
            rows.append("| sparse (\(w.sparse.tensors) tensors) | \(F.grouped(w.sparse.nonZero)) non-zero values stored |")
        }
        return rows
    }

    /// The largest weights and the shared weights, each collapsed.
    static func weightLists(_ w: InspectReport.Weights) -> [String] {
        var out: [String] = []
        if !w.largest.isEmpty {
            out += ["", "<details><summary>Largest weights</summary>", "", "| name | type | shape | elements | bytes | storage |",
                    "|---|---|---|---:|---:|---|"]
            for e in w.largest {
                let storage = (e.storage == "sparseInitializer" ? "sparse initializer" : e.storage) + (e.external ? ", external" : "")
                    + (e.graph == "main" ? "" : " in `\(cell(e.graph))`")
                out.append("| `\(cell(e.name))` | \(e.type) | \(F.shape(e.shape)) | \(F.grouped(e.elements)) | \(F.bytes(e.bytes)) | \(storage) |")
            }
            out += ["", "</details>"]
        }
        if !w.shared.isEmpty {
            out += ["", "<details><summary>Shared weights (read by more than one node)</summary>", "", "| name | elements | consumers |",
                    "|---|---:|---|"]
            for s in w.shared.prefix(20) {
                let names = s.consumers.prefix(4).map { "`\(cell($0))`" }.joined(separator: ", ")
                out.append("| `\(cell(s.name))` | \(F.grouped(s.elements)) | \(s.consumers.count): \(names)\(s.consumers.count > 4 ? ", …" : "") |")
            }
            if w.shared.count > 20 { out.append("| … and \(w.shared.count - 20) more | | |") }
            out += ["", "</details>"]
        }
        return out
    }
}
