/// Reads a tensor's numbers front to back into caller-provided buffers.
///
/// The payload was validated when the ``TensorValues`` was made (sizes and varints),
/// so reading cannot fail; a cursor over a STRING tensor yields nothing.
public struct ValueCursor {
    private let values: TensorValues
    private let total: Int
    /// Numbers produced so far.
    public private(set) var position = 0

    // Typed-field state: current run, byte offset in it, and the parts of the current
    // word still to hand out (4-bit types hold two per `int32_data` word, 2-bit four).
    private var run = 0
    private var offset = 0
    private var word: UInt64 = 0
    private var partsLeft = 0
    // Raw payload bytes already handed back to the kernel.
    private var released = 0

    init(_ values: TensorValues) {
        self.values = values
        total = values.componentCount
    }

    /// Fills the front of `out` with the next numbers; returns how many (0 at the end).
    public mutating func next(into out: UnsafeMutableBufferPointer<Double>) -> Int {
        let n = Swift.min(out.count, total - position)
        guard n > 0 else { return 0 }
        switch values.layout {
        case .empty, .strings:
            return 0
        case .raw(let bytes):
            RawElements.decode(values.dataType, bytes, from: position, count: n, into: out)
            releaseRead(bytes, through: position + n)
        case .numbers(let numbers):
            for i in 0..<n { out[i] = numbers[position + i] }
        case .words(let runs, let field):
            for i in 0..<n { out[i] = nextWord(runs, field) }
        }
        position += n
        return n
    }

    /// Releases the mapped pages of large raw payloads behind the cursor, a window at a
    /// time, so that decoding a large tensor keeps resident memory small.
    private mutating func releaseRead(_ bytes: UnsafeRawBufferPointer, through end: Int) {
        guard let mapping = values.owner as? MappedFile, let bits = values.dataType.bitsPerElement else { return }
        let bitsPerNumber = values.dataType == .complex64 || values.dataType == .complex128 ? bits / 2 : bits
        let consumed = Swift.min(bytes.count, end * bitsPerNumber / 8)
        guard consumed - released >= PayloadHasher.window || (consumed == bytes.count && consumed > released) else { return }
        if let range = mapping.range(of: UnsafeRawBufferPointer(rebasing: bytes[released..<consumed])) {
            mapping.doneReading(range)
        }
        released = consumed
    }

    /// The next number of a typed field.
    private mutating func nextWord(_ runs: [WordRun], _ field: WordField) -> Double {
        let type = values.dataType
        let perWord = WordElements.perWord(type)
        if partsLeft == 0 {
            word = readWord(runs, field)
            partsLeft = perWord
        }
        let part = perWord - partsLeft
        partsLeft -= 1
        switch field {
        case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: word)))
        case .float64: return Double(bitPattern: word)
        case .int64: return Double(Int64(bitPattern: word))
        case .uint64: return Double(word)
        case .int32:
            if type == .int32 { return Double(Int32(truncatingIfNeeded: word)) }
            // Sub-byte types pack from the least significant bits; `part` is 0 otherwise.
            let bits = UInt32(truncatingIfNeeded: word) >> UInt32(part * (type.bitsPerElement ?? 0))
            return ScalarCodec.narrow(bits, as: type) ?? 0
        }
    }

    /// The next protobuf word of the runs, skipping each unpacked occurrence's tag.
    private mutating func readWord(_ runs: [WordRun], _ field: WordField) -> UInt64 {
        while run < runs.count, offset >= runs[run].bytes.count {
            run += 1
            offset = 0
        }
        guard run < runs.count else { return 0 }
        let bytes = runs[run].bytes
        if !runs[run].packed { _ = try? bytes.readVarint(at: &offset, end: bytes.count) }
        switch field.fixedWidth {
        case .some(4):
            defer { offset += 4 }
            return UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .some(let width):
            defer { offset += width }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        case .none:
            return (try? bytes.readVarint(at: &offset, end: bytes.count)) ?? 0
        }
    }
}

/// How many elements one `int32_data` word holds.
enum WordElements {
    /// 2 for 4-bit types, 4 for 2-bit types, else 1.
    static func perWord(_ type: DataType) -> Int {
        switch type {
        case .uint4, .int4, .float4e2m1: 2
        case .uint2, .int2: 4
        case .undefined, .float, .uint8, .int8, .uint16, .int16, .int32, .int64, .string, .bool, .float16,
             .double, .uint32, .uint64, .complex64, .complex128, .bfloat16, .float8e4m3fn, .float8e4m3fnuz,
             .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float6e2m3, .float6e3m2, .unknown:
            1
        }
    }
}
