import Foundation

/// Writes an `Encodable` value as JSON text in one pass into one byte buffer, with the
/// output `JSONEncoder` gives with `[.sortedKeys, .withoutEscapingSlashes]` (and
/// `.prettyPrinted`) on this platform, and with the characters a terminal might act on
/// written as `\uXXXX` escapes in the same pass (see `JSONRendering`).
///
/// What it reproduces (each pinned by `JSONWriterTests` against `JSONEncoder` itself):
/// - keys sorted by their UTF-8 bytes (swift-foundation's order outside Apple platforms:
///   `"B" < "Softmax" < "_x" < "a" < "a10" < "a9" < "com.microsoft.Attention"`); a key
///   written twice keeps its last value;
/// - integers in decimal; `Double` and `Float` as their `description` without a final
///   `.0` (`1`, `0.1`, `1e+20`, `1e-07`, `-0`, `1.7976931348623157e+308`); NaN and
///   infinities are an error, as in `JSONEncoder`;
/// - strings: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other C0 controls as `\u00xx`
///   (lowercase hex), `/` unescaped; plus DEL, C1 controls, format characters and line
///   separators as `\uxxxx` (surrogate pairs above U+FFFF);
/// - pretty layout: two spaces per level, `"key" : value`, empty containers as `[`, a blank
///   line, and the indented `]`; a value that writes nothing is `{}`; nesting of 512
///   containers is an error (an array of plain numbers or strings is exempt in the compact
///   layout, as it is in `JSONEncoder`);
/// - `Data` as Base64 text, `URL` as its absolute string, `Decimal` as a bare number.
///
/// Containers are written as they are filled. An object whose keys arrive out of order is
/// rewritten in sorted order when it closes (a copy of its bytes, not a re-scan). Containers
/// are expected to be filled in stack order, as synthesized `Codable` does: a container
/// written to after a later sibling was started is a misuse, and rendering fails (where
/// `JSONEncoder` would merge the values or stop the program).
final class JSONWriter {
    /// Why rendering failed.
    enum Failure: Error {
        /// NaN or an infinity.
        case nonConformingFloat
        /// 512 nested containers.
        case tooDeep
        /// A container used out of stack order, or a single value written twice.
        case misuse
    }

    /// Where a frame sits in its parent: for `codingPath`.
    enum PathComponent {
        case none
        case key(String)
        case index(Int)
    }

    /// An open container, or a slot a value is being written into.
    struct Frame {
        enum Kind { case slot, object, array }
        var kind: Kind
        /// Increasing with every frame opened: the stack's ids increase from bottom to top.
        var id: Int
        /// The number of containers around this one: its indentation when pretty.
        var level: Int
        /// Objects: the offset of `{`.
        var start: Int
        /// Entries or elements written so far.
        var count = 0
        /// Objects: the index of the first entry in `entries`.
        var entryBase = 0
        /// Objects: the keys arrived in strictly increasing order so far.
        var sorted = true
        /// Objects: every key is ASCII (two keys are then equal as `String`s only when
        /// their bytes are).
        var asciiKeys = true
        /// Slots: a value or container was written.
        var filled = false
        /// Slots: the id of the container opened on it, or -1.
        var container = -1
        /// Objects: the `CodingKey` type, under which the key order is remembered.
        var keys: ObjectIdentifier?
        var component: PathComponent
    }

    /// One key and value of an open object: `"key":value` at `start..<end` (no separator),
    /// the value from `value`.
    struct Entry {
        var key: String
        var start: Int
        var value: Int
        var end: Int
    }

    /// State saved before a value is written, restored if writing it throws (as
    /// `JSONEncoder` drops a value whose encoding threw).
    struct Mark {
        var bytes: Int
        var frames: Int
        var entries: Int
        var frame: Frame
        var failure: Failure?
    }

    /// Nesting at which `JSONEncoder` gives up: 512 containers.
    static let maximumDepth = 512

    // One writer is used by one thread, for one value, through the containers it hands
    // out, which never overlap their accesses: the run-time exclusivity checks of class
    // properties (a sixth of the writer's time when measured) are left out.
    let pretty: Bool
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var frames: [Frame] = []
    @exclusivity(unchecked) var entries: [Entry] = []
    @exclusivity(unchecked) var failure: Failure?
    @exclusivity(unchecked) private var nextID = 0
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    @exclusivity(unchecked) private var order: [Int] = []
    @exclusivity(unchecked) private var last: [Int] = []
    /// The last key order worked out per `CodingKey` type: a struct's objects mostly arrive
    /// with the same keys, in the same (declaration) order.
    @exclusivity(unchecked) private var orders: [ObjectIdentifier: KeyOrder] = [:]

