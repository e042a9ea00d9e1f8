import Foundation
import Testing

/// Every command's real JSON output on every fixture validates against the schema that
/// `onnxscope schema NAME` prints, with a real validator (Python's jsonschema, draft
/// 2020-12). Skipped when python3 or jsonschema is missing, unless
/// ONNXSCOPE_REQUIRE_SCHEMA_VALIDATOR=1 (CI) makes that a failure.
@Suite("JSON output validates against onnxscope schema",
       .enabled(if: SchemaValidator.available || SchemaValidator.required,
                "python3 with jsonschema is missing (Debian: python3-jsonschema, installed by make setup)"))
struct SchemaValidationTests {
    static let folders = [CLI.fixture(""), CLI.packageRoot.appendingPathComponent("Tests/OnnxScopeTests/FailCases").path]

    /// Every fixture file, sorted.
    static func models() throws -> [String] {
        var found: [String] = []
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            while let relative = walker.nextObject() as? String {
                if relative.hasSuffix(".onnx") { found.append(URL(fileURLWithPath: folder).appendingPathComponent(relative).path) }
            }
        }
        return found.sorted()
    }

    /// stdout of the binary, whatever its exit code (1 and 3 still print JSON).
    private func json(_ arguments: [String]) throws -> String {
        try CLI.run(arguments).stdout
    }

    @Test func inspectAndLayersOfEveryFixture() throws {
        #expect(SchemaValidator.available, "python3 with jsonschema is required here")
        // Folder mode: one line per file (error objects for the fail cases that cannot be read), then the summary.
        for command in ["inspect", "layers"] {
            let lines = try json([command, "-q", "-f", "json", "--summary"] + Self.folders + ["/nonexistent.onnx"])
                .split(separator: "\n").map(String.init)
            #expect(lines.count > 70, "\(command): \(lines.count) lines")
            try SchemaValidator.expectValid(command, lines.dropLast())
            try SchemaValidator.expectValid("summary", lines.suffix(1))
        }
    }

    @Test func auditOfEveryFixture() throws {
        var lines: [String] = []
        for model in try Self.models() {
            let out = try json(["audit", "-f", "json", "--params", "100", model])
            if !out.isEmpty { lines.append(out.trimmingCharacters(in: .newlines)) }
        }
        #expect(lines.count > 60)
        try SchemaValidator.expectValid("audit", lines)
    }

    @Test func diffOfEveryPair() throws {
        var lines: [String] = []
        let folder = CLI.fixture("diff")
        let pairs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".a.onnx") }.sorted()
        for a in pairs {
            let pathA = "\(folder)/\(a)", pathB = "\(folder)/\(a.dropLast(7)).b.onnx"
            lines.append(try json(["diff", "-f", "json", pathA, pathB]).trimmingCharacters(in: .newlines))
            lines.append(try json(["diff", "-f", "json", "--summary", pathA, pathB]).trimmingCharacters(in: .newlines))
        }
        #expect(lines.count >= 24)
        try SchemaValidator.expectValid("diff", lines)
    }

    /// The check can fail: a report missing a key, or carrying an unknown one, is refused.
    @Test func driftIsCaught() throws {
        let line = try json(["inspect", "-f", "json", CLI.fixture("pytorch/mlp.dynamo.onnx")]).trimmingCharacters(in: .newlines)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        object["modelVersion"] = nil
        let missing = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        object["modelVersion"] = NSNull()
        object["surprise"] = 1
        let extra = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        for bad in [missing, extra] {
            let result = try SchemaValidator.validate("inspect", [bad])
            #expect(result.status == 1, "\(result.stdout)")
        }
    }
}

enum SchemaValidator {
    static let script = CLI.packageRoot.appendingPathComponent("Tests/Scripts/validate_json.py").path
    static let required = ProcessInfo.processInfo.environment["ONNXSCOPE_REQUIRE_SCHEMA_VALIDATOR"] == "1"
    /// The first Python that imports jsonschema: `python3` on PATH (pip), else Debian's
    /// `/usr/bin/python3` (python3-jsonschema, which `make setup` installs).
    static let python: [String]? = {
        for candidate in [["/usr/bin/env", "python3"], ["/usr/bin/python3"]] {
            let run = try? CLI.run(executable: URL(fileURLWithPath: candidate[0]), Array(candidate.dropFirst()) + ["-c", "import jsonschema"])
            if run?.status == 0 { return candidate }
        }
        return nil
    }()
    static var available: Bool { python != nil }

    /// Runs the validator on `lines` against `onnxscope schema NAME`.
    static func validate(_ name: String, _ lines: some Collection<String>) throws -> CLIRun {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = try CLI.run(["schema", name])
        #expect(schema.status == 0)
        let schemaFile = folder.appendingPathComponent("\(name).json"), instances = folder.appendingPathComponent("instances.jsonl")
        try Data(schema.stdout.utf8).write(to: schemaFile)
        try Data(lines.joined(separator: "\n").utf8).write(to: instances)
        let python = try #require(python, "python3 with jsonschema is missing")
        return try CLI.run(executable: URL(fileURLWithPath: python[0]), Array(python.dropFirst()) + [script, schemaFile.path, instances.path])
    }

    static func expectValid(_ name: String, _ lines: some Collection<String>) throws {
        let result = try validate(name, lines)
        #expect(result.status == 0, "\(name): \(result.stdout)\(result.stderr)")
        #expect(result.stdout == "\(lines.count) valid\n", "\(name)")
    }
}
