import Foundation
import Testing

/// A model truncated by another process while `diff` reads it: exit 3 with "the file
/// changed while it was read", never SIGBUS (exit 135).
@Suite("truncated while mapped")
struct TruncationTests {
    /// A model of four 16 MB FLOAT initializers (64 MB of raw_data).
    static func bigModel() -> [UInt8] {
        let n = 4 << 20
        var graph: [UInt8] = []
        for k in 0..<4 {
            let tensor = Bytes.field(1, varint: UInt64(n)) + Bytes.field(2, varint: 1) + Bytes.field(8, Array("w\(k)".utf8))
                + Bytes.field(9, [UInt8](repeating: UInt8(k + 1), count: 4 * n))
            graph += Bytes.field(5, tensor)
        }
        return Bytes.field(1, varint: 8) + Bytes.field(7, graph) + Bytes.field(8, Bytes.field(2, varint: 17))
    }

    @Test func truncatedDuringDiff() throws {
        let scratch = try HostileCommandTests.Scratch()
        let bytes = TruncationTests.bigModel()
        let a = try scratch.write("a.onnx", bytes)
        var changed = 0
        var outcomes: [String] = []
        // Each run: the second file is truncated as soon as the process has mapped it
        // (seen in /proc/PID/maps), before it hashes the 64 MB of payloads.
        for _ in 0..<3 {
            let b = try scratch.write("b.onnx", bytes)
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["diff", a, b]
            let err = Pipe()
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = err
            try process.run()
            let maps = "/proc/\(process.processIdentifier)/maps"
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, process.isRunning {
                if let text = try? String(contentsOfFile: maps, encoding: .utf8), text.contains(b) { break }
                usleep(500)
            }
            #expect(truncate(b, 100_000) == 0)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let signaled = process.terminationReason == .uncaughtSignal
            outcomes.append("\(signaled ? "signal " : "exit ")\(process.terminationStatus): \(stderr)")
            #expect(!signaled, "killed by signal \(process.terminationStatus)")
            #expect([0, 3].contains(process.terminationStatus), "\(stderr)")
            if process.terminationStatus == 3 {
                #expect(stderr.split(separator: "\n").count == 1 && stderr.hasPrefix("onnxscope: \(b): "), "\(stderr)")
                if stderr == "onnxscope: \(b): the file changed while it was read\n" { changed += 1 }
            }
        }
        #expect(changed >= 2, "runs that saw the file shrink while mapped: \(outcomes)")
    }
}
