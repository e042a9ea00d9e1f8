import ArgumentParser
import Foundation
import OnnxScope

/// The `onnxscope` command: what is really inside ONNX model files.
@main
struct OnnxScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnxscope",
        abstract: "Inspect ONNX model files: stored weights, layers, and what changed.",
        discussion: """
        Exit codes: 0 success (diff: no difference); 1 diff: the models differ; 2 usage error; \
        3 an input could not be read as an ONNX model; 4 output could not be written.
        """,
        version: "0.1.0",
        subcommands: [Inspect.self, Layers.self, Diff.self, Audit.self, Report.self, Schema.self]
    )

    /// Runs the command with the documented exit codes: usage errors exit 2 (not
    /// ArgumentParser's 64), help and version exit 0.
    static func main() {
        PhaseReport.arm()
        // A closed pipe on stdout is a write error (EPIPE, exit 4), not a silent death.
        signal(SIGPIPE, SIG_IGN)
        if let unknown = unknownSubcommand(Array(CommandLine.arguments.dropFirst())) {
            Output.error(unknown)
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        do {
            // The arguments as the bytes given: a path that is not UTF-8 is kept (RawPath).
            let arguments = (1..<Int(CommandLine.argc)).map { i in
                CommandLine.unsafeArgv[i].map { RawPath.string(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? ""
            }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if status == .success {
                if !message.isEmpty { Output.write(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Output.error(message) }
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}

extension OnnxScopeCommand {
    /// The error line for a first argument that is no subcommand, with the closest one
    /// (argument-parser suggests options, but not subcommands); nil when it is one.
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName }
        guard !names.contains(first), first != "help" else { return nil }
        var suggestion = NameSuggestion.closest(to: first, among: names).map { " Did you mean '\($0)'?" } ?? ""
        if suggestion.isEmpty, FileManager.default.fileExists(atPath: first) {
            suggestion = " Did you mean 'onnxscope inspect \(first)'?"
        }
        return "Error: unknown subcommand '\(first)'.\(suggestion) Subcommands: \(names.joined(separator: ", "))."
    }
}

/// The documented exit codes.
enum ExitStatus: Int32 {
    case success = 0
    case differences = 1
    case usage = 2
    case unreadable = 3
    /// Output could not be written: stdout, stderr or the report file.
    case outputFailed = 4
}

/// Where the CLI writes: results to stdout, errors to stderr, with `write(2)` directly.
/// A write that fails (ENOSPC, EPIPE, EIO, ...) ends the process with exit code 4 and one
/// line on stderr, when stderr still works.
enum Output {
    /// `text` and a newline on stdout.
    static func write(_ text: String) {
        send(text + "\n", to: STDOUT_FILENO, name: "stdout")
    }

    /// `text` as is on stdout.
    static func writeRaw(_ text: String) {
        send(text, to: STDOUT_FILENO, name: "stdout")
    }

    /// `text` and a newline on stderr.
    static func error(_ text: String) {
        send(text + "\n", to: STDERR_FILENO, name: "stderr")
    }

    /// `text` as is on stderr (the progress bar).
    static func errorRaw(_ text: String) {
        send(text, to: STDERR_FILENO, name: "stderr")
    }

    /// Writes every byte of `text` to `fd`, or exits 4.
    private static func send(_ text: String, to fd: Int32, name: String) {
        if let failure = OutputFile.writeAll(Array(text.utf8), to: fd) {
            fail(ErrorRendering.line(path: name, reason: "cannot write: \(String(cString: strerror(failure)))"))
        }
    }

    /// One line on stderr (its failure ignored: there is nowhere left to say it), then exit 4.
    static func fail(_ line: String) -> Never {
        _ = OutputFile.writeAll(Array((line + "\n").utf8), to: STDERR_FILENO)
        exit(ExitStatus.outputFailed.rawValue)
    }
}
