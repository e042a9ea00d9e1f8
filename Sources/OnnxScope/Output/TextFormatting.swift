import Foundation

/// Number, size and text helpers shared by the text renderers.
enum TextFormatting {
    /// `1234567` → `1,234,567`.
    static func grouped<T: BinaryInteger>(_ value: T) -> String {
        // Digits written right to left into one buffer, a comma after every third: tables
        // format several numbers per layer, and the generic description costs more than this.
        guard var magnitude = UInt64(exactly: value.magnitude) else { return groupedDigits(String(value.magnitude), negative: value < 0) }
        // (On the stack: a heap array cost more than the digits.)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 27) { out in
            var at = out.count, written = 0
            repeat {
                if written > 0, written % 3 == 0 {
                    at -= 1
                    out[at] = UInt8(ascii: ",")
                }
                at -= 1
                out[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                written += 1
            } while magnitude > 0
            if value < 0 {
                at -= 1
                out[at] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[at...]), as: UTF8.self)
        }
    }

    /// `digits` with a comma before every third digit from the right.
    private static func groupedDigits(_ digits: String, negative: Bool) -> String {
        let digits = Array(digits.utf8)
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes in binary units: `512 B`, `4.0 KiB`, `1.9 GiB`.
    static func bytes(_ value: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(value) B" }
        let tenths = (amount * 10).rounded() / 10
        return "\(tenths) \(units[unit])"
    }

    /// A shape as `[32, 16]`; `[]` for a scalar.
    static func shape(_ dims: [Int64]) -> String {
        "[" + dims.map(String.init).joined(separator: ", ") + "]"
    }

    /// True for characters other than ordinary C0 controls that a terminal may act on:
    /// DEL, C1 controls (U+0080–U+009F, e.g. the one-byte CSI U+009B), Unicode format
    /// characters (bidi overrides, zero-width joiners) and line/paragraph separators.
    static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20..<0x7F: return false
        case 0..<0x20: return false  // C0: escaped by the JSON encoder; `safe` handles them itself
        case 0x7F...0x9F, 0x2028, 0x2029: return true
        default:
            let category = scalar.properties.generalCategory
            return category == .format || category == .control
        }
    }

    /// Text made safe for a Markdown table cell: escaped as for a terminal, shortened to
    /// `limit` characters, with `|` escaped so it cannot end the cell.
    static func markdownCell(_ text: String, limit: Int) -> String {
        safe(text, limit: limit).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Text from a model file made safe for a terminal: control characters and escape
    /// sequences are shown as `\u{1b}`-style escapes, and text longer than `limit`
    /// characters is shortened in the middle with `…`.
    static func safe(_ text: String, limit: Int = 80) -> String {
        // Fast path: printable ASCII within the limit is already safe.
        if text.utf8.count <= limit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if let byte = RawPath.carried(scalar) {
                // A byte of a path that is not UTF-8 (see RawPath).
                out += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            } else if isTerminalControl(scalar) || scalar.value < 0x20 {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        guard out.count > limit, limit > 1 else { return out }
        let head = (limit - 1) / 2
        let tail = limit - 1 - head
        return String(out.prefix(head)) + "…" + String(out.suffix(tail))
    }
}

/// A text table with left-aligned text and right-aligned numbers.
struct TextTable {
    enum Alignment { case left, right }

    private var rows: [[String]] = []
    private let alignments: [Alignment]
    private let indent: String

    init(_ alignments: [Alignment], indent: String = "  ") {
        self.alignments = alignments
        self.indent = indent
    }

    mutating func add(_ cells: [String]) {
        rows.append(cells)
    }

    var isEmpty: Bool { rows.isEmpty }

    /// The table with `column`'s cells (already made safe) cut in the middle to fit
    /// `layout`: to ``TextLayout/defaultNameLimit`` characters when no width is known, to
    /// what the other columns leave of the width (never below
    /// ``TextLayout/minimumNameLimit``) when one is, and not at all when `wide`. The first
    /// `keepingRows` rows (headers) are left whole. Leading spaces (tree indent) are kept.
    func render(fitting layout: TextLayout, column: Int, keepingRows: Int = 0) -> String {
        guard !layout.wide else { return render() }
        var limit = TextLayout.defaultNameLimit
        if let width = layout.width {
            var others = 0
            for i in alignments.indices where i != column {
                var widest = 0
                for row in rows where row.count > i { widest = max(widest, Self.characters(row[i])) }
                others += widest
            }
            limit = max(TextLayout.minimumNameLimit, width - indent.count - others - 2 * (alignments.count - 1))
        }
        // The cut cells by row (nil: left whole); the rows themselves are not copied.
        let cut = rows.indices.map { r in r >= keepingRows && rows[r].count > column ? Self.cut(rows[r][column], limit) : nil }
        return render(column: column, replacedBy: cut)
    }

    /// `text` shortened in the middle to `limit` characters after its leading spaces.
    static func cut(_ text: String, _ limit: Int) -> String {
        guard characters(text) > limit else { return text }
        let body = text.drop { $0 == " " }
        guard body.count > limit, limit > 1 else { return text }
        let indent = text.prefix(text.count - body.count)
        let head = (limit - 1) / 2
        return indent + body.prefix(head) + "…" + body.suffix(limit - 1 - head)
    }

    /// `text.count`, without grapheme breaking for plain ASCII (every table cell is counted
    /// twice, and a 100k-node model's table has tens of thousands of rows).
    static func characters(_ text: String) -> Int {
        let utf8 = text.utf8
        // CR LF is one character of two ASCII bytes; anything else ASCII is one byte each.
        if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return utf8.count }
        return text.count
    }

    func render() -> String { render(column: -1, replacedBy: []) }

    /// The table with the cells of `column` replaced by `replaced` (by row, nil for the
    /// row's own cell). A long table is measured and written on all cores, each core a run
    /// of rows into a buffer of its own; the runs are then joined in order.
    private func render(column: Int, replacedBy replaced: [String?]) -> String {
        func cell(_ r: Int, _ i: Int) -> String { i == column ? replaced[r] ?? rows[r][i] : rows[r][i] }
        let pieces = ParallelWork.chunkCount
        // By piece: the widest cell of each column, each row's cell widths one after another
        // (row `r` of the piece from `start[r]`), and the bytes of its cells.
        var measured = [Measure](repeating: Measure(columns: alignments.count), count: pieces)
        measured.withUnsafeMutableBufferPointer { measured in
            nonisolated(unsafe) let measured = measured
            ParallelWork.forEachChunk(rows.count) { piece, part in
                var m = Measure(columns: alignments.count)
                m.start.reserveCapacity(part.count)
                for r in part {
                    m.start.append(m.counts.count)
                    for i in rows[r].indices {
                        let text = cell(r, i)
                        let n = Self.characters(text)
                        m.counts.append(n)
                        m.bytes += text.utf8.count
                        if i < m.widths.count { m.widths[i] = max(m.widths[i], n) }
                    }
                }
                measured[piece] = m
            }
        }
        var widths = Array(repeating: 0, count: alignments.count)
        for m in measured { for i in widths.indices { widths[i] = max(widths[i], m.widths[i]) } }
        let lineExtra = indent.utf8.count + widths.reduce(0, +) + 2 * widths.count + 1
        var written = [[UInt8]](repeating: [], count: pieces)
        written.withUnsafeMutableBufferPointer { written in
            nonisolated(unsafe) let written = written
            ParallelWork.forEachChunk(rows.count) { piece, part in
                let m = measured[piece]
                var out: [UInt8] = []
                out.reserveCapacity(m.bytes + part.count * lineExtra)
                for r in part {
                    if r > 0 { out.append(UInt8(ascii: "\n")) }
                    out.append(contentsOf: indent.utf8)
                    let row = rows[r]
                    let first = m.start[r - part.lowerBound]
                    for i in row.indices where i < widths.count {
                        let text = cell(r, i)
                        let pad = widths[i] - m.counts[first + i]
                        let isLast = i == row.count - 1
                        switch alignments[i] {
                        case .left:
                            out.append(contentsOf: text.utf8)
                            if !isLast { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pad)) }
                        case .right:
                            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pad))
                            out.append(contentsOf: text.utf8)
                        }
                        if !isLast { out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: " ")]) }
                    }
                }
                written[piece] = out
            }
        }
        if written.count == 1 || written.dropFirst().allSatisfy(\.isEmpty) { return String(decoding: written[0], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(written.reduce(0) { $0 + $1.count })
        for piece in written { out.append(contentsOf: piece) }
        return String(decoding: out, as: UTF8.self)
    }

    /// What one core measured of its run of rows (see ``render(column:replacedBy:)``).
    private struct Measure {
        var widths: [Int]
        var counts: [Int] = []
        var start: [Int] = []
        var bytes = 0

        init(columns: Int) { widths = Array(repeating: 0, count: columns) }
    }
}
