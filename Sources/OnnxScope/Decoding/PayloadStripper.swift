/// The pre-pass: walks the wire format of a whole model without recursion deeper than
/// ``DecodingLimits/maxMessageDepth``, writes a copy of the metadata with every tensor
/// payload left out, and records where each payload sits in the original bytes.
///
/// Each `TensorProto` that had payload fields gets, in the copy, one extra varint field
/// (``PayloadStripper/tokenField``) holding its index into ``StrippedModel/payloads``.
/// protobuf-c keeps it as an unknown field, which is how decoded tensors find their
/// payloads again. Nested message lengths are rewritten as five-byte varints, which
/// protobuf accepts and which lets the copy be written in one pass.
struct PayloadStripper {
    /// Field number of the synthetic payload token; a field with this number in the
    /// input is dropped so that a file cannot forge one.
    static let tokenField: UInt64 = 536_870_911
    private static let tokenKey: UInt64 = tokenField << 3 | WireType.varint.rawValue

    private let input: UnsafeRawBufferPointer
    private var output: [UInt8] = []
    /// Input bytes to copy to ``output`` next, not yet written: fields copied whole one after
    /// another in the input are one copy (a node's inputs, outputs, name and op type, say).
    /// Written out by ``flush()`` before anything else touches ``output``.
    private var pending: Range<Int> = 0..<0
    /// With `setsAside`, the main graph's nodes and initializers, each message written
    /// here instead of into ``output`` (see ``StrippedModel/mainNodes``).
    private var aside: AsideMessages?, asideInitializers: AsideMessages?
    /// How many `graph` fields the model has (protobuf merges several into one; then the
    /// nodes are left in place, as the rule for merging them is protobuf-c's).
    private var mainGraphs = 0
    /// Which of the main graph's fields this stripper takes (see ``stripMainGraph``).
    private var share = MainGraphShare.all
    /// False when the main graph is not to be split: as asked, or in the pass run again on
    /// one core after a split failed.
    private var splits = true
    private var payloads = PayloadTable()
    private var fields = 0, nodes = 0, tensors = 0, attributes = 0
    /// Estimated memory of the decoded messages (see ``MemoryBudget``).
    private var estimatedMemory = 0

    /// A stripper of `input`; with `share` `.initializers`, one that takes a main graph's
    /// initializers only (``stripMainGraph``), which writes nothing to ``output``.
    private init(input: UnsafeRawBufferPointer, setsAside: Bool, share: MainGraphShare = .all) {
        self.input = input
        self.share = share
        // Room for a graph-heavy file's metadata (nearly all of it) without growing: pages
        // are taken only as they are written, so a weight-heavy file costs no more.
        let room = Swift.min(input.count + input.count / 8 + 64, 1 << 28)
        if share != .initializers { output.reserveCapacity(room) }
        // Room for the lists a graph-heavy file fills (a message per 64 bytes of file, at
        // most 4 Mi): a list that grows by doubling copies itself and touches twice its pages.
        // Room never written costs little (about 3 MB of peak memory at 100k nodes; at 1M
        // the copies it saves are worth more).
        let messages = Swift.min(input.count / 64, 1 << 22)
        payloads.pieces.reserveCapacity(messages / 2)
        payloads.spans.reserveCapacity(messages / 2)
        if setsAside {
            // Most nodes are left in the file (see ``setAside``): their copies need little room.
            var nodes = AsideMessages(file: input)
            nodes.bytes.reserveCapacity(Swift.min(room, 1 << 20))
            nodes.reserve(messages: messages)
            aside = nodes
            // Initializers whose payloads are cut out are copied: most of a graph-heavy
            // file's initializers, a fraction of its bytes.
            var initializers = AsideMessages(file: input)
            initializers.bytes.reserveCapacity(Swift.min(room / 4, 1 << 26))
            initializers.reserve(messages: messages / 2)
            asideInitializers = initializers
        }
    }

    /// Strips the payloads of the model encoded in `bytes`; with `splitting` (the default),
    /// a graph-heavy main graph on two cores (``stripMainGraph``), with the same outcome.
    static func strip(_ bytes: UnsafeRawBufferPointer, splitting: Bool = true) throws(WireError) -> StrippedModel {
        var stripper = PayloadStripper(input: bytes, setsAside: true)
        stripper.splits = splitting
        do {
            try stripper.message(.model, 0..<bytes.count, depth: 1)
        } catch {
            guard stripper.splitFailed else { throw error }
            // The halves found a problem: one core finds the one the file meets first.
            stripper = PayloadStripper(input: bytes, setsAside: true)
            stripper.splits = false
            try stripper.message(.model, 0..<bytes.count, depth: 1)
        }
        stripper.flush()
        if stripper.mainGraphs > 1 {
            stripper = PayloadStripper(input: bytes, setsAside: false)
            try stripper.message(.model, 0..<bytes.count, depth: 1)
            stripper.flush()
        }
        let estimate = stripper.estimatedMemory + stripper.fields * MemoryBudget.fieldCost
        let allowed = MemoryBudget.allowed(fileBytes: bytes.count)
        guard estimate <= allowed else {
            throw WireError(failure: .tooManySmallMessages(estimatedBytes: estimate, allowedBytes: allowed), offset: 0)
        }
        let payloadBytes = stripper.payloads.contentBytes
        return StrippedModel(metadata: stripper.output, payloads: stripper.payloads, payloadBytes: payloadBytes,
                             mainNodes: stripper.aside, mainInitializers: stripper.asideInitializers)
    }

