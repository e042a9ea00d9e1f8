import Foundation
import Testing
@testable import OnnxScope

/// External-data references that leave the model's folder, or are malformed, are refused
/// with a finding by `inspect` and with the same reason by the payload reader (`diff`);
/// a refused path is never opened (`make strace-check` watches the system calls).
@Suite("External data containment")
struct ExternalContainmentTests {
    /// A folder holding `data.bin` (four floats), a `sub/` folder, a symlink inside
    /// (`inner.bin` → `data.bin`) and one out (`out.bin` → a secret file elsewhere).
    final class Layout {
        let folder: TemporaryFolder
        let outside: TemporaryFolder

        init() throws {
            folder = try TemporaryFolder()
            outside = try TemporaryFolder()
            _ = try folder.write("data.bin", ModelBytes.floatBytes([1, 2, 3, 4]))
            let secret = try outside.write("secret.bin", ModelBytes.floatBytes([9, 9, 9, 9]))
            try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: folder.url.appendingPathComponent("out.bin").path,
                                                       withDestinationPath: secret)
            try FileManager.default.createSymbolicLink(atPath: folder.url.appendingPathComponent("inner.bin").path,
                                                       withDestinationPath: "data.bin")
        }

        /// Writes a model whose weight `w` (FLOAT, dims [4]) has these external entries,
        /// opens it, and returns the inspect finding codes and the payload reader's failure.
        func check(_ entries: [(String, String)]) throws -> (codes: [String], status: ExternalDataStatus?, values: [Double]?) {
            let tensor = ModelBytes.tensor("w", dims: [4], external: entries)
            let path = try folder.write("model.onnx", ModelBytes.modelWithWeight(tensor))
            let file = try ModelFile.open(path)
            let codes = InspectReport(file: file).findings.map(\.code)
            let weight = try #require(file.model.graph.initializers.first)
            do {
                return (codes, nil, try file.values(of: weight).doubles())
            } catch {
                guard case .externalData(let status) = error.failure else {
                    Issue.record("unexpected payload failure \(error.failure)")
                    return (codes, nil, nil)
                }
                return (codes, status, nil)
            }
        }
    }

    private func expectRefused(_ entries: [(String, String)], because reason: String) throws {
        let result = try Layout().check(entries)
        #expect(result.codes == ["external-data-refused"], "\(entries)")
        guard case .refused(let why) = result.status else {
            Issue.record("\(entries): expected a refusal, got \(String(describing: result.status))")
            return
        }
        #expect(why.contains(reason), "\(why)")
    }

    @Test func containedFileIsRead() throws {
        let layout = try Layout()
        let plain = try layout.check([("location", "data.bin")])
        #expect(plain.codes.isEmpty)
        #expect(plain.values == [1, 2, 3, 4])
        let throughInnerLink = try layout.check([("location", "inner.bin"), ("offset", "0"), ("length", "16")])
        #expect(throughInnerLink.values == [1, 2, 3, 4])
    }

    @Test func absolutePath() throws { try expectRefused([("location", "/etc/passwd")], because: "absolute") }
    @Test func dotDotEscape() throws { try expectRefused([("location", "../secret")], because: "leaves the model's folder") }
    @Test func dotDotThroughSubfolder() throws {
        try expectRefused([("location", "sub/../../secret")], because: "leaves the model's folder")
    }
    @Test func symlinkOut() throws { try expectRefused([("location", "out.bin")], because: "resolves outside") }
    @Test func missingLocation() throws { try expectRefused([("offset", "0")], because: "no location") }
    @Test func unknownKey() throws {
        try expectRefused([("location", "data.bin"), ("basepath", "/etc")], because: "unknown external_data key 'basepath'")
    }
    @Test func repeatedKey() throws {
        try expectRefused([("location", "data.bin"), ("location", "../secret")], because: "'location' appears more than once")
    }
    @Test func negativeOffset() throws { try expectRefused([("location", "data.bin"), ("offset", "-4")], because: "offset -4") }
    @Test func nonNumericOffset() throws { try expectRefused([("location", "data.bin"), ("offset", "0x10")], because: "offset 0x10") }
    @Test func nonNumericLength() throws { try expectRefused([("location", "data.bin"), ("length", "16 ")], because: "length 16 ") }
    @Test func directory() throws { try expectRefused([("location", "sub")], because: "not a regular file") }

    @Test func rangePastTheEndOfTheFile() throws {
        let result = try Layout().check([("location", "data.bin"), ("offset", "8"), ("length", "16")])
        #expect(result.codes.sorted() == ["external-data-out-of-range"])
        #expect(result.status == .outOfRange(file: "data.bin", needed: 24, size: 16))
    }

    @Test func offsetPlusLengthOverflows() throws {
        let result = try Layout().check([("location", "data.bin"), ("offset", "\(Int64.max)"), ("length", "16")])
        #expect(result.status == .outOfRange(file: "data.bin", needed: .max, size: 16))
    }

    @Test func missingFile() throws {
        let result = try Layout().check([("location", "nothere.bin")])
        #expect(result.codes == ["external-data-missing"])
        #expect(result.status == .missingFile(file: "nothere.bin"))
    }

    /// A model folder that cannot be resolved refuses every reference (an in-memory model
    /// named inside a folder that does not exist).
    @Test func unresolvableFolder() throws {
        let tensor = ModelBytes.tensor("w", dims: [4], external: [("location", "data.bin")])
        let file = try ModelFile.open(bytes: ModelBytes.modelWithWeight(tensor), name: "/nonexistent-folder/m.onnx")
        #expect(InspectReport(file: file).findings.map(\.code) == ["external-data-refused"])
    }

    /// Severities: refusals and out-of-range references are errors (a file is broken or
    /// hostile); a missing data file is a warning (counts still come from dims).
    @Test func severities() throws {
        let layout = try Layout()
        let refused = ModelBytes.tensor("w", dims: [4], external: [("location", "/etc/passwd")])
        let path = try layout.folder.write("m.onnx", ModelBytes.modelWithWeight(refused))
        #expect(InspectReport(file: try ModelFile.open(path)).findings.map(\.severity) == [.error])
        let missing = ModelBytes.tensor("w", dims: [4], external: [("location", "gone.bin")])
        let path2 = try layout.folder.write("m2.onnx", ModelBytes.modelWithWeight(missing))
        #expect(InspectReport(file: try ModelFile.open(path2)).findings.map(\.severity) == [.warning])
    }
}
