import Foundation

/// Renders any report as JSON: sorted keys, no escaped slashes, compact (one line) or
/// pretty. Strings from the model are escaped by the JSON encoder, control characters
/// included, so JSON keeps names whole.
public enum JSONRendering {
    /// The report as JSON text, without a trailing newline.
    public static func render<T: Encodable>(_ report: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