    private mutating func message(_ kind: MessageKind, _ range: Range<Int>, depth: Int) throws(WireError) {
        var position = range.lowerBound
        let end = range.upperBound
        let firstPiece = payloads.pieces.count
        while position < end {
            let fieldStart = position
            let key = try input.readVarint(at: &position, end: end)
            let keyEnd = position
            let number = key >> 3
            guard number != 0 else {
                throw WireError(failure: .malformed("field number 0 in \(kind.protoName)"), offset: fieldStart)
            }
            guard let wireType = WireType(rawValue: key & 7) else {
                throw WireError(failure: .malformed("invalid wire type \(key & 7) in \(kind.protoName)"), offset: fieldStart)
            }
            var valueStart = keyEnd
            switch wireType {
            case .varint:
                _ = try input.readVarint(at: &position, end: end)
            case .fixed64:
                try skip(8, at: &position, end: end, kind: kind, fieldStart: fieldStart)
            case .fixed32:
                try skip(4, at: &position, end: end, kind: kind, fieldStart: fieldStart)
            case .lengthDelimited:
                let length = try input.readVarint(at: &position, end: end)
                guard length <= UInt64(end - position) else {
                    throw WireError(
                        failure: .truncated("field \(number) of \(kind.protoName) claims \(length) bytes, \(end - position) remain"),
                        offset: fieldStart)
                }
                valueStart = position
                position += Int(length)
            case .startGroup, .endGroup:
                throw WireError(failure: .malformed("group encoding in \(kind.protoName) (ONNX uses none)"), offset: fieldStart)
            }
            let valueRange = valueStart..<position

            if number == PayloadStripper.tokenField { continue }
            // A main graph split over two cores: each stripper skips the other's fields.
            if kind == .graph, depth == 2, share != .all, (kind.child(number) == .tensor) != (share == .initializers) { continue }
            if kind == .tensor, let field = PayloadField(rawValue: Int(number)) {
                try recordPayload(field, wireType, fieldStart: fieldStart, value: valueRange)
                continue
            }
            fields += 1
            guard fields <= DecodingLimits.maxFields else {
                throw WireError(failure: .tooMany(what: "fields", limit: DecodingLimits.maxFields), offset: fieldStart)
            }
            guard let child = kind.child(number) else {
                copy(fieldStart..<position)
                continue
            }
            guard wireType == .lengthDelimited else {
                throw WireError(
                    failure: .malformed("field \(number) of \(kind.protoName) should hold a message, has wire type \(wireType.rawValue)"),
                    offset: fieldStart)
            }
            guard depth < DecodingLimits.maxMessageDepth else {
                throw WireError(failure: .nestedTooDeep(limit: DecodingLimits.maxMessageDepth), offset: fieldStart)
            }
            if child == .leaf {
                fields += PayloadStripper.fieldCount(in: valueRange, of: input)
                guard fields <= DecodingLimits.maxFields else {
                    throw WireError(failure: .tooMany(what: "fields", limit: DecodingLimits.maxFields), offset: fieldStart)
                }
                copy(fieldStart..<position)
                continue
            }
            try count(child, at: fieldStart)
            if kind == .model, child == .graph { mainGraphs += 1 }
            if kind == .graph, depth == 2, child == .node || child == .tensor {
                // A node or initializer of the main graph: its message alone, aside.
                if child == .node, var nodes = aside {
                    aside = nil
                    defer { aside = nodes }
                    try setAside(child, valueRange, depth: depth, into: &nodes, fieldStart: fieldStart)
                    continue
                }
                if child == .tensor, var initializers = asideInitializers {
                    asideInitializers = nil
                    defer { asideInitializers = initializers }
                    try setAside(child, valueRange, depth: depth, into: &initializers, fieldStart: fieldStart)
                    continue
                }
            }
            flush()
            output.appendVarint(key)
            let lengthAt = output.count
            output.append(contentsOf: [0, 0, 0, 0, 0])
            let asideBefore = asideBytes
            if kind == .model, child == .graph, splits, mainGraphs == 1, asideInitializers != nil,
               valueRange.count >= PayloadStripper.splitBytes,
               PayloadStripper.fieldCount(in: valueRange, of: input, upTo: PayloadStripper.splitFields) == PayloadStripper.splitFields {
                try stripMainGraph(valueRange, fieldStart: fieldStart)
            } else {
                try message(child, valueRange, depth: depth + 1)
            }
            flush()
            let written = output.count - lengthAt - 5
            // The main graph's messages set aside count towards its size as they did in place.
            let size = written + asideBytes - asideBefore
            guard size < DecodingLimits.maxMetadataBytes else {
                throw WireError(failure: .metadataTooLarge(bytes: size), offset: fieldStart)
            }
            output.patchPaddedVarint(at: lengthAt, UInt64(written))
        }
        if kind == .tensor, payloads.pieces.count > firstPiece {
            flush()
            output.appendVarint(PayloadStripper.tokenKey)
            output.appendVarint(UInt64(payloads.spans.count) << 1 | (share == .initializers ? 1 : 0))
            payloads.spans.append(firstPiece..<payloads.pieces.count)
        }
    }

