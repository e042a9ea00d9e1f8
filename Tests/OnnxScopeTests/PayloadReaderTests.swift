import Foundation
import Testing
@testable import OnnxScope

/// Expected values written by Fixtures/generate/payload_values.py with onnx.numpy_helper.
private struct ExpectedValues: Decodable {
    var files: [String: [String: Entry]]

    struct Entry: Decodable {
        var type: String
        var dims: [Int64]
        var values: [Number]
    }

    /// A number, or "nan" / "inf" / "-inf".
    enum Number: Decodable {
        case value(Double)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Double.self) {
                self = .value(v)
            } else {
                switch try c.decode(String.self) {
                case "nan": self = .value(.nan)
                case "inf": self = .value(.infinity)
                default: self = .value(-.infinity)
                }
            }
        }

        var double: Double {
            switch self {
            case .value(let v): v
            }
        }
    }

    static let shared: ExpectedValues = {
        do {
            let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("payload/values.json"))
            return try JSONDecoder().decode(ExpectedValues.self, from: data)
        } catch {
            fatalError("Fixtures/payload/values.json cannot be read: \(error)")
        }
    }()

    static var cases: [String] {
        shared.files.flatMap { file, tensors in tensors.keys.map { "\(file)#\($0)" } }.sorted()
    }
}

@Suite("PayloadReader: tensor elements read in place")
struct PayloadReaderTests {
    /// Every element of every tensor equals what onnx.numpy_helper read (NaN as NaN).
    @Test("values equal numpy_helper.to_array", arguments: ExpectedValues.cases)
    func valuesMatchOnnx(_ key: String) throws {
        let parts = key.split(separator: "#", maxSplits: 1).map(String.init)
        let expected = try #require(ExpectedValues.shared.files[parts[0]]?[parts[1]])
        let file = try ModelFile.open(Fixtures.path(parts[0]))
        let tensor = try #require(file.model.graph.initializers.first { $0.name == parts[1] })
        let values = try file.values(of: tensor)
        #expect(values.dataType.name == expected.type)
        #expect(values.dims == expected.dims)
        let got = values.doubles()
        #expect(got.count == expected.values.count)
        for (i, (g, e)) in zip(got, expected.values.map(\.double)).enumerated() {
            #expect(g == e || (g.isNaN && e.isNaN), "\(key)[\(i)]: \(g) vs \(e)")
        }
    }

    @Test func cursorChunksMatchDoubles() throws {
        let file = try ModelFile.open(Fixtures.path("payload/encodings.onnx"))
        for tensor in file.model.graph.initializers {
            let values = try file.values(of: tensor)
            var chunked: [Double] = []
            values.forEachChunk(size: 3) { chunked.append(contentsOf: $0) }
            let whole = values.doubles()
            #expect(chunked.count == whole.count)
            #expect(zip(chunked, whole).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(tensor.name)")
        }
    }

