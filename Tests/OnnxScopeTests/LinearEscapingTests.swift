import Foundation
import Testing
@testable import OnnxScope

/// Every renderer escapes in linear time: a 1 MB string of each character class a
/// terminal may act on (and two that need no work) renders within a generous bound.
@Suite("linear escaping")
struct LinearEscapingTests {
    /// The classes: DEL, a C1 control, U+2028, U+202E, ESC, U+FFFD, a format character
    /// above U+FFFF (U+E0001), and plain ASCII.
    static let classes: [(String, Unicode.Scalar)] = [
        ("DEL", "\u{7F}"), ("C1", "\u{85}"), ("LS", "\u{2028}"), ("RLO", "\u{202E}"), ("ESC", "\u{1B}"),
        ("FFFD", "\u{FFFD}"), ("TAG", "\u{E0001}"), ("ASCII", "a"),
    ]

    /// About 1 MB (UTF-8) of `scalar`.
    static func megabyte(_ scalar: Unicode.Scalar) -> String {
        let width = String(scalar).utf8.count
        return String(repeating: String(scalar), count: (1 << 20) / width)
    }

    struct Named: Encodable { var name: String }

    /// Seconds `work` takes.
    static func seconds(_ work: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test("JSON", arguments: classes.map(\.0))
    func json(kind: String) throws {
        let scalar = try #require(LinearEscapingTests.classes.first { $0.0 == kind }?.1)
        let text = LinearEscapingTests.megabyte(scalar)
        var rendered = ""
        let time = LinearEscapingTests.seconds { rendered = JSONRendering.render(Named(name: text)) }
        // Measured in a debug build: at most 1.2 s (DEL: 1 M escapes); the bound is over 10x
        // that. The quadratic escaper took minutes on half as much.
        #expect(time < 15, "\(kind): \(time) s")
        // Round trip: the escapes decode back to the very string.
        let decoded = try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: String]
        #expect(decoded?["name"] == text, "\(kind): round trip")
        if TextFormatting.isTerminalControl(scalar) {
            #expect(!rendered.unicodeScalars.contains(scalar), "\(kind): left raw")
        }
    }

    @Test("table, Markdown and HTML", arguments: classes.map(\.0))
    func text(kind: String) throws {
        let scalar = try #require(LinearEscapingTests.classes.first { $0.0 == kind }?.1)
        let text = LinearEscapingTests.megabyte(scalar)
        var outputs: [String] = []
        let time = LinearEscapingTests.seconds {
            outputs = [TextFormatting.safe(text, limit: Int.max), TextFormatting.markdownCell(text, limit: Int.max),
                       HTMLDocument.escape(text, limit: Int.max), ErrorRendering.line(path: text, reason: text)]
        }
        // Measured in a debug build: at most 3.0 s for all four; the bound is over 10x that.
        #expect(time < 40, "\(kind): \(time) s")
        for out in outputs where TextFormatting.isTerminalControl(scalar) || scalar == "\u{1B}" {
            #expect(!out.unicodeScalars.contains(scalar), "\(kind): left raw")
        }
    }
}