    /// A main graph of this many bytes or more, and of this many fields or more (a
    /// weight-heavy graph is large but has few: splitting would cost more than it saves),
    /// is stripped on two cores (``stripMainGraph``).
    private static let splitBytes = 1 << 20, splitFields = 4096

    /// True when the main graph was split over two cores and a half threw, or their counts
    /// together are over a limit: ``strip(_:)`` then runs the pass again on one core, which
    /// throws what the file meets first, at its place.
    private var splitFailed = false

    /// Strips the main graph in `range` on two cores: this stripper takes every field but the
    /// initializers, a second one the initializers alone (the pass's costliest messages),
    /// set aside as they would be here. Their payload pieces become this table's
    /// ``PayloadTable/second``, their tokens odd. Any failure, or counts over a limit only
    /// when added, leaves ``splitFailed`` set and throws (the pass on one core then throws
    /// the problem itself).
    private mutating func stripMainGraph(_ range: Range<Int>, fieldStart: Int) throws(WireError) {
        var second = PayloadStripper(input: input, setsAside: false, share: .initializers)
        second.asideInitializers = asideInitializers
        asideInitializers = nil
        share = .allButInitializers
        var failure: WireError?, secondFailure: WireError?
        ParallelWork.both({
            do throws(WireError) { try self.message(.graph, range, depth: 2) } catch { failure = error }
        }, {
            do throws(WireError) { try second.message(.graph, range, depth: 2) } catch { secondFailure = error }
        })
        share = .all
        second.flush()
        asideInitializers = second.asideInitializers
        fields += second.fields
        tensors += second.tensors
        estimatedMemory += second.estimatedMemory
        payloads.second = (second.payloads.pieces, second.payloads.spans)
        if let error = failure ?? secondFailure {
            splitFailed = true
            throw error
        }
        guard fields <= DecodingLimits.maxFields, tensors <= DecodingLimits.maxTensors else {
            splitFailed = true
            throw WireError(failure: .tooMany(what: "fields", limit: DecodingLimits.maxFields), offset: fieldStart)
        }
    }

    /// Writes the message of `kind` in `range` (a child of a message at `depth`) into `aside`
    /// instead of ``output``; or, when its copy would be its own bytes (every field copied
    /// whole, in order: a node without attributes, say), records where it lies in the file,
    /// so that a graph-heavy file's nodes are not copied at all.
    private mutating func setAside(_ kind: MessageKind, _ range: Range<Int>, depth: Int, into aside: inout AsideMessages,
                                   fieldStart: Int) throws(WireError) {
        flush()
        swap(&output, &aside.bytes)
        let start = output.count
        var unchanged = false
        defer {
            if unchanged {
                pending = 0..<0
                aside.append(inFile: range)
            } else {
                flush()
                aside.append(copied: start..<output.count)
            }
            swap(&output, &aside.bytes)
        }
        try message(kind, range, depth: depth + 1)
        // Nothing written and one copy pending of the whole message: its copy is itself.
        unchanged = output.count == start && !range.isEmpty && pending == range
        if !unchanged { flush() }
        let size = unchanged ? range.count : output.count - start
        guard size < DecodingLimits.maxMetadataBytes else {
            throw WireError(failure: .metadataTooLarge(bytes: size), offset: fieldStart)
        }
    }

    /// Copies `range` of the input to the output: joined to the pending copy when it starts
    /// where that one ends, else after writing that one out.
    private mutating func copy(_ range: Range<Int>) {
        if !pending.isEmpty, pending.upperBound == range.lowerBound {
            pending = pending.lowerBound..<range.upperBound
        } else {
            flush()
            pending = range
        }
    }

