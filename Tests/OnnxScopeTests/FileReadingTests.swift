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

    /// A sysfs file whose size (4096) is more than it holds, when this machine has one.
    static let shortFile = ["/sys/devices/system/cpu/online", "/sys/kernel/mm/transparent_hugepage/enabled"].first { path in
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 0, let data = FileManager.default.contents(atPath: path) else { return false }
        return data.count < Int(info.st_size)
    }

    /// Read to its end before its size: unreadable, named so, not "changed while read"
    /// (its size still says more than it holds).
    @Test(.enabled(if: shortFile != nil)) func aFileShorterThanItsSizeIsUnreadable() throws {
        let path = try #require(FileReadingTests.shortFile)
        do {
            _ = try ModelFile.open(path)
            Issue.record("\(path) opened")
        } catch {
            guard case .unreadable(let why) = error.failure else {
                Issue.record("\(error.failure)")
                return
            }
            #expect(why.hasPrefix("it ends after ") && why.hasSuffix("bytes, but its size is 4096"))
        }
    }

    @Test func anEmptyFileIsNeitherReadNorMapped() throws {
        let folder = try TemporaryFolder()
        let mapping = try MappedFile(path: try folder.write("empty.onnx", []))
        #expect(mapping.bytes.isEmpty)
        #expect(!mapping.isMapped)
    }
}
