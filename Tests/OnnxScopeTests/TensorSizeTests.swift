import Testing
@testable import OnnxScope

@Suite("Element and byte sizes")
struct TensorSizeTests {
    @Test func elementsOfShapes() throws {
        #expect(try TensorSize.elements([]).get() == 1)
        #expect(try TensorSize.elements([0, 5]).get() == 0)
        #expect(try TensorSize.elements([3, 4, 5]).get() == 60)
    }

    @Test func negativeDimensionIsAProblem() {
        #expect(throws: TensorSize.Problem.negativeDimension(-2)) { try TensorSize.elements([4, -2]).get() }
    }

    @Test func overflowIsAProblemNotATrap() {
        #expect(throws: TensorSize.Problem.overflow) { try TensorSize.elements([1 << 32, 1 << 32]).get() }
        #expect(throws: TensorSize.Problem.overflow) {
            try TensorSize.bytes(elements: .max, type: .complex128, stringBytes: nil)?.get()
        }
    }

    /// Packing rules from the ONNX IR: 4-bit two per byte, 2-bit four per byte, 6-bit
    /// four per three bytes, each rounded up per tensor.
    @Test(arguments: [
        (DataType.int4, Int64(15), Int64(8)), (.uint4, 16, 8), (.float4e2m1, 1, 1),
        (.int2, 5, 2), (.uint2, 8, 2), (.float6e2m3, 4, 3), (.float6e3m2, 5, 4),
        (.float, 3, 12), (.bfloat16, 3, 6), (.float8e5m2, 7, 7), (.complex128, 2, 32), (.bool, 9, 9),
    ])
    func packedBytes(type: DataType, elements: Int64, bytes: Int64) throws {
        #expect(try TensorSize.bytes(elements: elements, type: type, stringBytes: nil)?.get() == bytes)
    }

    @Test func stringBytesAreTheirLengths() throws {
        #expect(try TensorSize.bytes(elements: 3, type: .string, stringBytes: 17)?.get() == 17)
        #expect(TensorSize.bytes(elements: 3, type: .undefined, stringBytes: nil) == nil)
    }

    @Test func dataTypeCodesRoundTrip() {
        for code in Int32(0)...30 {
            #expect(DataType(code: code).code == code)
        }
        #expect(DataType(code: 22).name == "INT4")
        #expect(DataType(code: 28).name == "FLOAT6E3M2")
        #expect(DataType(code: 99) == .unknown(99))
    }
}
