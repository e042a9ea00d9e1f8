internal import COnnx
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The only Swift code that sees C: hands the payload-free metadata to protobuf-c,
/// converts the unpacked C structs into ``Model`` values, and frees them.
enum ProtobufCDecoder {
    /// Decodes the pre-pass output into a model; payload tokens are resolved against
    /// `stripped.payloads`. Main-graph messages the pre-pass left in the file are read from
    /// it; `doneReading` is called after the nodes and after the initializers are converted,
    /// so that the file's pages they were read from can leave memory again.
    static func decode(_ stripped: consuming StrippedModel, doneReading: () -> Void = {}) throws(DecodeFailure) -> Model {
        // The rest of the model (the main graph without the nodes and initializers set aside,
        // subgraphs, functions) unpacks into an arena too, let go at once after conversion.
        let arena = UnpackArena()
        let unpacked: UnsafeMutablePointer<Onnx__ModelProto>? = PhaseClock.measure(.protobufC) {
            stripped.metadata.withUnsafeBufferPointer { buffer in
                onnx__model_proto__unpack(arena.allocator, buffer.count, buffer.baseAddress)
            }
        }
        // protobuf-c copied what it keeps: the bytes are not needed any more.
        let metadataBytes = stripped.metadata.count
        stripped.metadata = []
        guard let unpacked else { throw .rejectedByProtobufC }
        defer { PhaseClock.measure(.free) { arena.reset() } }
        // Room for about one new name per node output and per initializer, and one per 128
        // bytes of the rest, so that the table seldom grows.
        let names = (stripped.mainNodes?.count ?? 0) * 5 / 4 + (stripped.mainInitializers?.count ?? 0)
        let converter = ProtobufCConverter(payloads: stripped.payloads, table: NameTable(capacity: names + metadataBytes / 128))
        return try PhaseClock.measure(.conversion) { () throws(DecodeFailure) in
            // The main graph's nodes and initializers first (a message protobuf-c refuses is
            // refused before any conversion error, as when the whole model was unpacked at
            // once); their own conversion errors are thrown in order when the graph is
            // converted. Each one's bytes are freed once converted.
            let mainNodes = try stripped.mainNodes.map { nodes throws(DecodeFailure) in try converter.convertAside(nodes) }
            stripped.mainNodes = nil
            doneReading()
            let initializers = try stripped.mainInitializers.map { t throws(DecodeFailure) in try converter.convertAside(initializers: t) }
            stripped.mainInitializers = nil
            doneReading()
            return try converter.model(unpacked.pointee, mainNodes: mainNodes, initializers: initializers)
        }
    }
}

/// Initializers converted ahead of their graph (``ProtobufCConverter/convertAside(initializers:)``).
struct ConvertedTensors {
    /// Their names' ids, in file order.
    var ids: [Int32] = []
    /// The tensors, in file order (after a failure, those from it on are placeholders: the
    /// graph then throws the failure instead).
    var tensors: [Tensor] = []
    /// The first failure in file order, thrown when the graph is converted.
    var failure: DecodeFailure?
}

/// Nodes converted ahead of their graph (``ProtobufCConverter/convertAside(_:)``).
struct ConvertedNodes {
    /// Their names' ids.
    var wiring: Wiring
    /// The nodes, in file order, up to the first that failed.
    var columns: FlatNodes.Builder
    /// The first failure in file order, thrown when the graph is converted.
    var failure: DecodeFailure?
}

/// Converts protobuf-c structs to Swift values, enforcing the rank and string-length
/// limits. Recursion follows the message tree, whose depth the pre-pass has already bounded.
struct ProtobufCConverter {
    let payloads: PayloadTable
    /// The model's value names; every graph and function body is wired to it as it is converted.
    let table: NameTable

