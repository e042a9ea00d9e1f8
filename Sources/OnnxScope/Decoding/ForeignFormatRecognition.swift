/// Recognition of ``ForeignFormat``s from a file's first bytes.
///
/// Two tiers, so that no valid ONNX model is ever refused by a guess:
/// - ``recognize(_:)`` runs before decoding and knows only signatures that cannot start a
///   valid protobuf message (an invalid wire type, field number 0, an end-group tag), so a
///   match is never an ONNX model.
/// - ``recognizeRefused(_:)`` runs only after the decoder refused the file, and adds
///   signatures that are valid protobuf bytes (pickle, safetensors, HDF5, NumPy, and
///   TensorFlow's own protobufs).
extension ForeignFormat {
    /// The format of `bytes` when its signature cannot begin an ONNX model, else nil.
    static func recognize(_ bytes: UnsafeRawBufferPointer) -> ForeignFormat? {
        // "PK\3\4": 'P' is field 10 (varint 'K'), then 0x03 is field number 0.
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return zipKind(bytes) }
        // "PK\5\6": an empty zip archive (only the end-of-directory record).
        if bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        // 0x1F is field 3 with wire type 7, which does not exist.
        if bytes.starts(with: [0x1F, 0x8B]) { return .gzip }
        // 'v' (0x76) is wire type 6, which does not exist.
        if bytes.starts(with: Array("version https://git-lfs.github.com/spec/".utf8)) { return .gitLFSPointer }
        if let markup = markupKind(bytes) { return markup }
        // A FlatBuffer's root offset below 65,536 leaves bytes 2 and 3 zero: field number 0.
        if bytes.count >= 8, bytes[2] == 0, bytes[3] == 0, bytes[0] % 4 == 0, hasTFLiteIdentifier(bytes) { return .tfLite }
        return nil
    }

    /// The format of `bytes`, which the decoder refused, when its signature is known.
    static func recognizeRefused(_ bytes: UnsafeRawBufferPointer) -> ForeignFormat? {
        if let certain = recognize(bytes) { return certain }
        if bytes.count >= 2, bytes[0] == 0x80, (2...5).contains(bytes[1]) { return .pickle }
        if bytes.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) { return .hdf5 }
        if bytes.starts(with: [0x93] + Array("NUMPY".utf8)) { return .numpy }
        if isSafetensors(bytes) { return .safetensors }
        if hasTFLiteIdentifier(bytes) { return .tfLite }
        if isSavedModel(bytes) { return .tensorFlowSavedModel }
        if isGraphDef(bytes) { return .tensorFlowGraphDef }
        return nil
    }

    private static func hasTFLiteIdentifier(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && Array(bytes[4..<8]) == Array("TFL3".utf8)
    }

    /// Walks the zip's local file headers (at most 64) for a `torch.save` entry
    /// (`data.pkl`, `.data/version`) or an `.onnx` entry.
    private static func zipKind(_ bytes: UnsafeRawBufferPointer) -> ForeignFormat {
        var position = 0
        for _ in 0..<64 {
            guard position + 30 <= bytes.count,
                  bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 3, bytes[position + 3] == 4
            else { break }
            let flags = littleEndian(bytes, at: position + 6, count: 2)
            let compressed = littleEndian(bytes, at: position + 18, count: 4)
            let nameLength = littleEndian(bytes, at: position + 26, count: 2)
            let extraLength = littleEndian(bytes, at: position + 28, count: 2)
            let nameStart = position + 30
            guard nameStart + nameLength <= bytes.count else { break }
            let name = String(decoding: bytes[nameStart..<nameStart + nameLength], as: UTF8.self)
            if name.hasSuffix(".pkl") || name.hasSuffix("/version") || name.hasSuffix(".data/version") {
                return .pytorchCheckpoint
            }
            if name.lowercased().hasSuffix(".onnx") { return .zippedONNX(entry: String(name.prefix(200))) }
            // Bit 3: sizes follow the data, so the next header cannot be found from here.
            guard flags & 0x08 == 0 else { break }
            position = nameStart + nameLength + extraLength + compressed
        }
        return .zip
    }

    /// HTML or XML: after an optional UTF-8 byte-order mark and white space, `<` and a
    /// letter, `!` or `?`. (0xEF is wire type 7; white space then `<` ends in an end-group tag.)
    private static func markupKind(_ bytes: UnsafeRawBufferPointer) -> ForeignFormat? {
        var position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        while position < min(bytes.count, 1024), whitespace.contains(bytes[position]) { position += 1 }
        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "<") else { return nil }
        let next = bytes[position + 1]
        let isLetter = (0x41...0x5A).contains(next) || (0x61...0x7A).contains(next)
        guard isLetter || next == UInt8(ascii: "!") || next == UInt8(ascii: "?") else { return nil }
        let head = String(decoding: bytes[position..<min(bytes.count, position + 512)], as: UTF8.self).lowercased()
        if head.hasPrefix("<?xml"), !head.contains("<html") { return .xml }
        if head.hasPrefix("<!doctype html") || head.contains("<html") || head.contains("<head") || head.contains("<body") {
            return .html
        }
        return head.hasPrefix("<?xml") ? .xml : .html
    }

    /// safetensors: a little-endian u64 header length N, then N bytes of a JSON object
    /// (padded with spaces) naming a `dtype` or `__metadata__`.
    private static func isSafetensors(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count > 9, bytes[8] == UInt8(ascii: "{") else { return false }
        let length = littleEndian(bytes, at: 0, count: 8)
        guard length >= 2, length <= bytes.count - 8 else { return false }
        let header = bytes[8..<8 + length]
        guard let last = header.lastIndex(where: { $0 != 0x20 }), bytes[last] == UInt8(ascii: "}") else { return false }
        let text = String(decoding: header.prefix(4096), as: UTF8.self)
        return text.contains("\"dtype\"") || text.contains("\"__metadata__\"")
    }

    /// saved_model.pb: `saved_model_schema_version` (field 1) = 1, then a MetaGraphDef
    /// (field 2) that starts with its `meta_info_def` (field 1).
    private static func isSavedModel(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.starts(with: [0x08, 0x01, 0x12]) else { return false }
        var position = 3
        guard (try? bytes.readVarint(at: &position, end: bytes.count)) != nil, position < bytes.count else { return false }
        return bytes[position] == 0x0A
    }

    /// A GraphDef: its first NodeDef (field 1) starts with a printable `name` (field 1)
    /// and an `op` (field 2) that reads like a TensorFlow op name (`Const`, `Placeholder`).
    private static func isGraphDef(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var position = 0
        guard bytes.first == 0x0A else { return false }
        position = 1
        guard (try? bytes.readVarint(at: &position, end: bytes.count)) != nil else { return false }
        guard let name = field(1, of: bytes, at: &position), !name.isEmpty,
              name.allSatisfy({ (0x21...0x7E).contains($0) }) else { return false }
        guard let op = field(2, of: bytes, at: &position), let first = op.first, (0x41...0x5A).contains(first),
              op.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F })
        else { return false }
        return true
    }

    /// The bytes of the length-delimited field `number` at `position`, at most 4 KB long.
    private static func field(_ number: UInt8, of bytes: UnsafeRawBufferPointer, at position: inout Int) -> [UInt8]? {
        guard position < bytes.count, bytes[position] == number << 3 | 2 else { return nil }
        position += 1
        guard let length = try? bytes.readVarint(at: &position, end: bytes.count), length <= 4096,
              position + Int(length) <= bytes.count else { return nil }
        defer { position += Int(length) }
        return Array(bytes[position..<position + Int(length)])
    }

    private static func littleEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> Int {
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value > UInt64(Int.max) ? Int.max : Int(value)
    }
}
