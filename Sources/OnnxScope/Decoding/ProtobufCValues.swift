internal import COnnx
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The conversion of protobuf-c's structs below a graph (attributes, tensors, types,
/// shapes, entries) into values, with the rank and string-length limits, and the helpers
/// that read C strings and repeated fields.
extension ProtobufCConverter {
    func attribute(_ a: Onnx__AttributeProto) throws(DecodeFailure) -> Attribute {
        let name = try name(a.name, "AttributeProto.name")
        if let reference = a.ref_attr_name {
            return Attribute(name: name, value: .reference(try self.name(reference, "AttributeProto.ref_attr_name")))
        }
        let type: Int = a.has_type != 0 ? Int(a.type.rawValue) : inferredType(a)
        let value: AttributeValue
        switch type {
        case 1: value = .float(a.f)
        case 2: value = .int(a.i)
        case 3: value = .string(bytes(a.s))
        case 4: value = try a.t.map { p throws(DecodeFailure) in .tensor(try tensor(p.pointee)) } ?? .undefined
        case 5: value = try a.g.map { p throws(DecodeFailure) in .graph(try graph(p.pointee)) } ?? .undefined
        case 6: value = .floats(Array(UnsafeBufferPointer(start: a.floats, count: a.n_floats)))
        case 7: value = .ints(Array(UnsafeBufferPointer(start: a.ints, count: a.n_ints)))
        case 8: value = .strings(UnsafeBufferPointer(start: a.strings, count: a.n_strings).map(bytes))
        case 9: value = .tensors(try list(a.tensors, a.n_tensors).map { t throws(DecodeFailure) in try tensor(t) })
        case 10: value = .graphs(try list(a.graphs, a.n_graphs).map { g throws(DecodeFailure) in try graph(g) })
        case 11: value = try a.sparse_tensor.map { p throws(DecodeFailure) in .sparseTensor(try sparse(p.pointee)) } ?? .undefined
        case 12: value = .sparseTensors(try list(a.sparse_tensors, a.n_sparse_tensors).map(sparse))
        case 13: value = try a.tp.map { p throws(DecodeFailure) in .type(try typeInfo(p.pointee)) } ?? .undefined
        case 14: value = .types(try list(a.type_protos, a.n_type_protos).map(typeInfo))
        default: value = .undefined
        }
        return Attribute(name: name, value: value)
    }