    func model(_ m: Onnx__ModelProto, mainNodes: ConvertedNodes?, initializers: ConvertedTensors?) throws(DecodeFailure) -> Model {
        guard let graphPointer = m.graph else {
            throw .notAModel("no graph (ModelProto field 7 is missing)")
        }
        var trainingGraphs: [Graph] = []
        for info in list(m.training_info, m.n_training_info) {
            if let g = info.initialization { trainingGraphs.append(try graph(g.pointee)) }
            if let g = info.algorithm { trainingGraphs.append(try graph(g.pointee)) }
        }
        var model = Model(
            irVersion: m.has_ir_version != 0 ? m.ir_version : nil,
            opsetImports: try list(m.opset_import, m.n_opset_import).map(opset),
            producerName: try text(m.producer_name, "ModelProto.producer_name"),
            producerVersion: try text(m.producer_version, "ModelProto.producer_version"),
            domain: try name(m.domain, "ModelProto.domain"),
            modelVersion: m.has_model_version != 0 ? m.model_version : nil,
            docString: try text(m.doc_string, "ModelProto.doc_string"),
            metadataEntries: try list(m.metadata_props, m.n_metadata_props).map(entry),
            graph: try graph(graphPointer.pointee, converted: mainNodes, initializers: initializers),
            functions: try list(m.functions, m.n_functions).map(function),
            trainingGraphs: trainingGraphs
        )
        model.names.value = table
        return model
    }

    func graph(_ g: Onnx__GraphProto, converted: ConvertedNodes? = nil, initializers aside: ConvertedTensors? = nil) throws(DecodeFailure) -> Graph {
        let protos = pointers(g.node, g.n_node)
        var wiring = converted?.wiring ?? wire(protos)
        let inputs = list(g.input, g.n_input), initializers = pointers(g.initializer, g.n_initializer)
        let sparse = list(g.sparse_initializer, g.n_sparse_initializer)
        wiring.declared = inputs.map { id($0.name) } + (aside?.ids ?? initializers.map { id($0.pointee.name) })
            + sparse.map { s in id(s.values?.pointee.name) }
        let graphName = try name(g.name, "GraphProto.name")
        let nodes: NodeStore
        if let converted {
            if let failure = converted.failure { throw failure }
            nodes = NodeStore(converted.columns.finish(wiring: converted.wiring))
        } else {
            nodes = NodeStore(try self.nodes(protos, wiring))
        }
        let tensors: [Tensor]
        if let aside {
            if let failure = aside.failure { throw failure }
            tensors = aside.tensors
        } else {
            tensors = try self.tensors(initializers, ids: wiring.declared[inputs.count...])
        }
        var graph = Graph(
            name: graphName,
            initializers: tensors,
            sparseInitializers: try sparse.map(self.sparse),
            inputs: try inputs.map(valueInfo),
            outputs: try list(g.output, g.n_output).map(valueInfo),
            valueInfo: try list(g.value_info, g.n_value_info).map(valueInfo),
            docString: try text(g.doc_string, "GraphProto.doc_string")
        )
        graph.nodeStore = nodes
        graph.wiring.value = wiring
        return graph
    }

    /// The initializers `protos`, named `ids` in the table; on all cores for a long list
    /// (a tensor's conversion only reads the table). The first failure in order is thrown.
    private func tensors(_ protos: [UnsafeMutablePointer<Onnx__TensorProto>], ids: ArraySlice<Int32>) throws(DecodeFailure) -> [Tensor] {
        var tensors = [Tensor](repeating: ProtobufCConverter.placeholder, count: protos.count)
        if let failure = convert(protos, ids: ids, into: &tensors, at: 0) { throw failure }
        return tensors
    }

    /// Converts `protos` (named `ids` in the table) into `tensors[offset...]`, each tensor
    /// written into its slot (no copy of it is made); returns the first failure in order. A
    /// failed tensor's slot keeps ``placeholder``. With `ids`, a long list is converted on
    /// all cores; without, here, each name read from C (the table is not read).
    private func convert(_ protos: [UnsafeMutablePointer<Onnx__TensorProto>], ids: ArraySlice<Int32>?,
                         into tensors: inout [Tensor], at offset: Int) -> DecodeFailure? {
        var failures = [(at: Int, failure: DecodeFailure)?](repeating: nil, count: ParallelWork.chunkCount)
        tensors.withUnsafeMutableBufferPointer { slots in
            failures.withUnsafeMutableBufferPointer { failed in
                nonisolated(unsafe) let slots = slots, failed = failed
                func convert(_ piece: Int, _ part: Range<Int>) {
                    var shapes: RecentShapes? = RecentShapes()
                    for k in part {
                        do throws(DecodeFailure) {
                            let id = ids.map { $0[$0.startIndex + k] } ?? -2
                            slots[offset + k] = try tensor(protos[k].pointee, id: id, shapes: &shapes)
                        } catch {
                            failed[piece] = (k, error)
                            return
                        }
                    }
                }
                if ids != nil { ParallelWork.forEachChunk(protos.count, convert) } else { convert(0, protos.indices) }
            }
        }
        // Pieces are in order: the first piece that failed holds the first failure.
        return failures.lazy.compactMap { $0 }.first?.failure
    }

