/// The layer table of `layers` (table format): one row per ``LayersView`` row, with the
/// share of trainable parameters (`%`) and, when computed, MACs; names cut in the middle
/// to fit the layout.
enum LayersViewRendering {
    private typealias F = TextFormatting

    /// The table and the notes its status cells point to (`[1]`, `[2]`, ...).
    static func table(_ view: LayersView, layout: TextLayout) -> (text: String, notes: [String]) {
        var notes: [String] = []
        let showMACs = view.rows.contains { $0.macs != nil } || view.totalMACs != nil
        var cells: [(name: String, rest: [String])] = []
        for row in view.rows {
            let indent = String(repeating: "  ", count: row.depth)
            var rest: [String]
            switch row.content {
            case .layer(let e):
                var status = e.status.rawValue
                if !e.explanation.isEmpty { status += " [\(note(e.explanation, in: &notes))]" }
                rest = [e.kind.rawValue, F.safe(LayersRendering.hyperText(e), limit: 80), F.grouped(e.stored), percent(row.share),
                        F.grouped(e.predicted.textbook), status]
                cells.append((indent + F.safe(e.name, limit: Int.max), rest))
            case .module(let path, let layers):
                rest = ["module", "\(layers) layer\(layers == 1 ? "" : "s")", F.grouped(row.parameters), percent(row.share), "", ""]
                cells.append((indent + F.safe(path, limit: Int.max), rest))
            }
            if showMACs { rest.append(row.macs.map(F.grouped) ?? "—") }
            cells[cells.count - 1].rest = rest
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
