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
        3 an input could not be read as an ONNX model.
        """,
        version: "0.1.0",
        subcommands: [Inspect.self, Layers.self, Diff.self, Audit.self, Report.self, Schema.self]
    )

    /// Runs the command with the documented exit codes: usage errors exit 2 (not
    /// ArgumentParser's 64), help and version exit 0.
    static func main() {
        if let unknown = unknownSubcommand(Array(CommandLine.arguments.dropFirst())) {
            Output.error(unknown)
            Foundation.exit(ExitStatus.usage.rawValue)
        }
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
