import Foundation
import Testing
@testable import OnnxScope

/// `ModelFile.open(bytes:name:)` decodes exactly as opening the file does; the text and
/// JSON escaping that keeps names from driving a terminal.
@Suite("In-memory open and safe text")
struct InMemoryAndSafeTextTests {
    @Test func bytesDecodeLikeTheFile() throws {
        let path = Fixtures.path("handbuilt/external.onnx")
        let fromFile = try ModelFile.open(path)
        let fromBytes = try ModelFile.open(bytes: try Data(contentsOf: URL(fileURLWithPath: path)), name: path)
        #expect(fromBytes.model == fromFile.model)
        #expect(fromBytes.fileSize == fromFile.fileSize)
        #expect(fromBytes.metadataBytes == fromFile.metadataBytes)
        #expect(InspectReport(file: fromBytes) == InspectReport(file: fromFile))
        // External data is found next to `name`, and inline payloads read from the copy.
        for tensor in fromFile.model.graph.initializers {
            #expect(try fromBytes.values(of: tensor).doubles() == fromFile.values(of: tensor).doubles())
        }
    }

    @Test func emptyBytesAreAnEmptyFile() {
        #expect(throws: DecodeError(path: "mem.onnx", failure: .empty)) {
            try ModelFile.open(bytes: [UInt8](), name: "mem.onnx")
        }
    }

    @Test func safeEscapesEverythingATerminalObeys() {
        let F = TextFormatting.self
        #expect(F.safe("a\u{1B}[31mb") == "a\\u{1b}[31mb")
        #expect(F.safe("x\u{9B}2J") == "x\\u{9b}2J")
        #expect(F.safe("\u{7F}") == "\\u{7f}")
        #expect(F.safe("rtl\u{202E}gpj.exe") == "rtl\\u{202e}gpj.exe")
        #expect(F.safe("line\u{2028}sep\nnew") == "line\\u{2028}sep\\u{a}new")
        #expect(F.safe("héllo ✓ 日本") == "héllo ✓ 日本")
        #expect(F.safe(String(repeating: "a", count: 100), limit: 11) == "aaaaa…aaaaa")
    }

    @Test func invalidUTF8FromTheFileBecomesReplacementCharacters() throws {
        let name: [UInt8] = [0x61, 0xFF, 0xC0, 0x62]
        let model = ModelBytes.model(ProtoWriter.message { g in
            g.field(1, bytes: ProtoWriter.message { n in
                n.field(3, bytes: name)
                n.field(4, string: "Relu")
            })
        })
        let file = try ModelFile.open(bytes: model, name: "/nonexistent/utf8.onnx")
        #expect(file.model.graph.nodes.first?.name == "a\u{FFFD}\u{FFFD}b")
    }

    @Test func jsonEscapesTerminalControlsButKeepsTheValue() throws {
        let value = "esc\u{1B}[0m c1\u{9B} bidi\u{202E} sep\u{2028} ok✓"
        let json = JSONRendering.render(["name": value])
        #expect(!json.unicodeScalars.contains { [0x1B, 0x9B, 0x202E, 0x2028].contains($0.value) })
        #expect(json.contains("\\u009b") && json.contains("\\u202e") && json.contains("\\u2028"))
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        #expect(decoded["name"] == value)
    }

    @Test func errorLinesStayOneLine() {
        let error = PayloadError(path: "m.onnx", tensor: "w\n\u{1B}[2J", failure: .noData(elements: 3))
        #expect(ErrorRendering.line(error) == "onnxscope: m.onnx: tensor 'w\\u{a}\\u{1b}[2J': no stored data for 3 elements")
    }
}
