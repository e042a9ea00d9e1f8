#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ModelFile {
    /// The elements of `tensor`, read in place from this file's mapping or, for
    /// external data, from a read-only mapping of the data file.
    ///
    /// Sizes are checked before anything is read: a payload whose length does not match
    /// dims × element size, a typed field the IR does not allow for the type, a broken
    /// varint, or an external reference that is missing, refused or out of range is a
    /// ``PayloadError``. `raw_data` wins over typed fields when both are present, and
    /// its last occurrence wins, as protobuf decides; typed-field runs concatenate.
    public func values(of tensor: Tensor) throws(PayloadError) -> TensorValues {
        do {
            return try PayloadReader(file: self).values(of: tensor)
        } catch {
            throw PayloadError(path: path, tensor: tensor.name, failure: error.failure, offset: error.offset)
        }
    }
}

/// A failure inside the reader, before the file and tensor are attached.
struct PayloadReadFailure: Error {
    var failure: PayloadFailure
    var offset: Int?
}

/// Validates a tensor's payload and describes where its numbers are.
struct PayloadReader {
    let file: ModelFile

    func values(of tensor: Tensor) throws(PayloadReadFailure) -> TensorValues {
        let type = tensor.dataType
        let count = try elementCount(tensor.dims)
        switch type {
        case .undefined, .unknown: throw PayloadReadFailure(failure: .unsupportedType(type))
        case .float, .uint8, .int8, .uint16, .int16, .int32, .int64, .string, .bool, .float16, .double,
             .uint32, .uint64, .complex64, .complex128, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2,
             .float8e5m2fnuz, .uint4, .int4, .float4e2m1, .float8e8m0, .uint2, .int2, .float6e2m3, .float6e3m2:
            break
        }
        func made(_ layout: ValueLayout, _ owner: AnyObject?) -> TensorValues {
            TensorValues(dataType: type, dims: tensor.dims, count: count, layout: layout, owner: owner)
        }
        switch tensor.payload {
        case .none:
            if count == 0 { return made(.empty, nil) }
            throw PayloadReadFailure(failure: .noData(elements: Int64(count)))
        case .inline(let payload):
            return made(try inline(payload, type: type, count: count), file.mapping)
        case .external(let reference):
            let (mapping, range) = try external(reference, type: type, count: count)
            return made(.raw(UnsafeRawBufferPointer(rebasing: mapping.bytes[range])), mapping)
        }
    }

    private func elementCount(_ dims: [Int64]) throws(PayloadReadFailure) -> Int {
        guard case .success(let n) = TensorSize.elements(dims) else {
            throw PayloadReadFailure(failure: .invalidDims(dims))
        }
        guard let count = Int(exactly: n) else { throw PayloadReadFailure(failure: .tooLarge(elements: n)) }
        return count
    }

    /// `raw_data` bytes a tensor of `count` elements of `type` must have.
    private func rawBytes(_ type: DataType, _ count: Int) throws(PayloadReadFailure) -> Int64 {
        guard case .some(.success(let bytes)) = TensorSize.bytes(elements: Int64(count), type: type, stringBytes: nil) else {
            throw PayloadReadFailure(failure: .tooLarge(elements: Int64(count)))
        }
        return bytes
    }

    private func inline(_ payload: InlinePayload, type: DataType, count: Int) throws(PayloadReadFailure) -> ValueLayout {
        let bytes = file.mapping.bytes
        if let raw = payload.run.last(where: { $0.field == .rawData }) {
            if type == .string { throw PayloadReadFailure(failure: .fieldMismatch(field: .rawData, type: type), offset: raw.range.lowerBound) }
            let expected = try rawBytes(type, count)
            guard Int64(raw.range.count) == expected else {
                throw PayloadReadFailure(failure: .sizeMismatch(expected: expected, found: Int64(raw.range.count), unit: "bytes"),
                                         offset: raw.range.lowerBound)
            }
            return .raw(UnsafeRawBufferPointer(rebasing: bytes[raw.range]))
        }
        let field = PayloadReader.typedField(for: type)
        let pieces = payload.run.filter { $0.field == field }
        if pieces.isEmpty, let other = payload.run.first {
            throw PayloadReadFailure(failure: .fieldMismatch(field: other.field, type: type), offset: other.range.lowerBound)
        }
        let offset = pieces.first?.range.lowerBound
        if field == .stringData {
            let found = pieces.reduce(0) { $0 + $1.occurrences }
            guard found == count else {
                throw PayloadReadFailure(failure: .sizeMismatch(expected: Int64(count), found: Int64(found), unit: "strings"), offset: offset)
            }
            return count == 0 ? .empty : .strings(pieces.map { UnsafeRawBufferPointer(rebasing: bytes[$0.range]) })
        }
        let wordField = PayloadReader.wordField(field)
        var words = 0
        var runs: [WordRun] = []
        for piece in pieces {
            let run = WordRun(bytes: UnsafeRawBufferPointer(rebasing: bytes[piece.range]), packed: piece.encoding != .repeated)
            words += try PayloadReader.countWords(run, wordField, occurrences: piece.occurrences, at: piece.range.lowerBound)
            runs.append(run)
        }
        let perWord = WordElements.perWord(type)
        let components = type == .complex64 || type == .complex128 ? count * 2 : count
        let expected = (components + perWord - 1) / perWord
        guard words == expected else {
            throw PayloadReadFailure(failure: .sizeMismatch(expected: Int64(expected), found: Int64(words), unit: "values"), offset: offset)
        }
        return count == 0 ? .empty : .words(runs, wordField)
    }

