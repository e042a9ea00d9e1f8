/// An ONNX model file opened for inspection: the decoded ``Model`` plus the read-only
/// mapping its inline payloads refer to.
public struct ModelFile: Sendable {
    /// The path as given.
    public let path: String
    /// Size of the model file in bytes.
    public let fileSize: Int
    /// The decoded model; tensor payloads are references into the mapping.
    public let model: Model
    /// Bytes of the file that are not inline tensor payloads.
    public let metadataBytes: Int
    /// Keeps the mapping alive for later payload reads.
    let mapping: MappedFile

    /// Opens and decodes the model at `path`. Tensor payloads are not read.
    public static func open(_ path: String) throws(DecodeError) -> ModelFile {
        let mapping: MappedFile
        do {
            mapping = try PhaseClock.measure(.map) { () throws(DecodeFailure) in try MappedFile(path: path) }
        } catch {
            throw DecodeError(path: path, failure: error)
        }
        return try decode(mapping, path: path)
    }

    /// Decodes a model held in memory, as if read from a file named `name`: the bytes are
    /// copied, and external-data locations are resolved against `name`'s folder.
    public static func open(bytes: some Collection<UInt8>, name: String) throws(DecodeError) -> ModelFile {
        let array = Array(bytes)
        let mapping = array.withUnsafeBytes { MappedFile(copying: $0) }
        return try decode(mapping, path: name)
    }

    private static func decode(_ mapping: MappedFile, path: String) throws(DecodeError) -> ModelFile {
        if mapping.bytes.isEmpty { throw DecodeError(path: path, failure: .empty) }
        if let format = ForeignFormat.recognize(mapping.bytes) {
            throw DecodeError(path: path, failure: .foreignFormat(format))
        }
        let stripped: StrippedModel
        do {
            stripped = try PhaseClock.measure(.prePass) { () throws(WireError) in try PayloadStripper.strip(mapping.bytes) }
        } catch {
            throw refused(mapping, path: path, DecodeError(path: path, failure: error.failure, offset: error.offset))
        }
        // The pre-pass read every metadata page of the file: they leave this process's
        // memory (they stay in the page cache, and a later read maps them again). A small
        // file was read, not mapped, and has no pages to drop.
        mapping.doneReading(0..<mapping.bytes.count)
        let payloadBytes = stripped.payloadBytes
        let model: Model
        do {
            // The stripped bytes are freed once unpacked (a graph-heavy file is nearly all metadata).
            model = try ProtobufCDecoder.decode(consume stripped) { mapping.doneReading(0..<mapping.bytes.count) }
        } catch {
            throw refused(mapping, path: path, DecodeError(path: path, failure: error))
        }
        if mapping.changed { throw DecodeError(path: path, failure: .changedWhileRead) }
        return ModelFile(
            path: path, fileSize: mapping.bytes.count, model: model,
            metadataBytes: mapping.bytes.count - payloadBytes, mapping: mapping)
    }

    /// The decoder's error; the file's change when it shrank while read (the bytes past its
    /// new end read as zeros, which the decoder refuses); or a hint when the refused bytes
    /// are of a known other format.
    private static func refused(_ mapping: MappedFile, path: String, _ error: DecodeError) -> DecodeError {
        if mapping.changed { return DecodeError(path: path, failure: .changedWhileRead) }
        guard let format = ForeignFormat.recognizeRefused(mapping.bytes) else { return error }
        return DecodeError(path: path, failure: .foreignFormat(format))
    }

    /// The folder that external-data locations are relative to.
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
