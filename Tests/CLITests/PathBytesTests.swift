import Foundation
import Testing

/// Paths as bytes: a model at a path that is not UTF-8 is opened as given and printed
/// escaped; `report -o` writes the very name given; folder mode reports every entry it
/// cannot open and exits 3.
@Suite("paths as bytes")
struct PathBytesTests {
    /// Runs the binary from `folder` through /bin/sh, so that arguments can hold bytes
    /// that are not UTF-8 (`printf` escapes in `script`, `$0` is the binary).
    static func shell(_ script: String, in folder: URL) throws -> CLIRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, CLI.binary.path]
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Writes `bytes` at the path `name` (raw bytes, relative to `folder`).
    static func create(_ bytes: Data, name: [UInt8], in folder: URL) throws {
        let path = Array(folder.path.utf8) + [0x2F] + name
        let fd = open(path.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT | O_EXCL, 0o644)
        #expect(fd >= 0)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    static var model: Data { get throws { try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("keras/mlp.onnx"))) } }

    @Test func nonUTF8ModelPathIsOpenedAndPrintedEscaped() throws {
        let scratch = try HostileCommandTests.Scratch()
        try PathBytesTests.create(try PathBytesTests.model, name: Array("bad".utf8) + [0xFF, 0xFE] + Array(".onnx".utf8), in: scratch.url)
        let run = try PathBytesTests.shell(#"exec "$0" inspect "$(printf 'bad\377\376.onnx')""#, in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("bad\\xff\\xfe.onnx\n"), "\(run.stdout.prefix(80))")
        // Folder mode finds it too.
        let folder = try PathBytesTests.shell(#"exec "$0" layers -q ."#, in: scratch.url)
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(folder.stdout.contains("bad\\xff\\xfe.onnx"))
        // A missing non-UTF-8 path is named escaped in its one error line.
        let missing = try PathBytesTests.shell(#"exec "$0" inspect "$(printf 'gone\377.onnx')""#, in: scratch.url)
        #expect(missing.status == 3)
        #expect(missing.stderr == "onnxscope: gone\\xff.onnx: no such file\n")
    }

    @Test func reportWritesTheNameGiven() throws {
        let scratch = try HostileCommandTests.Scratch()
        try PathBytesTests.create(try PathBytesTests.model, name: Array("m.onnx".utf8), in: scratch.url)
        let run = try PathBytesTests.shell(#"exec "$0" report m.onnx -o "$(printf 'r\377.html')""#, in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        let name = Array("r".utf8) + [0xFF] + Array(".html".utf8)
        var info = stat()
        let path = Array(scratch.url.path.utf8) + [0x2F] + name
        #expect(stat(path.map { CChar(bitPattern: $0) } + [0], &info) == 0, "the report is not at the exact name")
        #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("r\u{FFFD}.html").path))
    }

    @Test func modelPathOver4096BytesIsReported() throws {
        let scratch = try HostileCommandTests.Scratch()
        // 25 folders of 200 bytes: the model's path is over 5000 bytes. Made by descriptor.
        var fd = open(scratch.url.path, O_RDONLY | O_DIRECTORY)
        let part = String(repeating: "d", count: 200)
        for _ in 0..<25 {
            #expect(mkdirat(fd, part, 0o755) == 0)
            let next = openat(fd, part, O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = next
        }
        let model = try PathBytesTests.model
        let out = openat(fd, "deep.onnx", O_WRONLY | O_CREAT, 0o644)
        _ = model.withUnsafeBytes { Glibc.write(out, $0.baseAddress, $0.count) }
        close(out)
        close(fd)
        let ok = try scratch.write("ok.onnx", Array(model))
        let run = try CLI.run(["inspect", "-q", scratch.url.path])
        #expect(run.status == 3)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("onnxscope: \(scratch.url.path)/ddd"), "\(run.stderr.prefix(200))")
        #expect(lines.first?.contains("/deep.onnx: cannot be read: path too long (") == true)
        #expect(run.stdout.hasPrefix(ok), "the readable model is still read")
        // Clean up by descriptor too (FileManager cannot remove paths this long).
        let cleanup = Process()
        cleanup.executableURL = URL(fileURLWithPath: "/bin/rm")
        cleanup.arguments = ["-rf", scratch.url.appendingPathComponent(part).path]
        try cleanup.run()
        cleanup.waitUntilExit()
    }

    @Test func folderWithoutModelExits3() throws {
        let scratch = try HostileCommandTests.Scratch()
        _ = try scratch.write("notes.txt", Array("no model".utf8))
        for command in ["inspect", "layers"] {
            let run = try CLI.run([command, scratch.url.path])
            #expect(run.status == 3)
            #expect(run.stderr == "onnxscope: \(scratch.url.path): no .onnx files found\n")
            #expect(run.stdout.isEmpty)
        }
    }
}