    /// Writes the pending copy to the output.
    private mutating func flush() {
        guard !pending.isEmpty else { return }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[pending]))
        pending = 0..<0
    }

    /// The bytes the messages set aside so far took in place.
    private var asideBytes: Int { (aside?.inPlaceBytes ?? 0) + (asideInitializers?.inPlaceBytes ?? 0) }

    /// Counts one more message of `kind`, against its limit.
    private mutating func count(_ kind: MessageKind, at offset: Int) throws(WireError) {
        func check(_ n: inout Int, _ limit: Int, _ what: String) throws(WireError) {
            n += 1
            guard n <= limit else { throw WireError(failure: .tooMany(what: what, limit: limit), offset: offset) }
        }
        estimatedMemory += MemoryBudget.cost(kind)
        switch kind {
        case .node: try check(&nodes, DecodingLimits.maxNodes, "nodes")
        case .tensor: try check(&tensors, DecodingLimits.maxTensors, "tensors")
        case .attribute: try check(&attributes, DecodingLimits.maxAttributes, "attributes")
        case .model, .graph, .sparseTensor, .valueInfo, .typeProto, .typeTensor, .typeElement, .typeMap, .tensorShape,
             .function, .trainingInfo, .tensorAnnotation, .nodeDeviceConfiguration, .shardingSpec, .shardedDim, .leaf:
            break
        }
    }

    /// The number of fields in a message the pre-pass copies whole, without descending
    /// into it; counting stops at the first malformed byte (protobuf-c then refuses it),
    /// or at `limit`.
    private static func fieldCount(in range: Range<Int>, of input: UnsafeRawBufferPointer, upTo limit: Int = .max) -> Int {
        var position = range.lowerBound
        var count = 0
        while position < range.upperBound, count < limit {
            guard let key = try? input.readVarint(at: &position, end: range.upperBound) else { break }
            count += 1
            let remaining = range.upperBound - position
            switch WireType(rawValue: key & 7) {
            case .varint?:
                guard (try? input.readVarint(at: &position, end: range.upperBound)) != nil else { return count }
            case .fixed64?:
                guard remaining >= 8 else { return count }
                position += 8
            case .fixed32?:
                guard remaining >= 4 else { return count }
                position += 4
            case .lengthDelimited?:
                guard let length = try? input.readVarint(at: &position, end: range.upperBound),
                      length <= UInt64(range.upperBound - position) else { return count }
                position += Int(length)
            case .startGroup?, .endGroup?, nil:
                return count
            }
        }
        return count
    }

    private func skip(_ count: Int, at position: inout Int, end: Int, kind: MessageKind, fieldStart: Int) throws(WireError) {
        guard end - position >= count else {
            throw WireError(failure: .truncated("fixed-width field of \(kind.protoName) runs past its end"), offset: fieldStart)
        }
        position += count
    }

    /// Records one occurrence of a payload field, merging runs of unpacked occurrences.
    private mutating func recordPayload(
        _ field: PayloadField, _ wireType: WireType, fieldStart: Int, value: Range<Int>
    ) throws(WireError) {
        let expected: WireType? = switch field {
        case .floatData: .fixed32
        case .doubleData: .fixed64
        case .int32Data, .int64Data, .uint64Data: .varint
        case .stringData, .rawData: nil
        }
        if wireType == .lengthDelimited {
            if field == .stringData {
                appendRepeated(field, run: fieldStart..<value.upperBound, content: value.count)
            } else {
                let encoding: PayloadPiece.Encoding = field == .rawData ? .bytes : .packed
                payloads.pieces.append(PayloadPiece(
                    field: field, encoding: encoding, range: value, occurrences: 1, contentBytes: value.count))
            }
        } else if wireType == expected {
            appendRepeated(field, run: fieldStart..<value.upperBound, content: value.count)
        } else {
            throw WireError(
                failure: .malformed("TensorProto.\(field.name) has wire type \(wireType.rawValue)"), offset: fieldStart)
        }
    }

    private mutating func appendRepeated(_ field: PayloadField, run: Range<Int>, content: Int) {
        if let last = payloads.pieces.last, last.field == field, last.encoding == .repeated,
           last.range.upperBound == run.lowerBound, payloads.pieces.count > (payloads.spans.last?.upperBound ?? 0) {
            payloads.pieces[payloads.pieces.count - 1].range = last.range.lowerBound..<run.upperBound
            payloads.pieces[payloads.pieces.count - 1].occurrences += 1
            payloads.pieces[payloads.pieces.count - 1].contentBytes += content
        } else {
            payloads.pieces.append(PayloadPiece(
                field: field, encoding: .repeated, range: run, occurrences: 1, contentBytes: content))
        }
    }
}

/// Which fields of the main graph one stripper takes when the graph is split over two cores.
private enum MainGraphShare {
    case all, allButInitializers, initializers
}
