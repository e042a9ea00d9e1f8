/// The layer table of `layers` (table format): one row per ``LayersView`` row, with the
/// share of trainable parameters (`%`) and, when computed, MACs; names cut in the middle
/// to fit the layout.
enum LayersViewRendering {
    private typealias F = TextFormatting

    /// The table and the notes its status cells point to (`[1]`, `[2]`, ...).
    static func table(_ view: LayersView, layout: TextLayout) -> (text: String, notes: [String]) {
        var notes: [String] = []
        let showMACs = view.rows.contains { $0.macs != nil } || view.totalMACs != nil
        // Notes are numbered in row order first; then each row's cells are formatted, on all
        // cores for a long table (a row's text depends on that row alone).
        let noteNumbers: [Int?] = view.rows.map { row in
            guard case .layer(let e) = row.content, !e.explanation.isEmpty else { return nil }
            return note(e.explanation, in: &notes)
        }
        let rows = view.rows
        let cells: [(name: String, rest: [String])] = ParallelWork.map(Array(rows.indices)) { k in
            let row = rows[k]
            let indent = String(repeating: "  ", count: row.depth)
            var rest: [String]
            let name: String
            switch row.content {
            case .layer(let e):
                var status = e.status.rawValue
                if let number = noteNumbers[k] { status += " [\(number)]" }
                rest = [e.kind.rawValue, F.safe(LayersRendering.hyperText(e), limit: 80), F.grouped(e.stored), percent(row.share),
                        F.grouped(e.predicted.textbook), status]
                name = indent + F.safe(e.name, limit: Int.max)
            case .module(let path, let layers):
                rest = ["module", "\(layers) layer\(layers == 1 ? "" : "s")", F.grouped(row.parameters), percent(row.share), "", ""]
                name = indent + F.safe(path, limit: Int.max)
            }
            if showMACs { rest.append(row.macs.map(F.grouped) ?? "—") }
            return (name, rest)
        }
        var header = ["kind", "hyper-parameters", "stored", "%", "textbook", "status"]
        if showMACs { header.append("MACs") }
        let alignments: [TextTable.Alignment] = [.left, .left, .left, .right, .right, .right, .left] + (showMACs ? [.right] : [])

        var table = TextTable(alignments)
        table.add(["layer"] + header)
        for (name, rest) in cells { table.add([name] + rest) }
        let text = table.render(fitting: layout, column: 0, keepingRows: 1)
        return (text, notes)
    }

    /// The number (from 1) of `note` in `notes`, appended when new: layers with the same
    /// explanation share one note.
    static func note(_ note: String, in notes: inout [String]) -> Int {
        if let index = notes.firstIndex(of: note) { return index + 1 }
        notes.append(note)
        return notes.count
    }

    /// `12.3%`; `<0.1%` for a share too small to show; `0.0%` for none.
    static func percent(_ share: Double) -> String {
        if share == 0 { return "0.0%" }
        let tenths = (share * 1000).rounded() / 10
        return tenths < 0.1 ? "<0.1%" : "\(tenths)%"
    }

    /// The MACs line under the totals, when MACs were computed.
    static func macsLine(_ view: LayersView) -> String? {
        guard view.totalMACs != nil || view.rows.contains(where: { $0.macs != nil }) || !view.unresolved.isEmpty else { return nil }
        var line = "  MACs: " + (view.totalMACs.map { "\(F.grouped($0)) per forward pass" } ?? "not all known (shapes not declared)")
        if !view.assumed.isEmpty {
            line += " · assumed " + view.assumed.sorted { $0.key < $1.key }.map { "\(F.safe($0.key))=\($0.value)" }.joined(separator: ",")
        }
        if !view.unresolved.isEmpty {
            line += " · unresolved " + view.unresolved.map { F.safe($0) }.joined(separator: ",") + " (use --assume NAME=N)"
        }
        return line
    }
}
