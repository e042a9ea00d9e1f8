import Foundation
import Testing
@testable import OnnxScope

/// Every input that ever crashed, hung or trapped OnnxScope, kept in `FailCases/` and
/// replayed through the fuzzer's own read path (``ReadPathExercise``: decode, inspect,
/// layers, every weight's values, diff from a reference, every renderer) on every test run.
@Suite("Fail cases")
struct FailCaseTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FailCases")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasSuffix(".md") }.sorted()
    }

    @Test func theFolderIsNotEmpty() {
        #expect(!FailCaseTests.cases.isEmpty)
    }

    @Test("replay", arguments: FailCaseTests.cases)
    func replay(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: FailCaseTests.folder.appendingPathComponent(name)))
        let reference = try ModelFile.open(Fixtures.path("handbuilt/subgraphs.onnx"))
        // Each case names the folder it pretends to live in: the fail-case folder itself,
        // which holds no data files, so external references resolve to missing files.
        let outcome = ReadPathExercise.run(bytes, name: FailCaseTests.folder.appendingPathComponent(name).path,
                                           reference: reference)
        switch outcome {
        case .unreadable(let error): #expect(!error.description.isEmpty)
        case .read: break
        }
    }
}
