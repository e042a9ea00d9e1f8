private import COnnx

/// The only Swift code that sees C: hands the payload-free metadata to protobuf-c,
/// converts the unpacked C structs into ``Model`` values, and frees them.
enum ProtobufCDecoder {
    /// Decodes the pre-pass output into a model; payload tokens are resolved against
    /// `stripped.payloads`.
    static func decode(_ stripped: StrippedModel) throws(DecodeFailure) -> Model {
        let unpacked: UnsafeMutablePointer<Onnx__ModelProto>? = stripped.metadata.withUnsafeBufferPointer { buffer in
            onnx__model_proto__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else { throw .rejectedByProtobufC }
        defer { onnx__model_proto__free_unpacked(unpacked, nil) }
        let converter = Converter(payloads: stripped.payloads)
        return try converter.model(unpacked.pointee)
    }
}

/// Converts protobuf-c structs to Swift values. Recursion follows the message tree,
/// whose depth the pre-pass has already bounded.
private struct Converter {
    let payloads: PayloadTable

    func model(_ m: Onnx__ModelProto) throws(DecodeFailure) -> Model {
        guard let graphPointer = m.graph else {
            throw .notAModel("no graph (ModelProto field 7 is missing)")
        }
        var trainingGraphs: [Graph] = []
        for info in list(m.training_info, m.n_training_info) {
            if let g = info.initialization { trainingGraphs.append(graph(g.pointee)) }
            if let g = info.algorithm { trainingGraphs.append(graph(g.pointee)) }
        }
        return Model(
            irVersion: m.has_ir_version != 0 ? m.ir_version : nil,
            opsetImports: list(m.opset_import, m.n_opset_import).map(opset),
            producerName: string(m.producer_name),
            producerVersion: string(m.producer_version),
            domain: string(m.domain),
            modelVersion: m.has_model_version != 0 ? m.model_version : nil,
            docString: string(m.doc_string),
            metadataEntries: list(m.metadata_props, m.n_metadata_props).map(entry),
            graph: graph(graphPointer.pointee),
            functions: list(m.functions, m.n_functions).map(function),
            trainingGraphs: trainingGraphs
        )
    }

    func graph(_ g: Onnx__GraphProto) -> Graph {
        Graph(
            name: string(g.name),
            nodes: list(g.node, g.n_node).map(node),
            initializers: list(g.initializer, g.n_initializer).map(tensor),
            sparseInitializers: list(g.sparse_initializer, g.n_sparse_initializer).map(sparse),
            inputs: list(g.input, g.n_input).map(valueInfo),
            outputs: list(g.output, g.n_output).map(valueInfo),
            valueInfo: list(g.value_info, g.n_value_info).map(valueInfo),
            docString: string(g.doc_string)
        )
    }

    func node(_ n: Onnx__NodeProto) -> Node {
        Node(
            name: string(n.name),
            opType: string(n.op_type),
            domain: string(n.domain),
            overload: string(n.overload),
            inputs: strings(n.input, n.n_input),
            outputs: strings(n.output, n.n_output),
            attributes: list(n.attribute, n.n_attribute).map(attribute),
            metadata: list(n.metadata_props, n.n_metadata_props).map(entry)
        )
    }

    func function(_ f: Onnx__FunctionProto) -> Function {
        Function(
            name: string(f.name),
            domain: string(f.domain),
            overload: string(f.overload),
            inputs: strings(f.input, f.n_input),
            outputs: strings(f.output, f.n_output),
            attributeNames: strings(f.attribute, f.n_attribute),
            attributeDefaults: list(f.attribute_proto, f.n_attribute_proto).map(attribute),
            nodes: list(f.node, f.n_node).map(node),
            opsetImports: list(f.opset_import, f.n_opset_import).map(opset)
        )
    }

    func attribute(_ a: Onnx__AttributeProto) -> Attribute {
        let name = string(a.name)
        if let reference = a.ref_attr_name {
            return Attribute(name: name, value: .reference(String(cString: reference)))
        }
        let type: Int = a.has_type != 0 ? Int(a.type.rawValue) : inferredType(a)
        let value: AttributeValue
        switch type {
        case 1: value = .float(a.f)
        case 2: value = .int(a.i)
        case 3: value = .string(bytes(a.s))
        case 4: value = a.t.map { .tensor(tensor($0.pointee)) } ?? .undefined
        case 5: value = a.g.map { .graph(graph($0.pointee)) } ?? .undefined
        case 6: value = .floats(Array(UnsafeBufferPointer(start: a.floats, count: a.n_floats)))
        case 7: value = .ints(Array(UnsafeBufferPointer(start: a.ints, count: a.n_ints)))
        case 8: value = .strings(UnsafeBufferPointer(start: a.strings, count: a.n_strings).map(bytes))
        case 9: value = .tensors(list(a.tensors, a.n_tensors).map(tensor))
        case 10: value = .graphs(list(a.graphs, a.n_graphs).map(graph))
        case 11: value = a.sparse_tensor.map { .sparseTensor(sparse($0.pointee)) } ?? .undefined
        case 12: value = .sparseTensors(list(a.sparse_tensors, a.n_sparse_tensors).map(sparse))
        case 13: value = a.tp.map { .type(typeInfo($0.pointee)) } ?? .undefined
        case 14: value = .types(list(a.type_protos, a.n_type_protos).map(typeInfo))
        default: value = .undefined
        }
        return Attribute(name: name, value: value)
    }

