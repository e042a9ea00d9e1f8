/// A stored tensor: its name, element type, shape and where its elements live.
///
/// The elements themselves are never copied into this value: ``payload`` refers to
/// them (a byte range of the model file, or a range of an external file).
public struct Tensor: Hashable, Sendable {
    /// The tensor's name (a value name in its graph); may be empty for attribute tensors.
    public var name: String
    /// The element type.
    public var dataType: DataType
    /// The shape, exactly as stored in `dims` (negative values are kept: they are findings).
    public var dims: [Int64]
    /// Where the elements are stored.
    public var payload: TensorPayload
    /// The doc string and segment, boxed, nil when both are absent: nearly every tensor has
    /// neither, and a graph holds a tensor per initializer.
    private var rare: Rare?

    /// The `doc_string`, empty when absent.
    public var docString: String {
        get { rare?.docString ?? "" }
        set { rare = Rare.make(newValue, segment) }
    }

    /// The `segment` of a split tensor, when present.
    public var segment: Segment? {
        get { rare?.segment }
        set { rare = Rare.make(docString, newValue) }
    }

    /// Creates a tensor value.
    public init(
        name: String, dataType: DataType, dims: [Int64], payload: TensorPayload,
        docString: String = "", segment: Segment? = nil
    ) {
        self.name = name
        self.dataType = dataType
        self.dims = dims
        self.payload = payload
        rare = Rare.make(docString, segment)
    }

    /// The fields few tensors have; never changed once made (a change makes a new one).
    private final class Rare: Hashable, Sendable {
        let docString: String
        let segment: Segment?

        private init(docString: String, segment: Segment?) {
            self.docString = docString
            self.segment = segment
        }

        /// The box for these values, nil when both are absent.
        static func make(_ docString: String, _ segment: Segment?) -> Rare? {
            docString.isEmpty && segment == nil ? nil : Rare(docString: docString, segment: segment)
        }

        static func == (a: Rare, b: Rare) -> Bool { a.docString == b.docString && a.segment == b.segment }

        func hash(into hasher: inout Hasher) {
            hasher.combine(docString)
            hasher.combine(segment)
        }
    }

    /// One chunk of a tensor split over several protos (`TensorProto.Segment`).
    public struct Segment: Hashable, Sendable {
        /// First element index of the chunk.
        public var begin: Int64
        /// One past the last element index.
        public var end: Int64
        /// Creates a segment.
        public init(begin: Int64, end: Int64) {
            self.begin = begin
            self.end = end
        }
    }
}

/// Where a tensor's elements are stored.
public enum TensorPayload: Hashable, Sendable {
    /// No elements stored (an empty tensor, or a producer that left the data out).
    case none
    /// Inside the model file: one of the typed fields or `raw_data`.
    case inline(InlinePayload)
    /// In another file, named by the `external_data` entries. (Boxed: the reference is
    /// 80 bytes, and inline it would make every tensor that large.)
    indirect case external(ExternalDataReference)
}

/// The protobuf field of `TensorProto` that holds a tensor's elements.
public enum PayloadField: Int, Hashable, Sendable {
    case floatData = 4
    case int32Data = 5
    case stringData = 6
    case int64Data = 7
    case rawData = 9
    case doubleData = 10
    case uint64Data = 11

    /// The schema's field name.
    public var name: String {
        switch self {
        case .floatData: "float_data"
        case .int32Data: "int32_data"
        case .stringData: "string_data"
        case .int64Data: "int64_data"
        case .rawData: "raw_data"
        case .doubleData: "double_data"
        case .uint64Data: "uint64_data"
        }
    }
}

/// A tensor's elements inside the model file, as byte ranges of the mapped file.
public struct InlinePayload: Hashable, Sendable {
    /// The pieces are `list[start..<start + count]`: a run of the decoder's one list of every
    /// tensor's pieces, as an array of its own per tensor would be a heap block per
    /// initializer of a large graph (and a slice twice these 16 bytes).
    private var list: [PayloadPiece]
    private var start: Int32, count: Int32

    /// The pieces, in place.
    var run: ArraySlice<PayloadPiece> { list[Int(start)..<Int(start) + Int(count)] }