    /// Keys as they arrived, and the entries to write for them (see `reorder`).
    private struct KeyOrder {
        var keys: [String]
        var order: [Int]
        var last: [Int]
    }

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    /// `value` as JSON text, or nil where `JSONEncoder` throws.
    static func render<T: Encodable>(_ value: T, pretty: Bool) -> String? {
        let writer = JSONWriter(pretty: pretty)
        let slot = writer.pushSlot(level: 0, component: .none)
        do {
            try writer.encode(value, intoSlot: slot, emptyIsObject: false)
        } catch {
            return nil
        }
        // A top-level value that writes nothing is an error for JSONEncoder.
        guard writer.frames.first?.filled == true else { return nil }
        writer.close(through: slot)
        guard writer.failure == nil else { return nil }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: Frames

    /// The index of frame `id` on the stack, or nil when it was closed.
    func index(of id: Int) -> Int? {
        var i = frames.count - 1
        while i >= 0 {
            let fid = frames[i].id
            if fid == id { return i }
            if fid < id { return nil }
            i -= 1
        }
        return nil
    }

    /// Makes frame `id` the top of the stack, closing the frames above it.
    func activate(_ id: Int) throws -> Int {
        guard let i = index(of: id) else {
            failure = .misuse
            throw Failure.misuse
        }
        while frames.count - 1 > i { closeTop() }
        return i
    }

    /// As `activate`, for the container requests that cannot throw: nil after a misuse.
    func activateOrRecord(_ id: Int) -> Int? {
        guard let i = try? activate(id) else {
            failure = .misuse
            return nil
        }
        return i
    }

    func pushSlot(level: Int, component: PathComponent) -> Int {
        nextID += 1
        frames.append(Frame(kind: .slot, id: nextID, level: level, start: bytes.count, component: component))
        return nextID
    }

    /// Opens an object at `level` (its `{` is written now).
    func pushObject(level: Int, component: PathComponent, keys: ObjectIdentifier? = nil) -> Int {
        checkDepth(level)
        nextID += 1
        frames.append(Frame(kind: .object, id: nextID, level: level, start: bytes.count, entryBase: entries.count, keys: keys,
                            component: component))
        if pretty { append2(0x7B, 0x0A) } else { bytes.append(0x7B) }
        return nextID
    }

    /// Opens an array at `level` (its `[` is written now).
    func pushArray(level: Int, component: PathComponent) -> Int {
        checkDepth(level)
        nextID += 1
        frames.append(Frame(kind: .array, id: nextID, level: level, start: bytes.count, component: component))
        if pretty { append2(0x5B, 0x0A) } else { bytes.append(0x5B) }
        return nextID
    }

    /// The container on slot `slot`: the one opened before, or a new one of `kind`.
    func container(onSlot slot: Int, kind: Frame.Kind, keys: ObjectIdentifier? = nil) -> Int {
        guard let i = index(of: slot) else {
            failure = .misuse
            return -1
        }
        let existing = frames[i].container
        if existing >= 0 {
            guard let j = activateOrRecord(existing), frames[j].kind == kind else {
                failure = .misuse
                return -1
            }
            return existing
        }
        guard activateOrRecord(slot) != nil, !frames[i].filled else {
            failure = .misuse
            return -1
        }
        let level = frames[i].level
        let id = kind == .object ? pushObject(level: level, component: .none, keys: keys) : pushArray(level: level, component: .none)
        frames[i].filled = true
        frames[i].container = id
        return id
    }

    private func checkDepth(_ level: Int) {
        if level + 1 >= JSONWriter.maximumDepth { failure = .tooDeep }
    }

    /// Closes every frame from the top down to and including `id`.
    func close(through id: Int) {
        while let top = frames.last, top.id >= id { closeTop() }
    }

    func closeTop() {
        guard let f = frames.popLast() else { return }
        switch f.kind {
        case .slot:
            if !f.filled { writeEmptyObject(level: f.level) }
        case .array:
            if pretty {
                bytes.append(0x0A)
                indent(f.level)
            }
            bytes.append(0x5D)
        case .object:
            if f.count > 0 { entries[entries.count - 1].end = bytes.count }
            if !f.sorted || (!f.asciiKeys && f.count > 1) { reorder(f) }
            entries.removeSubrange(f.entryBase...)
            if pretty {
                bytes.append(0x0A)
                indent(f.level)
            }
            bytes.append(0x7D)
        }
    }

    /// `{}` as `JSONEncoder` writes an empty object.
    func writeEmptyObject(level: Int) {
        checkDepth(level)
        if pretty {
            append2(0x7B, 0x0A)
            bytes.append(0x0A)
            indent(level)
        } else {
            bytes.append(0x7B)
        }
        bytes.append(0x7D)
    }

    /// Starts the entry `key` in the object at `i` (the top frame): separator, indentation,
    /// `"key":`. The previous entry ends here.
    func beginEntry(_ i: Int, _ key: String) {
        let f = frames[i]
        if f.count > 0 {
            entries[entries.count - 1].end = bytes.count
            if f.sorted && !JSONWriter.precedes(entries[entries.count - 1].key, key) { frames[i].sorted = false }
            if pretty { append2(0x2C, 0x0A) } else { bytes.append(0x2C) }
        }
        if pretty { indent(f.level + 1) }
        let start = bytes.count
        if !writeString(key) { frames[i].asciiKeys = false }
        if pretty { append3(0x20, 0x3A, 0x20) } else { bytes.append(0x3A) }
        entries.append(Entry(key: key, start: start, value: bytes.count, end: bytes.count))
        frames[i].count += 1
    }

    /// Starts the next element of the array at `i` (the top frame).
    func beginElement(_ i: Int) {
        if frames[i].count > 0 {
            if pretty { append2(0x2C, 0x0A) } else { bytes.append(0x2C) }
        }
        if pretty { indent(frames[i].level + 1) }
        frames[i].count += 1
    }

    func mark(_ i: Int) -> Mark {
        Mark(bytes: bytes.count, frames: frames.count, entries: entries.count, frame: frames[i], failure: failure)
    }

    func rollback(_ m: Mark, _ i: Int) {
        bytes.removeSubrange(m.bytes...)
        frames.removeSubrange(m.frames...)
        entries.removeSubrange(m.entries...)
        frames[i] = m.frame
        failure = m.failure
    }

    /// Rewrites the object `f` (from its `{` to the end of the buffer) with its entries in
    /// key order. Keys equal as `String`s are one entry, as in `JSONEncoder`'s dictionary:
    /// the first key's text with the last value.
    private func reorder(_ f: Frame) {
        let base = f.entryBase
        if f.asciiKeys, let type = f.keys, let known = orders[type], known.keys.count == f.count,
           (0..<f.count).allSatisfy({ known.keys[$0] == entries[base + $0].key }) {
            rewrite(f, known.order, known.last)
            return
        }
        order.removeAll(keepingCapacity: true)
        last.removeAll(keepingCapacity: true)
        if f.asciiKeys {
            order.append(contentsOf: 0..<f.count)
            order.sort { a, b in
                let ka = entries[base + a].key, kb = entries[base + b].key
                if JSONWriter.precedes(ka, kb) { return true }
                if JSONWriter.precedes(kb, ka) { return false }
                return a < b
            }
            // Equal keys are adjacent: keep the first of each run, with its run's last value.
            var kept = 0
            for n in 0..<order.count {
                if n > 0 && entries[base + order[n]].key == entries[base + order[kept - 1]].key {
                    last[kept - 1] = order[n]
                } else {
                    order[kept] = order[n]
                    last.append(order[n])
                    kept += 1
                }
            }
            order.removeSubrange(kept...)
            if let type = f.keys { orders[type] = KeyOrder(keys: entries[base..<base + f.count].map(\.key), order: order, last: last) }
        } else {
            var group: [String: Int] = [:]
            for k in 0..<f.count {
                let key = entries[base + k].key
                if let g = group[key] {
                    last[g] = k
                } else {
                    group[key] = order.count
                    order.append(k)
                    last.append(k)
                }
            }
            let firsts = order
            var groups = Array(0..<firsts.count)
            groups.sort { JSONWriter.precedes(entries[base + firsts[$0]].key, entries[base + firsts[$1]].key) }
            let lasts = last
            order = groups.map { firsts[$0] }
            last = groups.map { lasts[$0] }
        }
        rewrite(f, order, last)
    }

    /// Writes the object `f` anew: for each `n`, the key of entry `order[n]` with the value
    /// of entry `last[n]` (entry numbers from the object's first).
    private func rewrite(_ f: Frame, _ order: [Int], _ last: [Int]) {
        let base = f.entryBase
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(bytes.count - f.start)
        scratch.append(0x7B)
        if pretty { scratch.append(0x0A) }
        for n in 0..<order.count {
            let key = entries[base + order[n]]
            let value = entries[base + last[n]]
            if n > 0 {
                scratch.append(0x2C)
                if pretty { scratch.append(0x0A) }
            }
            if pretty { scratch.append(contentsOf: repeatElement(0x20, count: 2 * (f.level + 1))) }
            scratch.append(contentsOf: bytes[key.start..<key.value])
            scratch.append(contentsOf: bytes[value.value..<value.end])
        }
        bytes.replaceSubrange(f.start..., with: scratch)
    }

    /// True when `a` sorts before `b`: by UTF-8 bytes, as `JSONEncoder`'s `.sortedKeys`.
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                if n > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let c = memcmp(px, py, n)
                    if c != 0 { return c < 0 }
                }
                return x.count < y.count
            }
        }
    }

    func codingPath(through id: Int) -> [any CodingKey] {
        let top = index(of: id) ?? frames.count - 1
        var path: [any CodingKey] = []
        for f in frames.prefix(top + 1) {
            switch f.component {
            case .none: break
            case .key(let k): path.append(JSONPathKey(stringValue: k))
            case .index(let i): path.append(JSONPathKey(intValue: i))
            }
        }
        return path
    }
}

/// A key of `codingPath`: a key's text or an array index.
struct JSONPathKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}
