import ArgumentParser
import Foundation

/// The `onnxscope` command: what is really inside ONNX model files.
@main
struct OnnxScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnxscope",
        abstract: "Inspect ONNX model files: stored weights, layers, and what changed.",
        discussion: """
        Exit codes: 0 success (diff: no difference); 1 diff: the models differ; 2 usage error; \
        3 an input could not be read as an ONNX model.
        """,
        version: "0.1.0",
        subcommands: [Inspect.self, Layers.self, Diff.self, Audit.self, Report.self]
    )

    /// Runs the command with the documented exit codes: usage errors exit 2 (not
    /// ArgumentParser's 64), help and version exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if status == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Output.error(message) }
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}

/// The documented exit codes.
enum ExitStatus: Int32 {
    case success = 0
    case differences = 1
    case usage = 2
    case unreadable = 3
}

/// Where the CLI writes: results to stdout, errors to stderr.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
