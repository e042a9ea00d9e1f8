import Foundation
import Testing
@testable import OnnxScope

/// Every input that ever crashed, hung or trapped OnnxScope, kept in `FailCases/` and
/// replayed through the fuzzer's own read path (``ReadPathExercise``: decode, inspect,
/// layers, every weight's values, diff from a reference, every renderer) on every test run.
/// Each case pins what must become of it in `FailCases/expected.json`: unreadable with a
/// named error class, or read with the findings, unreadable payloads and diff outcome it
/// was fixed to give; the CLI tests check the exit codes recorded there.
@Suite("Fail cases")
struct FailCaseTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FailCases")

    /// One case's pinned outcome.
    struct Expected: Decodable {
        /// `unreadable` or `read`.
        var outcome: String
        /// For `unreadable`: the ``DecodeFailure`` case, e.g. `truncated`.
        var error: String?
        /// For `read`: the codes of inspect's findings, sorted.
        var findings: [String]?
        var payloadErrors: Int?
        var diffFailed: Bool?
        /// `onnxscope inspect` and `layers` exit codes.
        var inspectExit: Int32
        var layersExit: Int32
    }

    static let expected: [String: Expected] = {
        do {
            let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
            return try JSONDecoder().decode([String: Expected].self, from: data)
        } catch {
            fatalError("FailCases/expected.json cannot be read: \(error)")
        }
    }()

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasSuffix(".md") && !$0.hasSuffix(".json") }.sorted()
    }

    @Test func everyCaseIsPinned() {
        #expect(!FailCaseTests.cases.isEmpty)
        #expect(Set(FailCaseTests.cases) == Set(FailCaseTests.expected.keys))
    }

    @Test("replay", arguments: FailCaseTests.cases)
    func replay(_ name: String) throws {
        let want = try #require(FailCaseTests.expected[name], "\(name) has no entry in FailCases/expected.json")
        let bytes = [UInt8](try Data(contentsOf: FailCaseTests.folder.appendingPathComponent(name)))
        let reference = try ModelFile.open(Fixtures.path("handbuilt/subgraphs.onnx"))
        // Each case names the folder it pretends to live in: the fail-case folder itself,
        // which holds no data files, so external references resolve to missing files.
        let outcome = ReadPathExercise.run(bytes, name: FailCaseTests.folder.appendingPathComponent(name).path,
                                           reference: reference)
        switch outcome {
        case .unreadable(let error):
            #expect(want.outcome == "unreadable", "\(name): \(error.description)")
            #expect(want.error == FailCaseTests.errorClass(error.failure), "\(name): \(error.description)")
        case .read(let findings, let payloadErrors, let diffFailed):
            #expect(want.outcome == "read", "\(name)")
            #expect(want.findings == findings.map(\.code).sorted(), "\(name)")
            #expect(want.payloadErrors == payloadErrors, "\(name)")
            #expect(want.diffFailed == diffFailed, "\(name)")
        }
    }

    /// The case name of a decode failure: its error class.
    static func errorClass(_ failure: DecodeFailure) -> String {
        switch failure {
        case .notFound: "notFound"
        case .isDirectory: "isDirectory"
        case .unreadable: "unreadable"
        case .empty: "empty"
        case .truncated: "truncated"
        case .malformed: "malformed"
        case .nestedTooDeep: "nestedTooDeep"
        case .metadataTooLarge: "metadataTooLarge"
        case .tooMany: "tooMany"
        case .rankTooHigh: "rankTooHigh"
        case .stringTooLong: "stringTooLong"
        case .notAModel: "notAModel"
        case .rejectedByProtobufC: "rejectedByProtobufC"
        case .foreignFormat: "foreignFormat"
        case .changedWhileRead: "changedWhileRead"
        case .tooManySmallMessages: "tooManySmallMessages"
        }
    }
}
