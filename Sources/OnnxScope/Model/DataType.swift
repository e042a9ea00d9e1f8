/// The element type of a tensor, as `TensorProto.DataType` defines it.
///
/// Codes the schema does not know are kept as ``unknown(_:)`` so that a newer file
/// still decodes; their element size is unknown.
public enum DataType: Hashable, Sendable {
    case undefined
    case float, uint8, int8, uint16, int16, int32, int64, string, bool
    case float16, double, uint32, uint64, complex64, complex128, bfloat16
    case float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz
    case uint4, int4, float4e2m1, float8e8m0, uint2, int2, float6e2m3, float6e3m2
    case unknown(Int32)

    private static let byCode: [DataType] = [
        .undefined, .float, .uint8, .int8, .uint16, .int16, .int32, .int64, .string, .bool,
        .float16, .double, .uint32, .uint64, .complex64, .complex128, .bfloat16,
        .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz,
        .uint4, .int4, .float4e2m1, .float8e8m0, .uint2, .int2, .float6e2m3, .float6e3m2,
    ]

    /// Every type the schema defines, in code order (``undefined`` first).
    public static var known: [DataType] { byCode }

    /// Creates the type for a `data_type` / `elem_type` code from a file.
    public init(code: Int32) {
        if code >= 0, Int(code) < DataType.byCode.count {
            self = DataType.byCode[Int(code)]
        } else {
            self = .unknown(code)
        }
    }

    /// The numeric code the file format uses.
    public var code: Int32 {
        switch self {
        case .undefined: 0
        case .float: 1
        case .uint8: 2
        case .int8: 3
        case .uint16: 4
        case .int16: 5
        case .int32: 6
        case .int64: 7
        case .string: 8
        case .bool: 9
        case .float16: 10
        case .double: 11
        case .uint32: 12
        case .uint64: 13
        case .complex64: 14
        case .complex128: 15
        case .bfloat16: 16
        case .float8e4m3fn: 17
        case .float8e4m3fnuz: 18
        case .float8e5m2: 19
        case .float8e5m2fnuz: 20
        case .uint4: 21
        case .int4: 22
        case .float4e2m1: 23
        case .float8e8m0: 24
        case .uint2: 25
        case .int2: 26
        case .float6e2m3: 27
        case .float6e3m2: 28
        case .unknown(let code): code
        }
    }

    /// The name the ONNX schema gives this type (`FLOAT`, `FLOAT8E4M3FN`, ...).
    public var name: String {
        switch self {
        case .undefined: "UNDEFINED"
        case .float: "FLOAT"
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .int32: "INT32"
        case .int64: "INT64"
        case .string: "STRING"
        case .bool: "BOOL"
        case .float16: "FLOAT16"
        case .double: "DOUBLE"
        case .uint32: "UINT32"
        case .uint64: "UINT64"
        case .complex64: "COMPLEX64"
        case .complex128: "COMPLEX128"
        case .bfloat16: "BFLOAT16"
        case .float8e4m3fn: "FLOAT8E4M3FN"
        case .float8e4m3fnuz: "FLOAT8E4M3FNUZ"
        case .float8e5m2: "FLOAT8E5M2"
        case .float8e5m2fnuz: "FLOAT8E5M2FNUZ"
        case .uint4: "UINT4"
        case .int4: "INT4"
        case .float4e2m1: "FLOAT4E2M1"
        case .float8e8m0: "FLOAT8E8M0"
        case .uint2: "UINT2"
        case .int2: "INT2"
        case .float6e2m3: "FLOAT6E2M3"
        case .float6e3m2: "FLOAT6E3M2"
        case .unknown(let code): "UNKNOWN_\(code)"
        }
    }

    /// Bits one element occupies in `raw_data`; nil for STRING, UNDEFINED and unknown codes.
    ///
    /// 4-bit types pack two elements per byte, 2-bit types four, 6-bit types four per three bytes.
    public var bitsPerElement: Int? {
        switch self {
        case .undefined, .string, .unknown: nil
        case .uint2, .int2: 2
        case .uint4, .int4, .float4e2m1: 4
        case .float6e2m3, .float6e3m2: 6
        case .uint8, .int8, .bool, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz,
             .float8e8m0:
            8
        case .uint16, .int16, .float16, .bfloat16: 16
        case .float, .int32, .uint32: 32
        case .int64, .uint64, .double, .complex64: 64
        case .complex128: 128
        }
    }

    /// True for the floating-point types that count as `floatElements`:
    /// FLOAT16, BFLOAT16, FLOAT, DOUBLE and every FLOAT8, FLOAT6 and FLOAT4 type.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float, .double,
             .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float6e2m3, .float6e3m2, .float4e2m1:
            true
        case .undefined, .uint8, .int8, .uint16, .int16, .int32, .int64, .string, .bool,
             .uint32, .uint64, .complex64, .complex128, .uint4, .int4, .uint2, .int2, .unknown:
            false
        }
    }

    /// True for the low-bit integer types quantized weights are stored in (INT8, UINT8,
    /// INT4, UINT4, INT2, UINT2): a parameter, unlike an INT64 shape or index constant.
    public var isQuantizedStorage: Bool {
        switch self {
        case .uint8, .int8, .uint4, .int4, .uint2, .int2:
            true
        case .undefined, .float, .uint16, .int16, .int32, .int64, .string, .bool, .float16, .double, .uint32, .uint64,
             .complex64, .complex128, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz,
             .float4e2m1, .float8e8m0, .float6e2m3, .float6e3m2, .unknown:
            false
        }
    }
}