    /// The value in a tensor's slot before it is converted (never handed out).
    private static let placeholder = Tensor(name: "", dataType: .undefined, dims: [], payload: .none)

    /// `protos` as nodes whose value names are the table's strings (`wiring` holds their
    /// ids). Nodes without subgraphs are converted on all cores for a long list; nodes that
    /// hold subgraphs add the subgraphs' names to the table, so they are converted after,
    /// one by one. The first failure in file order is thrown.
    private func nodes(_ protos: [UnsafeMutablePointer<Onnx__NodeProto>], _ wiring: Wiring) throws(DecodeFailure) -> [Node] {
        try nodeResults(protos, wiring, from: 0).map { r throws(DecodeFailure) in try r.get() }
    }

    /// Each of `protos` converted, or its failure; `protos[k]` is node `offset + k` of `wiring`.
    private func nodeResults(_ protos: [UnsafeMutablePointer<Onnx__NodeProto>], _ wiring: Wiring, from offset: Int) -> [Result<Node, DecodeFailure>] {
        // `strings`: a snapshot of the table's names for the nodes converted concurrently;
        // dropped before the nested nodes add names (holding it would copy the table).
        func convert(_ k: Int, _ strings: [String]?) -> Result<Node, DecodeFailure> {
            Result { () throws(DecodeFailure) in try node(protos[k].pointee, wiring: wiring, strings: strings, at: offset + k) }
        }
        guard protos.count >= ParallelWork.minimum else { return protos.indices.map { k in convert(k, nil) } }
        let nested = protos.map { ProtobufCConverter.holdsGraphs($0.pointee) }
        var results: [Result<Node, DecodeFailure>] = []
        do {
            let strings = table.names
            // A nested node's slot is filled below; the placeholder is never returned.
            results = ParallelWork.map(Array(protos.indices)) { k in nested[k] ? .failure(.rejectedByProtobufC) : convert(k, strings) }
        }
        for k in protos.indices where nested[k] { results[k] = convert(k, nil) }
        return results
    }

