import Foundation
import Testing

/// `report -o` never destroys a file, and a failed write to stdout, stderr or the report
/// file ends with exit code 4 and one line.
@Suite("safe output")
struct OutputSafetyTests {
    /// A scratch folder with a copy of a model and of a model with external data.
    final class Setup {
        let scratch: HostileCommandTests.Scratch
        let model: String
        let external: String
        let externalData: String
        var folder: String { scratch.url.path }

        init() throws {
            scratch = try HostileCommandTests.Scratch()
            model = try scratch.write("m.onnx", Array(try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("keras/mlp.onnx")))))
            external = try scratch.write("external.onnx",
                                         Array(try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("handbuilt/external.onnx")))))
            externalData = try scratch.write("external.data",
                                             Array(try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("handbuilt/external.data")))))
        }

        func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
    }

    /// Runs `report` and checks it refused with one line and left `watched` as it was.
    func expectRefused(_ arguments: [String], watched: String, _ setup: Setup, code: Int32 = 2) throws {
        let before = try setup.bytes(watched)
        var info = stat()
        lstat(watched, &info)
        let run = try CLI.run(["report"] + arguments)
        #expect(run.status == code, "\(arguments): \(run.stderr)")
        #expect(run.stderr.hasPrefix("onnxscope: ") && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(try setup.bytes(watched) == before, "\(watched) changed")
        var after = stat()
        lstat(watched, &after)
        #expect(after.st_ino == info.st_ino && after.st_mode == info.st_mode, "\(watched) replaced")
    }

    @Test func inputThroughSymlinkIsRefused() throws {
        let s = try Setup()
        let link = s.folder + "/report.html"
        #expect(symlink(s.model, link) == 0)
        try expectRefused([s.model, "-o", link], watched: s.model, s)
        try expectRefused([s.model, "-o", link, "--force"], watched: s.model, s)
        // The input spelled through a symlinked folder, the output plainly.
        let alias = s.folder + "/alias"
        #expect(symlink(s.folder, alias) == 0)
        try expectRefused([alias + "/m.onnx", "-o", s.model, "--force"], watched: s.model, s)
    }

    @Test func inputThroughProcSelfCwdIsRefused() throws {
        let s = try Setup()
        for arguments in [["m.onnx", "-o", "/proc/self/cwd/m.onnx", "--force"], ["/proc/self/cwd/m.onnx", "-o", s.model, "--force"]] {
            let before = try s.bytes(s.model)
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["report"] + arguments
            process.currentDirectoryURL = s.scratch.url
            let err = Pipe()
            process.standardError = err
            process.standardOutput = Pipe()
            try process.run()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 2, "\(arguments): \(stderr)")
            #expect(stderr.hasSuffix("is an input model or its external data; not overwritten\n"), "\(stderr)")
            #expect(try s.bytes(s.model) == before)
        }
    }

    @Test func hardLinkAndExternalDataAreRefused() throws {
        let s = try Setup()
        let hard = s.folder + "/hard.html"
        #expect(link(s.model, hard) == 0)
        try expectRefused([s.model, "-o", hard, "--force"], watched: s.model, s)
        try expectRefused([s.external, "-o", s.externalData, "--force"], watched: s.externalData, s)
        try expectRefused([s.model, s.external, "-o", s.externalData, "--force"], watched: s.externalData, s)
    }

    @Test func symlinkToAnotherFileIsNeverReplaced() throws {
        let s = try Setup()
        let target = try s.scratch.write("precious.txt", Array("keep me".utf8))
        let link = s.folder + "/report.html"
        #expect(symlink(target, link) == 0)
        try expectRefused([s.model, "-o", link, "--force"], watched: link, s)
        #expect(try s.bytes(target) == Data("keep me".utf8))
    }

    @Test func fifoSocketAndDeviceNodesAreRefused() throws {
        let s = try Setup()
        let fifo = s.folder + "/fifo.html"
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try CLI.run(["report", s.model, "-o", fifo, "--force"])
        #expect(run.status == 2)
        #expect(run.stderr == "onnxscope: \(fifo): exists and is not a regular file (a device, FIFO, socket or folder)\n")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        // Device nodes made in the scratch folder (never /dev): needs CAP_MKNOD.
        for (name, device) in [("null.html", dev_t(1 << 8 | 3)), ("full.html", dev_t(1 << 8 | 7))] {
            let path = s.folder + "/" + name
            guard mknod(path, S_IFCHR | 0o666, device) == 0 else { continue }
            let run = try CLI.run(["report", s.model, "-o", path, "--force"])
            #expect(run.status == 2, "\(name)")
            var node = stat()
            #expect(lstat(path, &node) == 0 && (node.st_mode & S_IFMT) == S_IFCHR, "\(name) replaced")
        }
        let folder = s.folder + "/sub"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        #expect(try CLI.run(["report", s.model, "-o", folder, "--force"]).status == 2)
    }

    @Test func existingReportNeedsForceAndKeepsItsMode() throws {
        let s = try Setup()
        let report = try s.scratch.write("report.html", Array("old".utf8))
        #expect(chmod(report, 0o640) == 0)
        try expectRefused([s.model, "-o", report], watched: report, s)
        let run = try CLI.run(["report", s.model, "-o", report, "--force"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(String(decoding: try s.bytes(report), as: UTF8.self).hasPrefix("<!doctype html>"))
        var info = stat()
        #expect(stat(report, &info) == 0 && info.st_mode & 0o7777 == 0o640)
        // No temporary file is left beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: s.folder).filter { $0.contains(".onnxscope-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func dashWritesToStdout() throws {
        let s = try Setup()
        let run = try CLI.run(["report", s.model, "-o", "-"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("<!doctype html>") && run.stdout.hasSuffix("</html>\n") || run.stdout.hasSuffix("</html>"))
        #expect(!FileManager.default.fileExists(atPath: s.folder + "/-"))
    }

    @Test func reportWriteErrorExits4() throws {
        let s = try Setup()
        let run = try CLI.run(["report", s.model, "-o", s.model + "/report.html"])
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr == "onnxscope: \(s.model)/report.html: cannot open its folder: Not a directory\n")
    }

    /// Runs the binary with stdout on `/dev/full` (or a closed pipe) and stderr captured.
    static func runWithBrokenStdout(_ arguments: [String], closedPipe: Bool) throws -> CLIRun {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        let err = Pipe()
        let pipe = Pipe()
        let full = FileHandle(forWritingAtPath: "/dev/full")
        if closedPipe {
            process.standardOutput = pipe
        } else {
            process.standardOutput = full
        }
        process.standardError = err
        // No reader at all: the first write fails with EPIPE.
        if closedPipe { try pipe.fileHandleForReading.close() }
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return CLIRun(status: status, stdout: "", stderr: String(decoding: errData, as: UTF8.self))
    }

    static let commands: [[String]] = [
        ["inspect", CLI.fixture("keras/mlp.onnx")], ["inspect", "-f", "json", CLI.fixture("keras/mlp.onnx")],
        ["layers", CLI.fixture("keras/mlp.onnx")], ["audit", CLI.fixture("keras/mlp.onnx")],
        ["diff", CLI.fixture("keras/mlp.onnx"), CLI.fixture("keras/mlp.onnx")],
        ["report", CLI.fixture("keras/mlp.onnx"), "-o", "-"], ["--help"],
    ]

    @Test("stdout on /dev/full: exit 4, one line", arguments: commands)
    func fullStdout(arguments: [String]) throws {
        let run = try OutputSafetyTests.runWithBrokenStdout(arguments, closedPipe: false)
        #expect(run.status == 4, "\(arguments): \(run.stderr)")
        #expect(run.stderr == "onnxscope: stdout: cannot write: No space left on device\n")
    }

    @Test("stdout a closed pipe: exit 4, one line", arguments: commands)
    func closedPipe(arguments: [String]) throws {
        let run = try OutputSafetyTests.runWithBrokenStdout(arguments, closedPipe: true)
        #expect(run.status == 4, "\(arguments): \(run.stderr)")
        #expect(run.stderr == "onnxscope: stdout: cannot write: Broken pipe\n")
    }

    @Test func fullStderrExits4() throws {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["inspect", "/nonexistent/m.onnx"]
        process.standardOutput = Pipe()
        process.standardError = FileHandle(forWritingAtPath: "/dev/full")
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 4)
    }
}
