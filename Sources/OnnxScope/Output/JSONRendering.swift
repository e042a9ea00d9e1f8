/// Renders any report as JSON: sorted keys, no escaped slashes, compact (one line) or
/// pretty. Strings from the model are kept whole: C0 control characters get JSON's escapes,
/// and DEL, C1 controls (U+0080–U+009F, which some terminals obey as escape sequences),
/// Unicode format characters (bidi overrides) and line separators are written as `\uXXXX`
/// escapes too, so printing the JSON on a terminal cannot drive it. Invalid UTF-8 from the
/// file was already replaced with U+FFFD when it was decoded.
///
/// The text is written in one pass by `JSONWriter`, byte for byte what Foundation's
/// `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`, `.prettyPrinted` when pretty)
/// followed by the terminal-control escapes gave (`JSONWriterTests` compares the two on
/// every fixture).
enum JSONRendering {
    /// The report as JSON text, without a trailing newline; `{}` for a value JSON cannot
    /// hold (NaN or an infinity, 512 nested containers).
    public static func render<T: Encodable>(_ report: T, pretty: Bool = false) -> String {
        JSONWriter.render(report, pretty: pretty) ?? "{}"
    }
}
