/// Renders a failure to read a file as the one line the CLI prints on stderr.
public enum ErrorRendering {
    /// `onnxscope: PATH: reason (at byte N)`, with every control character and escape
    /// sequence from the path or the file (a tensor name in a payload error) shown as a
    /// `\u{1b}`-style escape, so the line stays one line and cannot drive the terminal.
    public static func line(_ error: any Error) -> String {
        "onnxscope: " + TextFormatting.safe(String(describing: error), limit: Int.max)
    }

    /// The same line for a path and a reason given apart.
    public static func line(path: String, reason: String) -> String {
        "onnxscope: " + TextFormatting.safe("\(path): \(reason)", limit: Int.max)
    }
}
