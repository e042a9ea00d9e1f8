import Foundation

/// The width of the terminal output goes to.
enum TerminalWidth {
    /// `COLUMNS` when set, else the width of the terminal on stdout; nil when stdout is not one.
    static var ofStandardOutput: Int? {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return nil
    }
}