    /// Files from before IR 2 may leave `type` out; the set field then says it.
    private func inferredType(_ a: Onnx__AttributeProto) -> Int {
        if a.has_f != 0 { return 1 }
        if a.has_i != 0 { return 2 }
        if a.has_s != 0 { return 3 }
        if a.t != nil { return 4 }
        if a.g != nil { return 5 }
        if a.sparse_tensor != nil { return 11 }
        if a.tp != nil { return 13 }
        if a.n_floats > 0 { return 6 }
        if a.n_ints > 0 { return 7 }
        if a.n_strings > 0 { return 8 }
        if a.n_tensors > 0 { return 9 }
        if a.n_graphs > 0 { return 10 }
        if a.n_sparse_tensors > 0 { return 12 }
        if a.n_type_protos > 0 { return 14 }
        return 0
    }

    func tensor(_ t: Onnx__TensorProto) -> Tensor {
        let payload: TensorPayload
        if t.has_data_location != 0, t.data_location.rawValue == 1 {
            payload = .external(external(list(t.external_data, t.n_external_data).map(entry)))
        } else if let token = payloadToken(t.base), let inline = payloads.payload(token: token) {
            payload = .inline(inline)
        } else {
            payload = .none
        }
        return Tensor(
            name: string(t.name),
            dataType: DataType(code: t.has_data_type != 0 ? t.data_type : 0),
            dims: Array(UnsafeBufferPointer(start: t.dims, count: t.n_dims)),
            payload: payload,
            docString: string(t.doc_string),
            segment: t.segment.map {
                Tensor.Segment(begin: $0.pointee.has_begin != 0 ? $0.pointee.begin : 0,
                               end: $0.pointee.has_end != 0 ? $0.pointee.end : 0)
            }
        )
    }

    func sparse(_ s: Onnx__SparseTensorProto) -> SparseTensor {
        let empty = Tensor(name: "", dataType: .undefined, dims: [], payload: .none)
        return SparseTensor(
            values: s.values.map { tensor($0.pointee) } ?? empty,
            indices: s.indices.map { tensor($0.pointee) } ?? empty,
            dims: Array(UnsafeBufferPointer(start: s.dims, count: s.n_dims))
        )
    }

    private func external(_ entries: [MetadataEntry]) -> ExternalDataReference {
        var reference = ExternalDataReference(location: nil, offset: nil, length: nil, checksum: nil, otherKeys: [])
        for e in entries {
            switch e.key {
            case "location": reference.location = e.value
            case "offset": reference.offset = e.value
            case "length": reference.length = e.value
            case "checksum": reference.checksum = e.value
            default: reference.otherKeys.append(e.key)
            }
        }
        return reference
    }

    /// The payload token the pre-pass appended to this tensor, if any.
    private func payloadToken(_ base: ProtobufCMessage) -> UInt64? {
        for field in UnsafeBufferPointer(start: base.unknown_fields, count: Int(base.n_unknown_fields)) {
            guard UInt64(field.tag) == PayloadStripper.tokenField, field.wire_type.rawValue == 0,
                  let data = field.data else { continue }
            let raw = UnsafeRawBufferPointer(start: data, count: field.len)
            var position = 0
            return try? raw.readVarint(at: &position, end: raw.count)
        }
        return nil
    }

    func valueInfo(_ v: Onnx__ValueInfoProto) -> ValueInfo {
        ValueInfo(name: string(v.name), type: v.type.map { typeInfo($0.pointee) })
    }

    func typeInfo(_ t: Onnx__TypeProto) -> TypeInfo {
        switch t.value_case.rawValue {
        case 1:
            guard let tt = t.tensor_type?.pointee else { return .unspecified }
            return .tensor(elementType: DataType(code: tt.has_elem_type != 0 ? tt.elem_type : 0),
                           shape: tt.shape.map { shape($0.pointee) })
        case 8:
            guard let st = t.sparse_tensor_type?.pointee else { return .unspecified }
            return .sparseTensor(elementType: DataType(code: st.has_elem_type != 0 ? st.elem_type : 0),
                                 shape: st.shape.map { shape($0.pointee) })
        case 4:
            return .sequence(t.sequence_type?.pointee.elem_type.map { typeInfo($0.pointee) })
        case 9:
            return .optional(t.optional_type?.pointee.elem_type.map { typeInfo($0.pointee) })
        case 5:
            guard let mt = t.map_type?.pointee else { return .unspecified }
            return .map(key: DataType(code: mt.has_key_type != 0 ? mt.key_type : 0),
                        value: mt.value_type.map { typeInfo($0.pointee) })
        case 7:
            guard let ot = t.opaque_type?.pointee else { return .unspecified }
            return .opaque(domain: string(ot.domain), name: string(ot.name))
        default:
            return .unspecified
        }
    }

    func shape(_ s: Onnx__TensorShapeProto) -> [Dimension] {
        list(s.dim, s.n_dim).map { d in
            switch d.value_case.rawValue {
            case 1: .value(d.dim_value)
            case 2: d.dim_param.map { .symbol(String(cString: $0)) } ?? .unknown
            default: .unknown
            }
        }
    }

    func opset(_ o: Onnx__OperatorSetIdProto) -> OperatorSetID {
        OperatorSetID(domain: string(o.domain), version: o.has_version != 0 ? o.version : 0)
    }

    func entry(_ e: Onnx__StringStringEntryProto) -> MetadataEntry {
        MetadataEntry(key: string(e.key), value: string(e.value))
    }

    // MARK: C helpers

    private func string(_ p: UnsafeMutablePointer<CChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }

    private func strings(_ p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ n: Int) -> [String] {
        UnsafeBufferPointer(start: p, count: n).map(string)
    }

    private func bytes(_ b: ProtobufCBinaryData) -> [UInt8] {
        Array(UnsafeBufferPointer(start: b.data, count: b.len))
    }

    /// The pointees of a protobuf-c repeated message field.
    private func list<T>(_ p: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, _ n: Int) -> [T] {
        UnsafeBufferPointer(start: p, count: n).compactMap { $0?.pointee }
    }
}
