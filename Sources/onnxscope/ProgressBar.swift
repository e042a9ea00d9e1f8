import Foundation
import OnnxScope

/// The progress bar on stderr while many files are read: drawn only when stderr is a
/// terminal and `--quiet` is not given, redrawn at most ten times a second, erased
/// before anything else is printed and at the end. Not thread-safe: ``BatchRun`` calls
/// it under its lock.
final class ProgressBar {
    private let enabled: Bool
    private let total: Int
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var visible = false
    /// True when stdout is the same kind of terminal: results must then erase the bar first.
    let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    init(total: Int, quiet: Bool) {
        self.total = total
        enabled = !quiet && total > 1 && isatty(STDERR_FILENO) == 1
    }

    /// Shows `done` of the total, naming `current`; throttled unless `force`.
    func update(done: Int, current: String, force: Bool = false) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let line = ProgressRendering.line(done: done, total: total, current: current,
                                          seconds: now.timeIntervalSince(start), width: ProgressBar.columns())
        Output.errorRaw("\r\u{1b}[K" + line)
        visible = true
    }

    /// Erases the bar so that other output starts on a clean line.
    func clear() {
        guard enabled, visible else { return }
        Output.errorRaw("\r\u{1b}[K")
        visible = false
    }

    /// The terminal's width, from the terminal itself or `COLUMNS`, else 80.
    private static func columns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        return 80
    }
}
