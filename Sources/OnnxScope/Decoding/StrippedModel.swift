/// The output of the pre-pass.
struct StrippedModel {
    /// The model's encoding with all tensor payloads removed and payload tokens added.
    var metadata: [UInt8]
    /// Where each tensor's payload lies in the original bytes.
    var payloads: PayloadTable
    /// Bytes of payload content left out of ``metadata``.
    var payloadBytes: Int = 0
    /// The main graph's nodes, taken out of ``metadata`` (whose main graph then has none):
    /// the decoder unpacks and converts them a slice at a time, on all cores, and frees
    /// each slice's C structs before the next. Nil when they were left in place.
    var mainNodes: AsideMessages?
    /// The main graph's initializers, taken out the same way.
    var mainInitializers: AsideMessages?
}

/// Messages of one kind (nodes, tensors), in file order, as the pre-pass wrote them
/// (payloads stripped): each a copy, or, when the copy would be the message's own bytes,
/// the message where it lies in the file.
struct AsideMessages {
    /// The copies, one after another.
    var bytes: [UInt8] = []
    /// Message `i` is `ranges[i]` of the file followed by the copies: a range below
    /// `file.count` lies in ``file``, one above it in ``bytes`` (shifted by `file.count`).
    private(set) var ranges: [Range<Int>] = []
    /// The bytes the pre-pass read: valid while the decoder runs (the model file's mapping
    /// or copy outlives it).
    let file: UnsafeRawBufferPointer
    /// The messages' bytes, copied or not.
    private(set) var messageBytes = 0

    init(file: UnsafeRawBufferPointer) {
        self.file = file
    }

    /// Makes room for `messages` messages.
    mutating func reserve(messages: Int) { ranges.reserveCapacity(messages) }

    /// Adds a message copied to `range` of ``bytes``.
    mutating func append(copied range: Range<Int>) {
        ranges.append(range.lowerBound + file.count..<range.upperBound + file.count)
        messageBytes += range.count
    }

    /// Adds a message left at `range` of ``file``.
    mutating func append(inFile range: Range<Int>) {
        ranges.append(range)
        messageBytes += range.count
    }

    /// Number of messages.
    var count: Int { ranges.count }

    /// The bytes the messages took in place: each also had its key and padded length (6 bytes).
    var inPlaceBytes: Int { messageBytes + 6 * ranges.count }

    /// Message `i`'s first byte, given ``bytes``' first (nil for no byte).
    func start(of i: Int, copies: UnsafePointer<UInt8>?) -> UnsafePointer<UInt8>? {
        let at = ranges[i].lowerBound
        if at < file.count { return file.baseAddress.map { ($0 + at).assumingMemoryBound(to: UInt8.self) } }
        return copies.map { $0 + (at - file.count) }
    }
}

/// Payload pieces of all tensors, in one flat array. Token `2i` owns `pieces[spans[i]]`;
/// token `2i + 1` owns span `i` of ``second``, when a main graph's initializers were
/// stripped on another core.
struct PayloadTable {
    var pieces: [PayloadPiece] = []
    var spans: [Range<Int>] = []
    /// The pieces and spans of the initializers stripped on another core.
    var second: (pieces: [PayloadPiece], spans: [Range<Int>])?

    /// Bytes of payload content in all pieces.
    var contentBytes: Int {
        func bytes(_ list: [PayloadPiece]) -> Int { list.reduce(0) { $0 + $1.contentBytes } }
        return bytes(pieces) + (second.map { bytes($0.pieces) } ?? 0)
    }

    /// The payload of the tensor whose token is `token`, or nil for a bad token.
    func payload(token: UInt64) -> InlinePayload? {
        let i = token >> 1
        guard let (list, ranges) = token & 1 == 0 ? (pieces, spans) : second, i < UInt64(ranges.count) else { return nil }
        return InlinePayload(list, ranges[Int(i)])
    }
}