    /// Number of words in a run, checking that it holds whole words.
    private static func countWords(_ run: WordRun, _ field: WordField, occurrences: Int, at start: Int) throws(PayloadReadFailure) -> Int {
        let bytes = run.bytes
        if let width = field.fixedWidth {
            if run.packed {
                guard bytes.count % width == 0 else {
                    throw PayloadReadFailure(failure: .malformed("packed field of \(bytes.count) bytes is not whole \(width)-byte values"), offset: start)
                }
                return bytes.count / width
            }
            guard bytes.count == occurrences * (1 + width) else {
                throw PayloadReadFailure(failure: .malformed("unpacked run of \(occurrences) values has \(bytes.count) bytes"), offset: start)
            }
            return occurrences
        }
        var position = 0
        var words = 0
        do {
            while position < bytes.count {
                if !run.packed { _ = try bytes.readVarint(at: &position, end: bytes.count) }
                _ = try bytes.readVarint(at: &position, end: bytes.count)
                words += 1
            }
        } catch {
            throw PayloadReadFailure(failure: .malformed("broken varint"), offset: start + error.offset)
        }
        return words
    }

    /// The typed field the IR uses for a type.
    static func typedField(for type: DataType) -> PayloadField {
        switch type {
        case .float, .complex64: .floatData
        case .double, .complex128: .doubleData
        case .int64: .int64Data
        case .uint32, .uint64: .uint64Data
        case .string: .stringData
        case .undefined, .uint8, .int8, .uint16, .int16, .int32, .bool, .float16, .bfloat16, .float8e4m3fn,
             .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .uint4, .int4, .float4e2m1, .float8e8m0, .uint2, .int2,
             .float6e2m3, .float6e3m2, .unknown:
            .int32Data
        }
    }

    static func wordField(_ field: PayloadField) -> WordField {
        switch field {
        case .floatData: .float32
        case .doubleData: .float64
        case .int64Data: .int64
        case .uint64Data: .uint64
        case .int32Data, .stringData, .rawData: .int32
        }
    }

    /// Maps the external data file read-only and returns the tensor's byte range in it.
    private func external(_ reference: ExternalDataReference, type: DataType, count: Int) throws(PayloadReadFailure) -> (MappedFile, Range<Int>) {
        if type == .string { throw PayloadReadFailure(failure: .fieldMismatch(field: .rawData, type: type)) }
        let expected = try rawBytes(type, count)
        let locator = ExternalDataLocator(folder: file.directory)
        let (status, _) = locator.resolve(reference, bytes: expected)
        guard case .available(let location) = status else {
            throw PayloadReadFailure(failure: .externalData(status))
        }
        // The locator accepted both numbers as non-negative Int64 values.
        let offset = reference.offset.flatMap { Int64($0) } ?? 0
        let length = reference.length.flatMap { Int64($0) } ?? expected
        guard length == expected else {
            throw PayloadReadFailure(failure: .sizeMismatch(expected: expected, found: length, unit: "bytes"))
        }
        // The check above resolved the path; the open is checked again, in one step, so
        // that a folder swapped for a symlink in between cannot lead outside.
        let fd: Int32
        switch ContainedOpen.open(location, in: file.directory) {
        case .opened(let descriptor): fd = descriptor
        case .missing: throw PayloadReadFailure(failure: .externalData(.missingFile(file: location)))
        case .refused(let why): throw PayloadReadFailure(failure: .externalData(.refused(reason: why)))
        case .failed(let why): throw PayloadReadFailure(failure: .externalUnreadable(file: location, reason: why))
        }
        let mapping: MappedFile
        do {
            mapping = try MappedFile(descriptor: fd, path: file.directory + "/" + location, externalData: true)
        } catch {
            throw PayloadReadFailure(failure: .externalUnreadable(file: location, reason: error.description))
        }
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= Int64(mapping.bytes.count), let lower = Int(exactly: offset), let upper = Int(exactly: end) else {
            throw PayloadReadFailure(failure: .externalData(.outOfRange(file: location, needed: end, size: Int64(mapping.bytes.count))))
        }
        return (mapping, lower..<upper)
    }
}