    /// The pieces of the payload in file order. Most tensors have exactly one.
    public var pieces: [PayloadPiece] {
        get { Array(run) }
        set { self = InlinePayload(pieces: newValue) }
    }

    /// Creates an inline payload.
    public init(pieces: [PayloadPiece]) {
        self.init(pieces, pieces.indices)
    }

    /// An inline payload whose pieces are `list[range]`: kept in place (the list shared)
    /// when the bounds fit 32 bits, else copied.
    init(_ list: [PayloadPiece], _ range: Range<Int>) {
        if let start = Int32(exactly: range.lowerBound), let end = Int32(exactly: range.upperBound) {
            self.list = list
            self.start = start
            count = end - start
        } else {
            self.list = Array(list[range])
            start = 0
            count = Int32(truncatingIfNeeded: range.count)
        }
    }

    /// Equal when the pieces are, wherever each payload keeps them.
    public static func == (a: InlinePayload, b: InlinePayload) -> Bool { a.run.elementsEqual(b.run) }

    /// Hashes the pieces, wherever they are kept.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(run.count)
        for piece in run { hasher.combine(piece) }
    }

    /// The field that holds the elements: that of the last piece, as protobuf's
    /// last-one-wins rule decides for `raw_data`.
    public var field: PayloadField? { run.last?.field }

    /// Bytes of element data recorded for the tensor (for strings, the string lengths).
    public var contentBytes: Int {
        run.reduce(0) { $0 + $1.contentBytes }
    }
}

/// One contiguous run of a payload field in the model file.
public struct PayloadPiece: Hashable, Sendable {
    /// Which field of `TensorProto` this run belongs to.
    public var field: PayloadField
    /// How the run is encoded.
    public var encoding: Encoding
    /// The byte range in the model file: for `packed` and `bytes`, the content only;
    /// for `repeated`, the whole run including each element's tag.
    public var range: Range<Int>
    /// Number of field occurrences in the run (1 for packed and bytes).
    public var occurrences: Int
    /// Bytes of element content (for strings, the sum of their lengths).
    public var contentBytes: Int

    /// Creates a payload piece.
    public init(field: PayloadField, encoding: Encoding, range: Range<Int>, occurrences: Int, contentBytes: Int) {
        self.field = field
        self.encoding = encoding
        self.range = range
        self.occurrences = occurrences
        self.contentBytes = contentBytes
    }

    /// The wire encoding of a payload run.
    public enum Encoding: Hashable, Sendable {
        /// A length-delimited packed array of numbers.
        case packed
        /// A single length-delimited byte string (`raw_data`).
        case bytes
        /// Repeated occurrences, each with its own tag (unpacked numbers, or `string_data`).
        case repeated
    }
}

/// A reference to tensor data kept outside the model file (`data_location = EXTERNAL`).
public struct ExternalDataReference: Hashable, Sendable {
    /// The `location` entry: a path relative to the model's folder. Nil when missing.
    public var location: String?
    /// The `offset` entry as written in the file (may be absent or not a number).
    public var offset: String?
    /// The `length` entry as written in the file (may be absent or not a number).
    public var length: String?
    /// The `checksum` entry, when present.
    public var checksum: String?
    /// Any other keys, in file order.
    public var otherKeys: [String]
    /// Known keys that appear more than once (tools disagree on which one wins).
    public var repeatedKeys: [String]

    /// Creates an external-data reference.
    public init(location: String?, offset: String?, length: String?, checksum: String?, otherKeys: [String],
                repeatedKeys: [String] = []) {
        self.location = location
        self.offset = offset
        self.length = length
        self.checksum = checksum
        self.otherKeys = otherKeys
        self.repeatedKeys = repeatedKeys
    }
}

/// A sparse tensor in coordinate form (`SparseTensorProto`).
public struct SparseTensor: Hashable, Sendable {
    /// The non-zero values; its name is the sparse tensor's name.
    public var values: Tensor
    /// The indices of the non-zero values (1-D linearized or 2-D coordinates).
    public var indices: Tensor
    /// The dense shape.
    public var dims: [Int64]

    /// Creates a sparse tensor.
    public init(values: Tensor, indices: Tensor, dims: [Int64]) {
        self.values = values
        self.indices = indices
        self.dims = dims
    }

    /// The sparse tensor's name: that of its values tensor.
    public var name: String { values.name }
}
