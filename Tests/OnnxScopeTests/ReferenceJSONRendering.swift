import Foundation
@testable import OnnxScope

/// JSON rendering as it was before `JSONWriter`: Foundation's `JSONEncoder` with sorted
/// keys and unescaped slashes, then a re-scan writing every terminal-control character as
/// a `\uXXXX` escape. The reference `JSONWriterTests` compares the writer with, byte for byte.
enum ReferenceJSONRendering {
    static func render<T: Encodable>(_ report: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}" }
        return escapingTerminalControls(String(decoding: data, as: UTF8.self))
    }

    /// `json` with every character a terminal might act on written as a `\uXXXX` escape
    /// (a surrogate pair above U+FFFF). Only string contents can hold such characters, so
    /// the JSON value is unchanged.
    static func escapingTerminalControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: TextFormatting.isTerminalControl) else { return json }
        var out: [UInt8] = []
        out.reserveCapacity(json.utf8.count + json.utf8.count / 4)
        let hex = Array("0123456789abcdef".utf8)
        func escape(_ unit: UInt32) {
            out.append(contentsOf: [0x5C, 0x75])  // \u
            for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((unit >> UInt32(shift)) & 0xF)]) }
        }
        for scalar in json.unicodeScalars {
            if !TextFormatting.isTerminalControl(scalar) {
                UTF8.encode(scalar) { out.append($0) }
            } else if scalar.value > 0xFFFF {
                let v = scalar.value - 0x10000
                escape(0xD800 + (v >> 10))
                escape(0xDC00 + (v & 0x3FF))
            } else {
                escape(scalar.value)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
