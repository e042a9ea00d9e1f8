import Foundation
import Testing

/// Memory per byte of input: every command stays within 64 MB + 50 bytes per byte of its
/// inputs. Files of millions of empty messages, which would cost hundreds of bytes per
/// byte, are refused by the pre-pass's budget with one line; small real tensors are read.
@Suite("memory per input byte")
struct MemoryBoundTests {
    /// Peak resident memory (bytes) and exit status of the binary, measured by GNU time.
    static func peak(_ arguments: [String], in folder: URL) throws -> (bytes: Int, status: Int32, stderr: String) {
        let report = folder.appendingPathComponent("time-\(UUID().uuidString).txt").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M", "-o", report, CLI.binary.path] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let text = try String(contentsOfFile: report, encoding: .utf8)
        let kilobytes = text.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last ?? Int.max / 1024
        return (kilobytes * 1024, process.terminationStatus, stderr)
    }

    static func bound(_ inputBytes: Int) -> Int { (64 << 20) + 50 * inputBytes }

    static func graph(_ content: [UInt8]) -> [UInt8] {
        Bytes.field(1, varint: 8) + Bytes.field(7, content) + Bytes.field(8, Bytes.field(2, varint: 17))
    }

    /// One node with a GRAPHS attribute of two million empty subgraphs (4 MB), and a
    /// million empty tensors (2 MB): refused in one line, within the bound.
    @Test(arguments: ["graphs", "tensors"])
    func emptyMessagesAreRefused(kind: String) throws {
        let scratch = try HostileCommandTests.Scratch()
        let body: [UInt8]
        if kind == "graphs" {
            let attribute = Bytes.field(1, Array("g".utf8)) + Bytes.field(20, varint: 10)
                + [UInt8]((0..<2_000_000).lazy.flatMap { _ in [0x5A, 0x00] })  // field 11, length 0
            body = Bytes.field(1, Bytes.field(4, Array("If".utf8)) + Bytes.field(5, attribute))
        } else {
            body = [UInt8]((0..<1_000_000).lazy.flatMap { _ in [0x2A, 0x00] })  // field 5, length 0
        }
        let bytes = MemoryBoundTests.graph(body)
        let path = try scratch.write("\(kind).onnx", bytes)
        for arguments in [["inspect", path], ["layers", path], ["diff", path, path]] {
            let run = try MemoryBoundTests.peak(arguments, in: scratch.url)
            #expect(run.status == 3, "\(arguments[0]): \(run.stderr)")
            #expect(run.stderr.hasPrefix("onnxscope: \(path): too many small messages for the file's size"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            let input = bytes.count * (arguments[0] == "diff" ? 2 : 1)
            #expect(run.bytes <= MemoryBoundTests.bound(input), "\(arguments[0]): \(run.bytes >> 20) MB")
        }
    }

    /// 100,000 real tensors of about 21 bytes each (a name, one dim, four bytes of
    /// raw_data): read by every command within the bound (measured: about 45 bytes per
    /// byte for report and diff, the worst).
    @Test func smallTensorsStayWithinTheBound() throws {
        let scratch = try HostileCommandTests.Scratch()
        func model(_ prefix: String) -> [UInt8] {
            MemoryBoundTests.graph((0..<100_000).flatMap { i in
                Bytes.field(5, Bytes.field(1, varint: 1) + Bytes.field(2, varint: 1) + Bytes.field(8, Array("\(prefix)\(i)".utf8))
                    + Bytes.field(9, [0, 0, 0x80, 0x3F]))
            })
        }
        let a = model("ab"), b = model("cd")
        let pa = try scratch.write("a.onnx", a), pb = try scratch.write("b.onnx", b)
        let report = scratch.url.appendingPathComponent("r.html").path
        for arguments in [["inspect", pa], ["layers", pa], ["audit", pa], ["diff", pa, pb], ["report", pa, pb, "-o", report]] {
            let run = try MemoryBoundTests.peak(arguments, in: scratch.url)
            #expect([0, 1].contains(run.status), "\(arguments[0]): \(run.stderr)")
            let input = ["diff", "report"].contains(arguments[0]) ? a.count + b.count : a.count
            #expect(run.bytes <= MemoryBoundTests.bound(input), "\(arguments[0]): \(run.bytes >> 20) MB for \(input) bytes")
        }
    }
}
