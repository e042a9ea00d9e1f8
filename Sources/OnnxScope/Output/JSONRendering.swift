import Foundation

/// Renders any report as JSON: sorted keys, no escaped slashes, compact (one line) or
/// pretty. Strings from the model are kept whole: the JSON encoder escapes C0 control
/// characters, and DEL, C1 controls (U+0080–U+009F, which some terminals obey as escape
/// sequences), Unicode format characters (bidi overrides) and line separators are written
/// as `\uXXXX` escapes too, so printing the JSON on a terminal cannot drive it. Invalid
/// UTF-8 from the file was already replaced with U+FFFD when it was decoded.
enum JSONRendering {
    /// The report as JSON text, without a trailing newline.
    public static func render<T: Encodable>(_ report: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}" }
        return escapingTerminalControls(String(decoding: data, as: UTF8.self))
    }

    /// `json` with every character a terminal might act on written as a `\uXXXX` escape.
    /// Only string contents can hold such characters, so the JSON value is unchanged.
    static func escapingTerminalControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: TextFormatting.isTerminalControl) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            guard TextFormatting.isTerminalControl(scalar) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: false)
            for c in "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex { out.append(contentsOf: c.unicodeScalars) }
        }
        return String(out)
    }
}
