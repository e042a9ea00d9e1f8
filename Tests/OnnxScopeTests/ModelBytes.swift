@testable import OnnxScope

/// Builds ONNX model files byte by byte for the hostile-input tests: each helper writes
/// one message with the field numbers of `proto/onnx.proto`.
enum ModelBytes {
    /// A `TensorProto`; `dims` are written unpacked, `raw` as `raw_data`, `floats` as
    /// packed `float_data`, `external` as `external_data` entries with `data_location = EXTERNAL`.
    static func tensor(
        _ name: String, type: UInt64 = 1, dims: [Int64] = [], raw: [UInt8]? = nil, floats: [Float]? = nil,
        external: [(String, String)]? = nil, extra: (inout ProtoWriter) -> Void = { _ in }
    ) -> [UInt8] {
        ProtoWriter.message { t in
            for d in dims { t.field(1, varint: UInt64(bitPattern: d)) }
            t.field(2, varint: type)
            t.field(8, string: name)
            if let raw { t.field(9, bytes: raw) }
            if let floats { t.field(4, bytes: floats.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init) }) }
            if let external {
                for (key, value) in external {
                    t.field(13, bytes: ProtoWriter.message { e in
                        e.field(1, string: key)
                        e.field(2, string: value)
                    })
                }
                t.field(14, varint: 1)
            }
            extra(&t)
        }
    }

    /// A `NodeProto`.
    static func node(_ op: String, name: String = "", inputs: [String] = [], outputs: [String] = [],
                     attributes: [[UInt8]] = []) -> [UInt8] {
        ProtoWriter.message { n in
            for i in inputs { n.field(1, string: i) }
            for o in outputs { n.field(2, string: o) }
            if !name.isEmpty { n.field(3, string: name) }
            n.field(4, string: op)
            for a in attributes { n.field(5, bytes: a) }
        }
    }

    /// A `GRAPH` attribute holding `graph`.
    static func graphAttribute(_ name: String, _ graph: [UInt8]) -> [UInt8] {
        ProtoWriter.message { a in
            a.field(1, string: name)
            a.field(6, bytes: graph)
            a.field(20, varint: 5)
        }
    }

    /// A `TENSOR` attribute holding `tensor`.
    static func tensorAttribute(_ name: String, _ tensor: [UInt8]) -> [UInt8] {
        ProtoWriter.message { a in
            a.field(1, string: name)
            a.field(5, bytes: tensor)
            a.field(20, varint: 4)
        }
    }

    /// A `ValueInfoProto` for a FLOAT tensor of shape `shape`.
    static func valueInfo(_ name: String, shape: [Int64] = [1]) -> [UInt8] {
        ProtoWriter.message { v in
            v.field(1, string: name)
            v.field(2, bytes: ProtoWriter.message { t in
                t.field(1, bytes: ProtoWriter.message { tt in
                    tt.field(1, varint: 1)
                    tt.field(2, bytes: ProtoWriter.message { s in
                        for d in shape { s.field(1, bytes: ProtoWriter.message { dim in dim.field(1, varint: UInt64(d)) }) }
                    })
                })
            })
        }
    }

    /// A `GraphProto`.
    static func graph(nodes: [[UInt8]] = [], initializers: [[UInt8]] = [], inputs: [String] = [], outputs: [String] = [],
                      name: String = "g") -> [UInt8] {
        ProtoWriter.message { g in
            for n in nodes { g.field(1, bytes: n) }
            g.field(2, string: name)
            for t in initializers { g.field(5, bytes: t) }
            for i in inputs { g.field(11, bytes: valueInfo(i)) }
            for o in outputs { g.field(12, bytes: valueInfo(o)) }
        }
    }

    /// A `ModelProto` (IR 8, opset 17) around `graph`.
    static func model(_ graph: [UInt8]) -> [UInt8] {
        ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(2, string: "onnxscope-tests")
            m.field(7, bytes: graph)
            m.field(8, bytes: ProtoWriter.message { o in o.field(2, varint: 17) })
        }
    }

    /// A model with one initializer `w` and one node reading it.
    static func modelWithWeight(_ tensor: [UInt8], name: String = "w") -> [UInt8] {
        model(graph(nodes: [node("Relu", name: "relu", inputs: [name], outputs: ["y"])], initializers: [tensor],
                    outputs: ["y"]))
    }

    /// The failure decoding `bytes` ends in, nil when they decode.
    static func decodeFailure(_ bytes: [UInt8]) -> DecodeFailure? {
        do {
            _ = try ModelFile.open(bytes: bytes, name: "/nonexistent/model.onnx")
            return nil
        } catch {
            return error.failure
        }
    }

    /// Little-endian bytes of floats.
    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init) }
    }
}