    @Test func emptyAndZeroTensors() throws {
        let file = try ModelFile.open(Fixtures.path("payload/encodings.onnx"))
        let empty = try file.values(of: try #require(file.model.graph.initializers.first { $0.name == "raw_empty" }))
        #expect(empty.count == 0 && empty.isAllZero && empty.doubles().isEmpty)
        let bools = try file.values(of: try #require(file.model.graph.initializers.first { $0.name == "int32data_bool" }))
        #expect(!bools.isAllZero)
        let zeros = TensorValues(numbers: [0, -0.0, 0], dataType: .float, dims: [3])
        #expect(zeros.isAllZero)
    }

    /// The same bytes hash alike wherever they are stored: inline raw_data in one file,
    /// an external data file in the other.
    @Test func externalAndInlineBytesHashAlike() throws {
        let a = try ModelFile.open(Fixtures.path("diff/to_external.a.onnx"))
        let b = try ModelFile.open(Fixtures.path("diff/to_external.b.onnx"))
        for tensor in a.model.graph.initializers {
            let other = try #require(b.model.graph.initializers.first { $0.name == tensor.name })
            guard case .external = other.payload else { Issue.record("\(tensor.name) not external"); continue }
            let (x, y) = (try a.values(of: tensor), try b.values(of: other))
            #expect(x.storedHash() == y.storedHash())
            #expect(x.storedByteCount == y.storedByteCount)
            #expect(x.doubles() == y.doubles())
        }
        let scaled = try ModelFile.open(Fixtures.path("diff/scaled.b.onnx"))
        let w = try #require(scaled.model.graph.initializers.first { $0.name == "fc2.weight" })
        let w0 = try #require(a.model.graph.initializers.first { $0.name == "fc2.weight" })
        #expect(try scaled.values(of: w).storedHash() != a.values(of: w0).storedHash())
    }

    // MARK: hand-written payloads

    private static func model(tensor: [UInt8]) -> [UInt8] {
        let graph = ProtoWriter.message { g in
            g.field(2, string: "g")
            g.field(5, bytes: tensor)
        }
        return ProtoWriter.message { m in
            m.field(1, varint: 8)
            m.field(7, bytes: graph)
            m.field(8, bytes: ProtoWriter.message { o in o.field(2, varint: 17) })
        }
    }

    private static func open(tensor: [UInt8]) throws -> (ModelFile, Tensor, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let path = try folder.write("m.onnx", model(tensor: tensor))
        let file = try ModelFile.open(path)
        let t = try #require(file.model.graph.initializers.first)
        return (file, t, folder)
    }

    @Test func rawDataOfTheWrongSizeIsAnError() throws {
        let tensor = ProtoWriter.message { t in
            t.field(1, varint: 4)
            t.field(2, varint: 1)
            t.field(8, string: "w")
            t.field(9, bytes: [UInt8](repeating: 0, count: 12))
        }
        let (file, t, _) = try Self.open(tensor: tensor)
        let offset = try #require(Self.rawOffset(t))
        #expect(throws: PayloadError(path: file.path, tensor: "w", failure: .sizeMismatch(expected: 16, found: 12, unit: "bytes"),
                                     offset: offset)) {
            try file.values(of: t)
        }
    }

    private static func rawOffset(_ t: Tensor) -> Int? {
        if case .inline(let p) = t.payload { return p.pieces.last?.range.lowerBound }
        return nil
    }

    /// Unpacked `float_data` (each value with its own tag) and unpacked `int32_data`
    /// with a negative INT8 (a ten-byte varint).
    @Test func unpackedTypedFields() throws {
        var floats = ProtoWriter()
        floats.field(1, varint: 3)
        floats.field(2, varint: 1)
        floats.field(8, string: "f")
        for v in [Float(1.5), -2, 0.25] {
            floats.varint(4 << 3 | 5)
            withUnsafeBytes(of: v.bitPattern.littleEndian) { floats.bytes.append(contentsOf: $0) }
        }
        let (file, t, _) = try Self.open(tensor: floats.bytes)
        #expect(try file.values(of: t).doubles() == [1.5, -2, 0.25])

        var ints = ProtoWriter()
        ints.field(1, varint: 2)
        ints.field(2, varint: 3)
        ints.field(8, string: "i")
        ints.field(5, varint: UInt64(bitPattern: -100))
        ints.field(5, varint: 27)
        let (file2, t2, _) = try Self.open(tensor: ints.bytes)
        #expect(try file2.values(of: t2).doubles() == [-100, 27])
    }

    @Test func countMismatchInTypedFieldIsAnError() throws {
        let tensor = ProtoWriter.message { t in
            t.field(1, varint: 3)
            t.field(2, varint: 6)
            t.field(8, string: "i")
            t.field(5, bytes: [1, 2])
        }
        let (file, t, _) = try Self.open(tensor: tensor)
        #expect {
            try file.values(of: t)
        } throws: { error in
            (error as? PayloadError)?.failure == .sizeMismatch(expected: 3, found: 2, unit: "values")
        }
    }

    @Test func missingExternalFileIsAnError() throws {
        let file = try ModelFile.open(Fixtures.path("handbuilt/external_missing.onnx"))
        let tensor = try #require(file.model.graph.initializers.first { if case .external = $0.payload { true } else { false } })
        #expect {
            try file.values(of: tensor)
        } throws: { error in
            guard let failure = (error as? PayloadError)?.failure, case .externalData(.missingFile) = failure else { return false }
            return true
        }
    }
}
