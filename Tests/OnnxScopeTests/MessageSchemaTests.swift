import Foundation
import Testing
@testable import OnnxScope

/// The pre-pass's hand-written message tree (`Decoding/MessageSchema.swift`) agrees with
/// `proto/onnx.proto`, field by field: every message-typed field of every message the
/// pre-pass descends into is known to it, with the right kind of message, and it knows no
/// field the schema does not have as a message.
@Suite("MessageSchema matches proto/onnx.proto")
struct MessageSchemaTests {
    /// A message-typed field: its number and its (fully qualified) message type.
    struct Field: Hashable {
        var number: UInt64
        var type: String
    }

    /// Message name → its message-typed fields, and every message name, from the proto file.
    static func parse() throws -> (fields: [String: [Field]], messages: Set<String>) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("proto/onnx.proto")
        let text = try String(contentsOf: url, encoding: .utf8)
        var scope: [(name: String, isMessage: Bool)] = []
        var raw: [String: [(UInt64, String)]] = [:]
        var messages: Set<String> = []
        let field = try Regex(#"^\s*(?:optional |repeated |required )?([A-Za-z_][\w.]*)\s+\w+\s*=\s*(\d+)"#)
        let opener = try Regex(#"^\s*(message|enum|oneof)\s+(\w+)\s*\{"#)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map({ $0.split(separator: "//").first.map(String.init) ?? "" }) {
            let current = scope.filter(\.isMessage).map(\.name).joined(separator: ".")
            if let m = try opener.firstMatch(in: line), let kind = m.output[1].substring, let name = m.output[2].substring {
                if kind == "message" {
                    messages.insert(current.isEmpty ? String(name) : "\(current).\(name)")
                    scope.append((String(name), true))
                } else {
                    scope.append((kind == "enum" ? "#enum" : "#oneof", false))
                }
                continue
            }
            if line.contains("}") {
                _ = scope.popLast()
                continue
            }
            guard scope.last.map({ $0.isMessage || $0.name == "#oneof" }) == true, let m = try field.firstMatch(in: line),
                  let type = m.output[1].substring, let number = m.output[2].substring.flatMap({ UInt64($0) })
            else { continue }
            raw[current, default: []].append((number, String(type)))
        }
        // Resolve each type: a nested message of the enclosing messages, or a top-level one.
        var fields: [String: [Field]] = [:]
        for (message, list) in raw {
            for (number, type) in list {
                var parts = message.split(separator: ".").map(String.init)
                var resolved: String?
                while resolved == nil {
                    let candidate = (parts + [type]).joined(separator: ".")
                    if messages.contains(candidate) { resolved = candidate }
                    if parts.isEmpty { break }
                    parts.removeLast()
                }
                if let resolved { fields[message, default: []].append(Field(number: number, type: resolved)) }
            }
        }
        return (fields, messages)
    }

    /// Messages the pre-pass treats as one structure (same message-typed fields).
    static let aliases = ["TypeProto.Optional": "TypeProto.Sequence", "TypeProto.SparseTensor": "TypeProto.Tensor"]

    @Test("every message kind's fields", arguments: MessageKind.allCases.filter { $0 != .leaf })
    func kind(_ kind: MessageKind) throws {
        let (fields, messages) = try Self.parse()
        #expect(messages.contains(kind.protoName), "\(kind.protoName) is not in proto/onnx.proto")
        let schema = fields[kind.protoName] ?? []
        #expect(!schema.isEmpty, "\(kind.protoName) has no message fields in the schema")
        for f in schema {
            let child = try #require(kind.child(f.number), "\(kind.protoName) field \(f.number) (\(f.type)) is unknown to the pre-pass")
            if child == .leaf {
                // A leaf holds no message-typed fields the pre-pass must descend into.
                #expect((fields[f.type] ?? []).isEmpty, "\(kind.protoName).\(f.number): \(f.type) has sub-messages")
            } else {
                #expect(child.protoName == (Self.aliases[f.type] ?? f.type), "\(kind.protoName).\(f.number)")
            }
        }
        // No field the pre-pass descends into is a scalar in the schema.
        let numbers = Set(schema.map(\.number))
        for n in UInt64(1)...40 where kind.child(n) != nil {
            #expect(numbers.contains(n), "\(kind.protoName) field \(n) is not a message field in the schema")
        }
    }
}
