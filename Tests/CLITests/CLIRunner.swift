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

    /// Runs the binary with `environment` added to (or, for nil values, removed from) the test's own.
    static func run(_ arguments: [String], environment: [String: String?]) throws -> CLIRun {
        let raw = try runBytes(executable: binary, arguments, environment: environment)
        return CLIRun(status: raw.status, stdout: String(decoding: raw.stdout, as: UTF8.self),
                      stderr: String(decoding: raw.stderr, as: UTF8.self))
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

    /// What the child reads on standard input.
    enum Input {
        /// A file opened on stdin, as `< FILE` does.
        case file(String)
        /// Bytes written into a pipe, as `cat FILE |` does.
        case piped([UInt8])
    }

    /// Runs the binary with `input` on its standard input.
    static func run(_ arguments: [String], input: Input) throws -> CLIRun {
        let raw = try runBytes(executable: binary, arguments, input: input)
        return CLIRun(status: raw.status, stdout: String(decoding: raw.stdout, as: UTF8.self),
                      stderr: String(decoding: raw.stderr, as: UTF8.self))
    }

    /// Runs a program and returns stdout and stderr as the bytes it wrote.
    static func runBytes(executable: URL, _ arguments: [String], input: Input? = nil, environment: [String: String?] = [:]) throws
        -> (status: Int32, stdout: [UInt8], stderr: [UInt8])
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // COLUMNS sets the table width: a test runs without it unless it asks.
        var variables = ProcessInfo.processInfo.environment
        variables["COLUMNS"] = nil
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var feed: Pipe?
        switch input {
        case .file(let path): process.standardInput = FileHandle(forReadingAtPath: path)
        case .piped:
            feed = Pipe()
            process.standardInput = feed
        case nil: break
        }
        try process.run()
        if case .piped(let bytes) = input, let writer = feed?.fileHandleForWriting {
            // Written from another thread, so a child that stops reading cannot block the test.
            Thread.detachNewThread {
                try? writer.write(contentsOf: Data(bytes))
                try? writer.close()
            }
        }
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