    /// Files from before IR 2 may leave `type` out; the set field then says it.
    func inferredType(_ a: Onnx__AttributeProto) -> Int {
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

    /// The tensor; `id` is its name's id when the table holds it (an initializer's), so the
    /// name is spelled from the table's bytes, already checked, not read from C again.
    func tensor(_ t: Onnx__TensorProto, id: Int32 = -2) throws(DecodeFailure) -> Tensor {
        var shapes: RecentShapes?
        return try tensor(t, id: id, shapes: &shapes)
    }

    /// The tensor, its `dims` one of `shapes` when equal (see ``RecentShapes``).
    func tensor(_ t: Onnx__TensorProto, id: Int32, shapes: inout RecentShapes?) throws(DecodeFailure) -> Tensor {
        let tensorName = id >= 0 ? table.name(id) : try name(t.name, "TensorProto.name")
        try checkRank(t.n_dims, "tensor '\(tensorName)'")
        let payload: TensorPayload
        if t.has_data_location != 0, t.data_location.rawValue == 1 {
            payload = .external(external(try list(t.external_data, t.n_external_data).map(entry)))
        } else if let token = payloadToken(t.base), let inline = payloads.payload(token: token) {
            payload = .inline(inline)
        } else {
            payload = .none
        }
        return Tensor(
            name: tensorName,
            dataType: DataType(code: t.has_data_type != 0 ? t.data_type : 0),
            dims: shapes?.shape(UnsafeBufferPointer(start: t.dims, count: t.n_dims))
                ?? Array(UnsafeBufferPointer(start: t.dims, count: t.n_dims)),
            payload: payload,
            docString: try text(t.doc_string, "TensorProto.doc_string"),
            segment: t.segment.map {
                Tensor.Segment(begin: $0.pointee.has_begin != 0 ? $0.pointee.begin : 0,
                               end: $0.pointee.has_end != 0 ? $0.pointee.end : 0)
            }
        )
    }

    func sparse(_ s: Onnx__SparseTensorProto) throws(DecodeFailure) -> SparseTensor {
        let empty = Tensor(name: "", dataType: .undefined, dims: [], payload: .none)
        try checkRank(s.n_dims, "sparse tensor")
        return SparseTensor(
            values: try s.values.map { p throws(DecodeFailure) in try tensor(p.pointee) } ?? empty,
            indices: try s.indices.map { p throws(DecodeFailure) in try tensor(p.pointee) } ?? empty,
            dims: Array(UnsafeBufferPointer(start: s.dims, count: s.n_dims))
        )
    }

    func external(_ entries: [MetadataEntry]) -> ExternalDataReference {
        var reference = ExternalDataReference(location: nil, offset: nil, length: nil, checksum: nil, otherKeys: [])
        var seen: Set<String> = []
        for e in entries {
            if ["location", "offset", "length", "checksum"].contains(e.key), !seen.insert(e.key).inserted {
                reference.repeatedKeys.append(e.key)
            }
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
    func payloadToken(_ base: ProtobufCMessage) -> UInt64? {
        for field in UnsafeBufferPointer(start: base.unknown_fields, count: Int(base.n_unknown_fields)) {
            guard UInt64(field.tag) == PayloadStripper.tokenField, field.wire_type.rawValue == 0,
                  let data = field.data else { continue }
            let raw = UnsafeRawBufferPointer(start: data, count: field.len)
            var position = 0
            return try? raw.readVarint(at: &position, end: raw.count)
        }
        return nil
    }

    func valueInfo(_ v: Onnx__ValueInfoProto) throws(DecodeFailure) -> ValueInfo {
        ValueInfo(name: try name(v.name, "ValueInfoProto.name"),
                  type: try v.type.map { p throws(DecodeFailure) in try typeInfo(p.pointee) })
    }

    func typeInfo(_ t: Onnx__TypeProto) throws(DecodeFailure) -> TypeInfo {
        switch t.value_case.rawValue {
        case 1:
            guard let tt = t.tensor_type?.pointee else { return .unspecified }
            return .tensor(elementType: DataType(code: tt.has_elem_type != 0 ? tt.elem_type : 0),
                           shape: try tt.shape.map { p throws(DecodeFailure) in try shape(p.pointee) })
        case 8:
            guard let st = t.sparse_tensor_type?.pointee else { return .unspecified }
            return .sparseTensor(elementType: DataType(code: st.has_elem_type != 0 ? st.elem_type : 0),
                                 shape: try st.shape.map { p throws(DecodeFailure) in try shape(p.pointee) })
        case 4:
            return .sequence(try t.sequence_type?.pointee.elem_type.map { p throws(DecodeFailure) in try typeInfo(p.pointee) })
        case 9:
            return .optional(try t.optional_type?.pointee.elem_type.map { p throws(DecodeFailure) in try typeInfo(p.pointee) })
        case 5:
            guard let mt = t.map_type?.pointee else { return .unspecified }
            return .map(key: DataType(code: mt.has_key_type != 0 ? mt.key_type : 0),
                        value: try mt.value_type.map { p throws(DecodeFailure) in try typeInfo(p.pointee) })
        case 7:
            guard let ot = t.opaque_type?.pointee else { return .unspecified }
            return .opaque(domain: try name(ot.domain, "TypeProto.Opaque.domain"), name: try name(ot.name, "TypeProto.Opaque.name"))
        default:
            return .unspecified
        }
    }

    func shape(_ s: Onnx__TensorShapeProto) throws(DecodeFailure) -> [Dimension] {
        try checkRank(s.n_dim, "declared shape")
        return try list(s.dim, s.n_dim).map { d throws(DecodeFailure) in
            switch d.value_case.rawValue {
            case 1: return .value(d.dim_value)
            case 2: return try d.dim_param.map { p throws(DecodeFailure) in .symbol(try name(p, "TensorShapeProto.Dimension.dim_param")) } ?? .unknown
            default: return .unknown
            }
        }
    }

    func opset(_ o: Onnx__OperatorSetIdProto) throws(DecodeFailure) -> OperatorSetID {
        OperatorSetID(domain: try name(o.domain, "OperatorSetIdProto.domain"), version: o.has_version != 0 ? o.version : 0)
    }

    func entry(_ e: Onnx__StringStringEntryProto) throws(DecodeFailure) -> MetadataEntry {
        MetadataEntry(key: try name(e.key, "StringStringEntryProto.key"), value: try text(e.value, "StringStringEntryProto.value"))
    }

    // MARK: limits

    /// (`what` is made only for the error: most tensors are named in it, and most pass.)
    func checkRank(_ rank: Int, _ what: @autoclosure () -> String) throws(DecodeFailure) {
        guard rank <= DecodingLimits.maxTensorRank else {
            throw .rankTooHigh(what: what(), rank: rank, limit: DecodingLimits.maxTensorRank)
        }
    }

    // MARK: C helpers

    /// A name (identifier-like string), at most ``DecodingLimits/maxNameBytes`` long.
    func name(_ p: UnsafeMutablePointer<CChar>?, _ field: String) throws(DecodeFailure) -> String {
        try string(p, field, limit: DecodingLimits.maxNameBytes)
    }

    /// Other text, at most ``DecodingLimits/maxTextBytes`` long.
    func text(_ p: UnsafeMutablePointer<CChar>?, _ field: String) throws(DecodeFailure) -> String {
        try string(p, field, limit: DecodingLimits.maxTextBytes)
    }

    /// The C string as Swift text (invalid UTF-8 repaired with U+FFFD), or the limit error.
    func string(_ p: UnsafeMutablePointer<CChar>?, _ field: String, limit: Int) throws(DecodeFailure) -> String {
        guard let p else { return "" }
        let length = strnlen(p, limit + 1)
        guard length <= limit else { throw .stringTooLong(field: field, bytes: strlen(p), limit: limit) }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self)
    }

    /// The C string's bytes (empty for none), or the limit error of a name.
    func bytes(_ p: UnsafeMutablePointer<CChar>?, _ field: String) throws(DecodeFailure) -> UnsafeRawBufferPointer {
        guard let p else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let length = strnlen(p, DecodingLimits.maxNameBytes + 1)
        guard length <= DecodingLimits.maxNameBytes else {
            throw .stringTooLong(field: field, bytes: strlen(p), limit: DecodingLimits.maxNameBytes)
        }
        return UnsafeRawBufferPointer(start: p, count: length)
    }

    /// The names of a repeated string field; with `ids` (the same names in the table, none
    /// over the limit), the table's strings, so a name's occurrences share one string.
    func names(_ p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ n: Int, _ field: String,
                       ids: ArraySlice<Int32>? = nil, strings: [String]? = nil) throws(DecodeFailure) -> [String] {
        if let ids, ids.count == n, !ids.contains(-2) {
            if let strings { return ids.map { $0 < 0 ? "" : strings[Int($0)] } }
            return ids.map { $0 < 0 ? "" : table.name($0) }
        }
        return try UnsafeBufferPointer(start: p, count: n).map { s throws(DecodeFailure) in try name(s, field) }
    }

    func bytes(_ b: ProtobufCBinaryData) -> [UInt8] {
        Array(UnsafeBufferPointer(start: b.data, count: b.len))
    }

    /// The elements of a protobuf-c repeated message field, left in place.
    func pointers<T>(_ p: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, _ n: Int) -> [UnsafeMutablePointer<T>] {
        UnsafeBufferPointer(start: p, count: n).compactMap { $0 }
    }

    /// The pointees of a protobuf-c repeated message field.
    func list<T>(_ p: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, _ n: Int) -> [T] {
        UnsafeBufferPointer(start: p, count: n).compactMap { $0?.pointee }
    }
}
