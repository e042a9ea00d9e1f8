import Foundation
import Testing
@testable import OnnxScope

/// `JSONRendering` (the one-pass `JSONWriter`) against the reference it replaced
/// (`JSONEncoder` plus the terminal-control re-scan, `ReferenceJSONRendering`), byte for
/// byte, compact and pretty, on the reports of every fixture under Fixtures/.
@Suite("JSON writer: every fixture, byte for byte")
struct JSONWriterFixtureTests {
    /// Every .onnx file under Fixtures/, relative to it, sorted.
    static let files: [String] = {
        let root = Fixtures.root.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".onnx") }.sorted()
    }()

    /// A file name as a hostile exporter might write it: every kind of escape at once.
    static let hostileName = "dir/\u{1B}[31m\u{202E}x\u{7F}\u{85}\u{2028}\u{2029}\"\\\t\n\u{0}\u{E0001}\u{AD}é😀/model.onnx"

    /// Audits with expectations that pass, fail and touch every check kind.
    static let expectations: [AuditExpectations] = {
        var none = AuditExpectations()
        none.allowMismatch = true
        var many = AuditExpectations()
        many.parameters = 1000
        many.tolerance = 0.01
        many.layerCounts = ["Dense": 2, "LSTM": 1, "Conv": 0]
        many.kindParameters = ["Dense": 10, "Embedding": 5]
        many.allowedDataTypes = ["FLOAT", "FLOAT16"]
        many.maxBytes = 1
        many.allowedOps = ["Conv", "MatMul", "com.microsoft.Attention"]
        many.opsetMin = 7
        many.opsetMax = 13
        many.quantizedBits = ["Dense": 4]
        var strict = many
        strict.strictLayers = true
        strict.allowMismatch = false
        return [AuditExpectations(), none, many, strict]
    }()

    /// Both renderings of `value`, compact and pretty, must be equal.
    static func expectSame<T: Encodable>(_ value: T, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for pretty in [false, true] {
            let new = JSONRendering.render(value, pretty: pretty)
            let old = ReferenceJSONRendering.render(value, pretty: pretty)
            #expect(old != "{}", "\(what): the reference failed", sourceLocation: sourceLocation)
            if new != old {
                let at = zip(new.utf8, old.utf8).prefix { $0 == $1 }.count
                let context = { (s: String) in String(decoding: s.utf8.dropFirst(max(0, at - 60)).prefix(120), as: UTF8.self) }
                Issue.record("\(what) (\(pretty ? "pretty" : "compact")) differs at byte \(at):\n new: \(context(new))\n old: \(context(old))",
                             sourceLocation: sourceLocation)
            }
        }
    }

    @Test func fixturesAreFound() {
        // The walk must see the fixture tree, not an empty folder: the manifest lists files too.
        #expect(JSONWriterFixtureTests.files.count >= 100)
        #expect(Set(Fixtures.allFiles).isSubset(of: Set(JSONWriterFixtureTests.files)))
    }

    @Test("inspect, layers and audit", arguments: files)
    func reports(file: String) throws {
        // Every fixture opens (the unreadable cases live in FailCases/ and ReadPath/).
        let analysis = try ModelAnalysis(path: Fixtures.path(file))
        var inspect = analysis.inspect
        inspect.file = file
        JSONWriterFixtureTests.expectSame(inspect, "inspect \(file)")
        var layers = analysis.layers
        layers.file = file
        JSONWriterFixtureTests.expectSame(layers, "layers \(file)")
        for (n, e) in JSONWriterFixtureTests.expectations.enumerated() {
            var audit = analysis.audit(e)
            audit.file = file
            JSONWriterFixtureTests.expectSame(audit, "audit #\(n) \(file)")
        }
        // The same reports naming a hostile file: escapes in real reports' strings.
        inspect.file = JSONWriterFixtureTests.hostileName
        layers.file = JSONWriterFixtureTests.hostileName
        JSONWriterFixtureTests.expectSame(inspect, "inspect (hostile name) \(file)")
        JSONWriterFixtureTests.expectSame(layers, "layers (hostile name) \(file)")
    }

    @Test("diff and diff --summary", arguments: DiffExpectations.names)
    func diffs(pair: String) throws {
        let e = try #require(DiffExpectations.shared.cases[pair])
        let a = try ModelAnalysis(path: Fixtures.path(e.a))
        let b = try ModelAnalysis(path: Fixtures.path(e.b))
        var report = try a.diff(to: b)
        (report.a, report.b) = (e.a, e.b)
        JSONWriterFixtureTests.expectSame(report, "diff \(pair)")
        JSONWriterFixtureTests.expectSame(DiffSummaryReport(report), "diff summary \(pair)")
        var reversed = try b.diff(to: a)
        (reversed.a, reversed.b) = (e.b, JSONWriterFixtureTests.hostileName)
        JSONWriterFixtureTests.expectSame(reversed, "diff reversed \(pair)")
    }

    @Test func batchLines() {
        var summary = BatchSummary(command: "inspect")
        summary.summary.failedFiles = ["a.onnx", JSONWriterFixtureTests.hostileName]
        summary.summary.weightElements = 12
        JSONWriterFixtureTests.expectSame(summary, "batch summary")
        #expect(BatchRendering.errorObject(file: "x/y.onnx", reason: "truncated\u{85}")
            == #"{"error":"truncated\u0085","file":"x/y.onnx"}"#)
    }
}