    /// Each slice of `aside`'s messages unpacked on all cores and handed to `body` (with the
    /// messages' positions), then let go before the next, so that the C structs of only one
    /// slice exist at once. Each core unpacks into an arena of its own (``UnpackArena``),
    /// reset after the slice: no struct is freed one by one. A message protobuf-c refuses is
    /// thrown at once.
    private func eachSlice<Proto>(_ aside: AsideMessages,
                                  unpack: (UnsafeMutablePointer<ProtobufCAllocator>, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Proto>?,
                                  _ body: ([UnsafeMutablePointer<Proto>], Range<Int>) -> Void) throws(DecodeFailure) {
        let arenas = (0..<ParallelWork.chunkCount).map { _ in UnpackArena() }
        var start = 0
        while start < aside.count {
            let range = start..<min(start + ProtobufCConverter.sliceMessages, aside.count)
            start = range.upperBound
            var unpacked = [UnsafeMutablePointer<Proto>?](repeating: nil, count: range.count)
            PhaseClock.measure(.protobufC, within: .conversion) {
                aside.bytes.withUnsafeBufferPointer { buffer in
                    unpacked.withUnsafeMutableBufferPointer { out in
                        nonisolated(unsafe) let out = out
                        ParallelWork.forEachChunk(range.count) { piece, part in
                            for k in part {
                                let i = range.lowerBound + k
                                out[k] = unpack(arenas[piece].allocator, aside.ranges[i].count,
                                                aside.start(of: i, copies: buffer.baseAddress))
                            }
                        }
                    }
                }
            }
            defer { PhaseClock.measure(.free, within: .conversion) { for arena in arenas { arena.reset() } } }
            let protos = unpacked.compactMap { $0 }
            guard protos.count == unpacked.count else { throw .rejectedByProtobufC }
            body(protos, range)
        }
    }

    /// The nodes the pre-pass set aside, unpacked a slice at a time (``eachSlice``), wired
    /// and converted into flat columns. The first conversion failure is kept for the graph.
    func convertAside(_ aside: AsideMessages) throws(DecodeFailure) -> ConvertedNodes {
        var converted = ConvertedNodes(wiring: Wiring(table: table, nodes: aside.count),
                                       columns: FlatNodes.Builder(nodes: aside.count))
        try eachSlice(aside, unpack: { onnx__node_proto__unpack($0, $1, $2) }) { protos, range in
            // After a failure only protobuf-c's verdict on the rest can change the outcome.
            guard converted.failure == nil else { return }
            if protos.count >= ParallelWork.minimum, !protos.contains(where: { ProtobufCConverter.holdsGraphs($0.pointee) }) {
                converted.failure = wireAndAppend(protos, range, wiring: &converted.wiring, columns: &converted.columns)
            } else {
                wire(protos, into: &converted.wiring)
                converted.failure = appendInOrder(protos, range, wiring: converted.wiring, to: &converted.columns)
            }
        }
        return converted
    }

    /// Wires `protos` (nodes `range`) on one core while their columns are appended on
    /// another: the wiring writes the model's table, the columns their own labels, and no
    /// node of `protos` holds a graph (whose names would go into the table). Names over the
    /// limit are looked for after both; on any failure, the nodes are checked again in
    /// order, as ``appendInOrder(_:_:wiring:to:)`` checks them, so that the failure returned
    /// is the first in file order whatever the cores did.
    private func wireAndAppend(_ protos: [UnsafeMutablePointer<Onnx__NodeProto>], _ range: Range<Int>,
                               wiring: inout Wiring, columns: inout FlatNodes.Builder) -> DecodeFailure? {
        var long = false
        var failed = false
        ParallelWork.both({
            long = wire(protos, into: &wiring)
        }, {
            failed = appendInOrder(protos, range, wiring: nil, to: &columns) != nil
        })
        guard long || failed else { return nil }
        var scratch = FlatNodes.Builder(nodes: 0)
        return appendInOrder(protos, range, wiring: wiring, to: &scratch)
    }

    /// Appends `protos` (nodes `range` of `wiring`) to `columns` in order, up to the first
    /// that fails; returns that failure. Without `wiring`, names over the limit are not
    /// looked for (see ``append(_:at:wiring:to:)``).
    private func appendInOrder(_ protos: [UnsafeMutablePointer<Onnx__NodeProto>], _ range: Range<Int>, wiring: Wiring?,
                               to columns: inout FlatNodes.Builder) -> DecodeFailure? {
        for (k, p) in zip(range, protos) {
            do throws(DecodeFailure) {
                try append(p.pointee, at: k, wiring: wiring, to: &columns)
            } catch {
                return error
            }
        }
        return nil
    }

    /// The initializers the pre-pass set aside, unpacked a slice at a time (``eachSlice``),
    /// their names interned, and converted. A long slice's names are interned on one core
    /// while its tensors are converted on the other, named from C with the checks and
    /// strings the table would give (so that the conversion does not read the table being
    /// written). The first conversion failure is kept for the graph.
    func convertAside(initializers aside: AsideMessages) throws(DecodeFailure) -> ConvertedTensors {
        var converted = ConvertedTensors()
        converted.ids.reserveCapacity(aside.count)
        // Every slot made at once; each slice's tensors are written into theirs.
        converted.tensors = [Tensor](repeating: ProtobufCConverter.placeholder, count: aside.count)
        try eachSlice(aside, unpack: { onnx__tensor_proto__unpack($0, $1, $2) }) { protos, range in
            guard converted.failure == nil else { return }
            var ids: [Int32] = []
            if protos.count >= ParallelWork.minimum {
                ParallelWork.both({
                    ids = self.ids(protos.map { $0.pointee.name })
                }, {
                    converted.failure = convert(protos, ids: nil, into: &converted.tensors, at: range.lowerBound)
                })
            } else {
                ids = self.ids(protos.map { $0.pointee.name })
                converted.failure = convert(protos, ids: ids[...], into: &converted.tensors, at: range.lowerBound)
            }
            converted.ids += ids
        }
        return converted
    }

    /// Appends node `n` (node `k` of `wiring`) to `columns`, with the checks and in the order
    /// of ``node(_:wiring:strings:at:)``; without `wiring`, its input and output names over
    /// the limit are left for the caller to find.
    private func append(_ n: Onnx__NodeProto, at k: Int, wiring: Wiring?, to columns: inout FlatNodes.Builder) throws(DecodeFailure) {
        let name = try bytes(n.name, "NodeProto.name")
        let opType = columns.label(try bytes(n.op_type, "NodeProto.op_type"))
        let domain = columns.label(try bytes(n.domain, "NodeProto.domain"))
        let overload = columns.label(try bytes(n.overload, "NodeProto.overload"))
        // A name over the limit has id -2; its own conversion throws the error.
        if let wiring {
            if wiring.inputs(of: k).contains(-2) { _ = try names(n.input, n.n_input, "NodeProto.input") }
            if wiring.outputs(of: k).contains(-2) { _ = try names(n.output, n.n_output, "NodeProto.output") }
        }
        // (Most nodes have neither: no list, no closure.)
        let attributes = n.n_attribute == 0 ? []
            : try list(n.attribute, n.n_attribute).map { a throws(DecodeFailure) in try attribute(a) }
        let metadata = n.n_metadata_props == 0 ? []
            : try list(n.metadata_props, n.n_metadata_props).map { e throws(DecodeFailure) in try entry(e) }
        columns.append(name: name, opType: opType, domain: domain, overload: overload,
                       attributes: attributes, metadata: metadata)
    }

    /// Messages per slice of ``eachSlice(_:unpack:_:)``: enough for all cores, few enough to be small.
    private static let sliceMessages = 2 * ParallelWork.minimum

    /// True when an attribute of `n` holds a graph.
    private static func holdsGraphs(_ n: Onnx__NodeProto) -> Bool {
        UnsafeBufferPointer(start: n.attribute, count: n.n_attribute).contains { a in
            guard let a = a?.pointee else { return false }
            return a.g != nil || a.n_graphs > 0
        }
    }

    /// The ids of every node's inputs and outputs, in node order (-2 for a name over the
    /// length limit: its node's conversion throws the error).
    private func wire(_ protos: [UnsafeMutablePointer<Onnx__NodeProto>]) -> Wiring {
        var wiring = Wiring(table: table, nodes: protos.count)
        wire(protos, into: &wiring)
        return wiring
    }

    /// Appends `protos`' ids to `wiring`; true when a name was over the length limit (id -2).
    @discardableResult
    private func wire(_ protos: [UnsafeMutablePointer<Onnx__NodeProto>], into wiring: inout Wiring) -> Bool {
        // Every name of the slice in order (each node's inputs, then its outputs), interned
        // together so that the table's cache misses overlap (``ids(_:)``).
        var names: [UnsafeMutablePointer<CChar>?] = []
        names.reserveCapacity(4 * protos.count)
        for p in protos {
            let (inputs, outputs) = ProtobufCConverter.nameCounts(p)
            names.append(contentsOf: UnsafeBufferPointer(start: p.pointee.input, count: inputs))
            names.append(contentsOf: UnsafeBufferPointer(start: p.pointee.output, count: outputs))
        }
        let ids = self.ids(names)
        var k = 0
        for p in protos {
            let (inputs, outputs) = ProtobufCConverter.nameCounts(p)
            wiring.appendNode(inputs: ids[k..<(k + inputs)], outputs: ids[(k + inputs)..<(k + inputs + outputs)])
            k += inputs + outputs
        }
        return ids.contains(-2)
    }

    /// How many input and output names node `p` lists (none for an absent list).
    private static func nameCounts(_ p: UnsafeMutablePointer<Onnx__NodeProto>) -> (inputs: Int, outputs: Int) {
        (p.pointee.input != nil ? p.pointee.n_input : 0, p.pointee.output != nil ? p.pointee.n_output : 0)
    }

    /// The table ids of C names, in order, as ``id(_:)`` gives them one by one (new names
    /// take their ids in this order); a batch of names at a time has its table slots read
    /// first, so that their cache misses overlap rather than follow one another.
    func ids(_ names: [UnsafeMutablePointer<CChar>?]) -> [Int32] {
        let batch = 32
        return [Int32](unsafeUninitializedCapacity: names.count) { ids, written in
            // Per name of a batch: its bytes and hash, or (no base address) a name
            // ``asciiName(_:)`` does not take, given its id by ``otherID(_:)``.
            withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: batch) { bytes in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batch) { hashes in
                    var start = 0
                    while start < names.count {
                        let end = min(start + batch, names.count)
                        var hashed = 0
                        for k in start..<end {
                            guard let utf8 = ProtobufCConverter.asciiName(names[k]) else {
                                bytes[k - start] = UnsafeRawBufferPointer(start: nil, count: 0)
                                continue
                            }
                            bytes[k - start] = utf8
                            hashes[hashed] = table.hash(utf8)
                            hashed += 1
                        }
                        table.touch(UnsafeBufferPointer(rebasing: hashes[..<hashed]))
                        var h = 0
                        for k in start..<end {
                            let utf8 = bytes[k - start]
                            if utf8.baseAddress != nil {
                                ids[k] = table.intern(utf8, hash: hashes[h])
                                h += 1
                            } else {
                                ids[k] = otherID(names[k])
                            }
                        }
                        start = end
                    }
                }
            }
            written = names.count
        }
    }

    /// The bytes of a C name that is ASCII, not empty and within the length limit; nil for
    /// any other (``otherID(_:)`` tells which).
    private static func asciiName(_ p: UnsafeMutablePointer<CChar>?) -> UnsafeRawBufferPointer? {
        guard let p else { return nil }
        let length = strnlen(p, DecodingLimits.maxNameBytes + 1)
        guard length > 0, length <= DecodingLimits.maxNameBytes else { return nil }
        let utf8 = UnsafeRawBufferPointer(start: p, count: length)
        return isASCII(utf8) ? utf8 : nil
    }

    /// The table id of a C name: -1 when empty, -2 when over the length limit.
    func id(_ p: UnsafeMutablePointer<CChar>?) -> Int32 {
        ProtobufCConverter.asciiName(p).map { table.intern($0) } ?? otherID(p)
    }

    /// The id of a name ``asciiName(_:)`` does not take: -1 when absent or empty, -2 when
    /// over the length limit; else, not being ASCII, the id of the string it decodes to
    /// (invalid UTF-8 is repaired as U+FFFD, and two names that repair alike are one name,
    /// as their strings are).
    private func otherID(_ p: UnsafeMutablePointer<CChar>?) -> Int32 {
        guard let p else { return -1 }
        let length = strnlen(p, DecodingLimits.maxNameBytes + 1)
        if length == 0 { return -1 }
        guard length <= DecodingLimits.maxNameBytes else { return -2 }
        return table.intern(String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self))
    }

    /// True when every byte is below 0x80.
    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var k = 0
        var high: UInt64 = 0
        while k + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            k += 8
        }
        while k < bytes.count {
            high |= UInt64(bytes[k])
            k += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    func node(_ n: Onnx__NodeProto, wiring: Wiring, strings: [String]?, at k: Int) throws(DecodeFailure) -> Node {
        Node(
            name: try name(n.name, "NodeProto.name"),
            opType: try name(n.op_type, "NodeProto.op_type"),
            domain: try name(n.domain, "NodeProto.domain"),
            overload: try name(n.overload, "NodeProto.overload"),
            inputs: try names(n.input, n.n_input, "NodeProto.input", ids: wiring.inputs(of: k), strings: strings),
            outputs: try names(n.output, n.n_output, "NodeProto.output", ids: wiring.outputs(of: k), strings: strings),
            attributes: try list(n.attribute, n.n_attribute).map(attribute),
            metadata: try list(n.metadata_props, n.n_metadata_props).map(entry)
        )
    }

    func function(_ f: Onnx__FunctionProto) throws(DecodeFailure) -> Function {
        let protos = pointers(f.node, f.n_node)
        var wiring = wire(protos)
        wiring.declared = UnsafeBufferPointer(start: f.input, count: f.n_input).map(id)
        var function = Function(
            name: try name(f.name, "FunctionProto.name"),
            domain: try name(f.domain, "FunctionProto.domain"),
            overload: try name(f.overload, "FunctionProto.overload"),
            inputs: try names(f.input, f.n_input, "FunctionProto.input"),
            outputs: try names(f.output, f.n_output, "FunctionProto.output"),
            attributeNames: try names(f.attribute, f.n_attribute, "FunctionProto.attribute"),
            attributeDefaults: try list(f.attribute_proto, f.n_attribute_proto).map(attribute),
            nodes: try nodes(protos, wiring),
            opsetImports: try list(f.opset_import, f.n_opset_import).map(opset)
        )
        function.wiring.value = wiring
        return function
    }
}
