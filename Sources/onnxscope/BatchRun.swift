import ArgumentParser
import Foundation
import OnnxScope

/// The options `inspect` and `layers` share: files and folders, format, summary, quiet, jobs, wide.
struct BatchOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output format: table, json or markdown.")
    var format: OutputFormat = .table

    @Flag(help: "After the files, print totals (with --format json, a final summary line).")
    var summary = false

    @Flag(name: .shortAndLong, help: "No progress bar on stderr.")
    var quiet = false

    @Option(name: .shortAndLong, help: "Files read at once (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Whole names in tables, however wide they get (else names fit COLUMNS or the terminal).")
    var wide = false

    @Argument(help: "ONNX model files, folders searched recursively for *.onnx files, or - for standard input.")
    var paths: [String] = []

    /// The table layout: the terminal's width (COLUMNS, else stdout's terminal; none for a pipe) and --wide.
    var layout: TextLayout {
        TextLayout(width: TerminalWidth.ofStandardOutput, wide: wide)
    }

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one model file") }
        if paths.filter({ $0 == ModelSource.standardInput }).count > 1 {
            throw ValidationError("'-' (standard input) can be given only once")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }
}

/// What one file produced: its rendered report and what it adds to the summary.
struct BatchItem: Sendable {
    var text: String
    var contribution: BatchSummary.Contribution
}

/// Reads many model files in parallel and prints their results in order.
///
/// Folders are expanded by ``ModelFinder``; up to `--jobs` files are read at once; each
/// result is printed as soon as every file before it is printed, so the output order is
/// the file order whatever the parallelism. A file that fails prints `onnxscope: PATH:
/// reason` on stderr (and, in JSON, an `{"error", "file"}` line) and the others go on.
struct BatchRun {
    let options: BatchOptions
    let command: String

    /// Runs `work` over every file; throws exit code 3 when any file or folder failed.
    func run(_ work: @escaping @Sendable (String) throws -> BatchItem) throws {
        let expansion = ModelFinder.expand(options.paths)
        for folder in expansion.empty { Output.error(ErrorRendering.line(path: folder, reason: "no .onnx files found")) }
        for problem in expansion.unreadable { Output.error(ErrorRendering.line(path: problem.path, reason: problem.reason)) }
        let files = expansion.files
        let state = BatchState(files: files, options: options, command: command)
        let workers = min(options.jobs ?? ProcessInfo.processInfo.activeProcessorCount, max(files.count, 1))
        // One file: the process exits after it, and its memory goes back with the exit.
        if files.count == 1 { BackgroundFree.keepUntilExit() }
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = state.take() {
                let outcome: BatchState.Outcome
                do {
                    outcome = .success(try work(files[index]))
                } catch let error as DecodeError {
                    outcome = .failure(error.reason)
                } catch {
                    outcome = .failure(String(describing: error))
                }
                state.finish(index, outcome)
            }
        }
        state.end()
        // A folder with no model, or an entry that could not be read, is a failure (exit 3).
        if state.failed || !expansion.unreadable.isEmpty || !expansion.empty.isEmpty {
            throw ExitCode(ExitStatus.unreadable.rawValue)
        }
    }
}

/// The shared state of a ``BatchRun``: the next file to take, finished results waiting
/// for their turn, the summary and the progress bar. Every method takes the lock.
private final class BatchState: @unchecked Sendable {
    enum Outcome {
        case success(BatchItem)
        case failure(String)

        var isFailure: Bool {
            switch self {
            case .success: false
            case .failure: true
            }
        }
    }

    private let lock = NSLock()
    private let files: [String]
    private let format: OutputFormat
    private let wantSummary: Bool
    private var nextToTake = 0
    private var nextToPrint = 0
    private var waiting: [Int: Outcome] = [:]
    private var printedBlocks = 0
    private var done = 0
    private var summary: BatchSummary
    private let progress: ProgressBar
    private(set) var failed = false

    init(files: [String], options: BatchOptions, command: String) {
        self.files = files
        format = options.format
        wantSummary = options.summary
        summary = BatchSummary(command: command)
        progress = ProgressBar(total: files.count, quiet: options.quiet)
    }

    /// The index of the next file to read, or nil when all are taken.
    func take() -> Int? {
        lock.withLock {
            guard nextToTake < files.count else { return nil }
            defer { nextToTake += 1 }
            progress.update(done: done, current: files[nextToTake])
            return nextToTake
        }
    }

    /// Records a finished file and prints every result whose turn has come.
    func finish(_ index: Int, _ outcome: Outcome) {
        lock.withLock {
            waiting[index] = outcome
            done += 1
            var cleared = false
            while let ready = waiting.removeValue(forKey: nextToPrint) {
                // The bar shares the terminal with stdout (when it is one) and with error lines.
                if !cleared, progress.stdoutIsTerminal || ready.isFailure {
                    progress.clear()
                    cleared = true
                }
                emit(files[nextToPrint], ready)
                nextToPrint += 1
            }
            progress.update(done: done, current: files[index], force: cleared)
        }
    }

    /// Prints the summary, when asked, and erases the progress bar.
    func end() {
        lock.withLock {
            progress.clear()
            guard wantSummary else { return }
            if format != .json, printedBlocks > 0 { Output.write("") }
            Output.write(BatchRendering.render(summary, as: format))
        }
    }

    private func emit(_ path: String, _ outcome: Outcome) {
        switch outcome {
        case .success(let item):
            summary.add(item.contribution)
            if format != .json, printedBlocks > 0 { Output.write("") }
            Output.write(item.text)
            printedBlocks += 1
        case .failure(let reason):
            summary.addFailure(path: path)
            failed = true
            Output.error(ErrorRendering.line(path: path, reason: reason))
            if format == .json { Output.write(BatchRendering.errorObject(file: path, reason: reason)) }
        }
    }
}
