import Foundation
import Testing
@testable import OnnxScope

/// A model file under ``MappedFile/readBelow`` is read into memory, a larger one is mapped:
/// both hold exactly the file's bytes and decode to what the same bytes decode to from memory.
@Suite("Small model files read, large ones mapped")
struct FileReadingTests {
    @Test func smallAndLargeFilesDecodeAlike() throws {
        let folder = try TemporaryFolder()
        for rawBytes in [256, MappedFile.readBelow] {
            let bytes = ModelBytes.modelWithWeight(
                ModelBytes.tensor("w", dims: [Int64(rawBytes / 4)], raw: (0..<rawBytes).map { UInt8(truncatingIfNeeded: $0 * 7) }))
            let path = try folder.write("model\(rawBytes).onnx", bytes)
            let mapping = try MappedFile(path: path)
            #expect(mapping.isMapped == (bytes.count >= MappedFile.readBelow))
            #expect(Array(mapping.bytes) == bytes)
            #expect(!mapping.changed)
            let fromFile = try ModelFile.open(path), fromMemory = try ModelFile.open(bytes: bytes, name: path)
            #expect(fromFile.model == fromMemory.model)
            #expect(fromFile.metadataBytes == fromMemory.metadataBytes)
            #expect(fromFile.model.graph.initializers.map(\.dims) == [[Int64(rawBytes / 4)]])
        }
    }

    @Test func anEmptyFileIsNeitherReadNorMapped() throws {
        let folder = try TemporaryFolder()
        let mapping = try MappedFile(path: try folder.write("empty.onnx", []))
        #expect(mapping.bytes.isEmpty)
        #expect(!mapping.isMapped)
    }
}
