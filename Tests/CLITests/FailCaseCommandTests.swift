import Foundation
import Testing

/// The fail cases (Tests/OnnxScopeTests/FailCases) through the real binary: each exits
/// with the codes pinned in its `expected.json` entry, with no trap and at most one
/// stderr line per error.
@Suite("onnxscope on the fail cases")
struct FailCaseCommandTests {
    static let folder = CLI.packageRoot.appendingPathComponent("Tests/OnnxScopeTests/FailCases")

    struct Expected: Decodable {
        var inspectExit: Int32
        var layersExit: Int32
    }

    static let expected: [String: Expected] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let decoded = try? JSONDecoder().decode([String: Expected].self, from: data)
        else { return [:] }
        return decoded
    }()

    @Test func expectationsAreReadable() {
        #expect(!FailCaseCommandTests.expected.isEmpty)
    }

    @Test("exit codes", arguments: FailCaseCommandTests.expected.keys.sorted())
    func exitCodes(_ name: String) throws {
        let want = try #require(FailCaseCommandTests.expected[name])
        let path = FailCaseCommandTests.folder.appendingPathComponent(name).path
        for (command, code) in [("inspect", want.inspectExit), ("layers", want.layersExit)] {
            let run = try CLI.run([command, path])
            #expect(run.status == code, "\(command) \(name): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count <= 1, "\(command) \(name): \(run.stderr)")
        }
    }
}
