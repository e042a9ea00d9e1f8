import Foundation

/// Runs the built `onnxscope` binary and captures what a user would see.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary under test: `ONNXSCOPE_BIN` if set, else the debug build beside the tests.
    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["ONNXSCOPE_BIN"] {
            return URL(fileURLWithPath: override)
        }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("onnxscope")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return packageRoot.appendingPathComponent(".build/debug/onnxscope")
    }

    static func fixture(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    static func run(_ arguments: [String]) throws -> CLIRun {
        try run(executable: binary, arguments)
    }

    /// Runs any program, capturing stdout, stderr and the exit status.
    static func run(executable: URL, _ arguments: [String]) throws -> CLIRun {
        let raw = try runBytes(executable: executable, arguments)
        return CLIRun(status: raw.status, stdout: String(decoding: raw.stdout, as: UTF8.self),
                      stderr: String(decoding: raw.stderr, as: UTF8.self))
    }

    /// Runs the binary and returns stdout and stderr as the bytes it wrote.
    static func runBytes(_ arguments: [String]) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        try runBytes(executable: binary, arguments)
    }

    /// Runs a program and returns stdout and stderr as the bytes it wrote.
    static func runBytes(executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // A signal is reported as a shell does (128 + signal: SIGILL 132, SIGBUS 135), so it
        // cannot pass for a documented exit code.
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, [UInt8](outData), [UInt8](errData))
    }
}
