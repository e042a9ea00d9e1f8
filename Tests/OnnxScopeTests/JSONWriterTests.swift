import Foundation
import Testing
@testable import OnnxScope

/// A key made at run time.
private struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A JSON-like value encoded through every container kind.
private indirect enum Tree: Encodable {
    case object([(String, Tree)])
    case dictionary([String: Tree])
    case array([Tree])
    case text(String)
    case int(Int64)
    case unsigned(UInt64)
    case double(Double)
    case float(Float)
    case bool(Bool)
    case null
    case ints([Int64])
    case texts([String])

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let entries):
            var c = encoder.container(keyedBy: DynamicKey.self)
            for (k, v) in entries {
                switch v {
                case .text(let s): try c.encode(s, forKey: DynamicKey(stringValue: k))
                case .int(let i): try c.encode(i, forKey: DynamicKey(stringValue: k))
                case .double(let d): try c.encode(d, forKey: DynamicKey(stringValue: k))
                case .null: try c.encodeNil(forKey: DynamicKey(stringValue: k))
                default: try c.encode(v, forKey: DynamicKey(stringValue: k))
                }
            }
        case .dictionary(let d): try d.encode(to: encoder)
        case .array(let elements):
            var c = encoder.unkeyedContainer()
            for v in elements {
                switch v {
                case .text(let s): try c.encode(s)
                case .unsigned(let u): try c.encode(u)
                case .null: try c.encodeNil()
                default: try c.encode(v)
                }
            }
        case .text(let s): try s.encode(to: encoder)
        case .int(let i): try i.encode(to: encoder)
        case .unsigned(let u): try u.encode(to: encoder)
        case .double(let d): try d.encode(to: encoder)
        case .float(let f): try f.encode(to: encoder)
        case .bool(let b): try b.encode(to: encoder)
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .ints(let a): try a.encode(to: encoder)
        case .texts(let a): try a.encode(to: encoder)
        }
    }
}

/// Both renderings, compact and pretty, equal; returns the compact one.
@discardableResult
private func same<T: Encodable>(_ value: T, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) -> String {
    for pretty in [true, false] {
        let new = JSONRendering.render(value, pretty: pretty)
        let old = ReferenceJSONRendering.render(value, pretty: pretty)
        #expect(new == old, "\(what) \(pretty ? "pretty" : "compact")", sourceLocation: sourceLocation)
    }
    return JSONRendering.render(value)
}

/// Keys whose order differs between byte order and any other order one might guess.
private let trickyKeys = ["Softmax", "com.microsoft.Attention", "a10", "a9", "B", "a", "_x", "Z", "é", "e\u{301}", "", " ", "a b",
                          "ab", "aB", "Ab", "A", "1", "10", "9", "-", "\u{7F}", "\u{85}", "\u{202E}", "😀", "\u{FFFD}", "\"q", "\\"]

@Suite("JSON writer: the edge cases, against JSONEncoder")
struct JSONWriterTests {
    @Test func keysSortByUTF8Bytes() {
        let d = Dictionary(uniqueKeysWithValues: ["Softmax", "com.microsoft.Attention", "a10", "a9", "B", "a", "_x", "Z"].map { ($0, 1) })
        // Byte order, as JSONEncoder's .sortedKeys outside Apple platforms: not case-folded, not numeric.
        #expect(same(d) == #"{"B":1,"Softmax":1,"Z":1,"_x":1,"a":1,"a10":1,"a9":1,"com.microsoft.Attention":1}"#)
        // "é" and "e\u{301}" are one key for a Swift dictionary (and for JSONEncoder's).
        same(Dictionary(trickyKeys.map { ($0, $0) }, uniquingKeysWith: { a, _ in a }), "tricky keys")
        same(Tree.object(trickyKeys.reversed().map { ($0, .text($0)) }), "tricky keys, reversed")
        same(Tree.object(trickyKeys.sorted().map { ($0, .int(1)) }), "tricky keys, sorted by String <")
        same([HyperKey.allCases.reduce(into: [HyperKey: Int]()) { $0[$1] = $1.rawValue.count }], "HyperKey-keyed")
        same([3: "c", 10: "j", -1: "z"], "Int-keyed")
    }

    @Test func aKeyWrittenTwiceKeepsItsLastValue() {
        let t = Tree.object([("b", .int(1)), ("a", .int(2)), ("b", .text("second")), ("c", .null), ("a", .array([]))])
        #expect(same(t) == #"{"a":[],"b":"second","c":null}"#)
        same(Tree.object([("a", .int(1)), ("a", .int(2))]), "in order")
        // Keys equal as Strings but not as bytes: one entry, the first key's text, the last value.
        let equivalent = Tree.object([("e\u{301}", .int(1)), ("f", .int(2)), ("\u{E9}", .int(3)), ("e", .int(4))])
        #expect(same(equivalent) == "{\"e\":4,\"e\u{301}\":3,\"f\":2}")
        same(Tree.object([("\u{E9}", .int(1)), ("e\u{301}", .int(2))]), "equivalent keys, reversed")
    }

    @Test func numbers() {
        let doubles: [Double] = [0.1, 1.0, 1e20, 1e-7, 0.998123, .greatestFiniteMagnitude, -0.0, 0, .leastNonzeroMagnitude,
                                 .leastNormalMagnitude, 1e16, 1e15, 1.2345678901234568e20, 100, -2.5, 1.0 / 3, 2e-308, 9007199254740992]
        #expect(same(doubles) == "[0.1,1,1e+20,1e-07,0.998123,1.7976931348623157e+308,-0,0,5e-324,2.2250738585072014e-308,1e+16,"
            + "1000000000000000,1.2345678901234568e+20,100,-2.5,0.3333333333333333,2e-308,9007199254740992]")
        same(Tree.array(doubles.map { .double($0) }), "doubles one by one")
        same(Tree.object(doubles.enumerated().map { ("k\($0.offset)", .double($0.element)) }), "doubles as values")
        let floats: [Float] = [0.1, 1, 1e20, 1e-7, .greatestFiniteMagnitude, -0.0, .leastNonzeroMagnitude, 16_777_216, 0.998123]
        #expect(same(floats) == "[0.1,1,1e+20,1e-07,3.4028235e+38,-0,1e-45,16777216,0.998123]")
        same(Tree.array(floats.map { .float($0) }), "floats one by one")
        #expect(same([Int64.min, Int64.max, 0, -1]) == "[-9223372036854775808,9223372036854775807,0,-1]")
        same([UInt64.max, 0], "UInt64")
        same([Int.min, Int.max], "Int")
        same(Tree.array([.unsigned(.max), .int(.min)]), "extremes one by one")
        same([Int8.min, Int8.max], "Int8")
        same([Int16.min], "Int16")
        same([Int32.min], "Int32")
        same([UInt8.max], "UInt8")
        same([UInt16.max], "UInt16")
        same([UInt32.max], "UInt32")
        same([UInt.max], "UInt")
        same([Int128.min, Int128.max], "Int128")
        same([UInt128.max], "UInt128")
        same(["i8": Int8(-3)], "Int8 value")
        same(Decimal(string: "1.50"), "Decimal")
    }

    @Test func nonFiniteNumbersFailAsInJSONEncoder() {
        for v in [Double.nan, .infinity, -.infinity] {
            #expect(JSONRendering.render(v) == "{}")
            #expect(JSONRendering.render(["a": [v]], pretty: true) == "{}")
            #expect(JSONRendering.render(Tree.object([("x", .int(1)), ("y", .double(v))])) == "{}")
            #expect(ReferenceJSONRendering.render(["a": v]) == "{}")
        }
        #expect(JSONRendering.render([Float.nan]) == "{}")
    }

    @Test func strings() {
        var scalars = (0..<0x300).compactMap(Unicode.Scalar.init).map(String.init)
        scalars += ["\u{2028}", "\u{2029}", "\u{202E}", "\u{200B}", "\u{FEFF}", "\u{E0001}", "\u{FFFD}", "\u{600}", "\u{1F600}",
                    "\u{10FFFF}", "\u{FFF9}", "\u{1D173}", "/", "</script>", "e\u{301}"]
        same(scalars, "each scalar as an array element")
        same(Tree.array(scalars.map { .text($0) }), "each scalar as a string")
        same(Dictionary(scalars.map { ($0, $0) }, uniquingKeysWith: { a, _ in a }), "each scalar as a key")
        let all = scalars.joined()
        same([all: all], "all at once")
        #expect(same("q\"b\\s/\u{0}\u{1}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1F}\u{7F}\u{85}\u{2028}")
            == #""q\"b\\s/\u0000\u0001\b\t\n\u000b\f\r\u001f\u007f\u0085\u2028""#)
        #expect(same("\u{E0001}") == #""\udb40\udc01""#)
    }

    @Test func nilAndOptionals() {
        struct Optionals: Encodable {
            var skipped: Int?
            var present: String? = "x"
            @ExplicitNull var explicit: Int? = nil
            @ExplicitNull var filled: [Int64]? = [1, 2]
            var nested: [Int?] = [nil, 1, nil]
        }
        #expect(same(Optionals()) == #"{"explicit":null,"filled":[1,2],"nested":[null,1,null],"present":"x"}"#)
        #expect(same(Int?.none) == "null")
        same(Tree.null, "top-level null")
        same([Tree.null], "null element")
    }

    @Test func emptyContainersAndEmptyValues() {
        struct Nothing: Encodable {}
        struct Silent: Encodable { func encode(to encoder: any Encoder) throws {} }
        struct Holder: Encodable {
            var a: [Int] = []
            var b: [String: Int] = [:]
            var c = Nothing()
            var d = Silent()
            var e: [Silent] = [Silent()]
            var f: [[Int]] = [[], []]
            var g: [Tree] = []
            var h = Tree.object([])
        }
        let h = Holder()
        #expect(JSONRendering.render(h) == #"{"a":[],"b":{},"c":{},"d":{},"e":[{}],"f":[[],[]],"g":[],"h":{}}"#)
        same(h, "empty containers")
        same([h, h], "nested deeper")
        same(Nothing(), "empty struct")
        // A top-level value that writes nothing: JSONEncoder throws; render gives "{}".
        #expect(JSONRendering.render(Silent(), pretty: true) == "{}")
        same([Int](), "top-level empty array")
        same([String: Int](), "top-level empty object")
    }

    @Test func nestingLimit() {
        /// `depth` arrays around `inner`.
        func nest(_ depth: Int, _ inner: Tree) -> Tree { (0..<depth).reduce(inner) { t, _ in .array([t]) } }
        for depth in [509, 510, 511, 512, 513] {
            for inner in [Tree.int(1), .ints([1, 2]), .texts([]), .object([]), .array([]), .dictionary(["a": .int(1)])] {
                for pretty in [false, true] {
                    let t = nest(depth, inner)
                    #expect(JSONRendering.render(t, pretty: pretty) == ReferenceJSONRendering.render(t, pretty: pretty),
                            "depth \(depth) \(inner) \(pretty)")
                }
            }
        }
        // The limit is real: at 512 containers both give up.
        #expect(JSONRendering.render(nest(512, .int(1))) == "{}")
        #expect(JSONRendering.render(nest(511, .int(1))) != "{}")
    }

    @Test func foundationTypes() {
        struct Stamped: Encodable {
            var url = URL(string: "https://example.com/a b?q=1")
            var file = URL(fileURLWithPath: "/tmp/x y.onnx")
            var data = Data([0, 1, 2, 250, 255])
            var date = Date(timeIntervalSinceReferenceDate: 12.5)
            var decimal = Decimal(string: "-12.340")
            var uuid = UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")
        }
        same(Stamped(), "Foundation values")
        same([Stamped()], "in an array")
    }

    /// Hand-written `encode(to:)`s that use every container request, in stack order.
    @Test func handWrittenContainers() {
        struct Base: Encodable {
            var base = 1
        }
        struct Custom: Encodable {
            enum K: String, CodingKey { case z, nested, list, sup, y }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode("last", forKey: .z)
                var n = c.nestedContainer(keyedBy: K.self, forKey: .nested)
                try n.encode(2, forKey: .y)
                try n.encodeNil(forKey: .list)
                var l = c.nestedUnkeyedContainer(forKey: .list)
                try l.encode(1)
                var ln = l.nestedContainer(keyedBy: K.self)
                try ln.encode(true, forKey: .z)
                var lu = l.nestedUnkeyedContainer()
                try lu.encode("in")
                try Base().encode(to: c.superEncoder(forKey: .sup))
                _ = c.superEncoder()  // nothing written: {}
                try c.encode(3.5, forKey: .y)
                // The same encoder asked again for a keyed container: one object.
                var again = encoder.container(keyedBy: DynamicKey.self)
                try again.encode("merged", forKey: DynamicKey(stringValue: "again"))
            }
        }
        #expect(same(Custom()) == #"{"again":"merged","list":[1,{"z":true},["in"]],"nested":{"list":null,"y":2},"#
            + #""sup":{"base":1},"super":{},"y":3.5,"z":"last"}"#)
        same([Custom(), Custom()], "in an array")
        struct ArraySuper: Encodable {
            func encode(to encoder: any Encoder) throws {
                var c = encoder.unkeyedContainer()
                try c.encode(0)
                try Base().encode(to: c.superEncoder())
                _ = c.superEncoder()
                try c.encode(2)
            }
        }
        same(ArraySuper(), "unkeyed superEncoder")
        struct SingleThenKeyed: Encodable {
            func encode(to encoder: any Encoder) throws {
                var s = encoder.singleValueContainer()
                try s.encode(Base())
            }
        }
        same(SingleThenKeyed(), "single value holding an object")
        same(["x": SingleThenKeyed()], "nested")
    }

    /// A value whose encoding throws and is caught leaves nothing behind. JSONEncoder drops a
    /// caught number; a caught nested value it reuses in the next encoder (or stops the
    /// program), so that case is pinned by its expected text alone.
    @Test func caughtErrorsLeaveNoTrace() {
        struct CaughtNumbers: Encodable {
            enum K: CodingKey { case x, q, s }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try? c.encode(Double.infinity, forKey: .q)
                try c.encode("kept", forKey: .x)
                var u = c.nestedUnkeyedContainer(forKey: .s)
                try u.encode(1)
                try? u.encode(Float.nan)
                try u.encode(2)
            }
        }
        #expect(same(CaughtNumbers()) == #"{"s":[1,2],"x":"kept"}"#)
        struct Partial: Encodable {
            enum K: CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode(1, forKey: .a)
                try c.encode(Double.nan, forKey: .b)
            }
        }
        struct CaughtValues: Encodable {
            enum K: CodingKey { case x, p, r, s }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try? c.encode(Partial(), forKey: .p)
                try c.encode("kept", forKey: .x)
                try? c.encode([[Partial()]], forKey: .r)
                var u = c.nestedUnkeyedContainer(forKey: .s)
                try? u.encode(Partial())
                try u.encode(1)
            }
        }
        for pretty in [false, true] {
            let text = JSONRendering.render(CaughtValues(), pretty: pretty)
            #expect(text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "", options: .regularExpression)
                == #"{"s":[1],"x":"kept"}"#, "\(pretty)")
        }
    }

    /// Random trees of every container kind, scalar and key, with a fixed seed.
    @Test func randomTrees() {
        var rng = SplitMix64(seed: 0x5EED)
        func text() -> String {
            if rng.next() % 3 == 0 { return trickyKeys[Int(rng.next() % UInt64(trickyKeys.count))] }
            let pool: [Unicode.Scalar] = ["a", "b", "Z", "0", "9", ".", "_", "\"", "\\", "/", "\u{0}", "\u{1F}", "\u{7F}", "\u{85}",
                                          "\u{9F}", "\u{A0}", "é", "\u{2028}", "\u{202E}", "\u{FEFF}", "😀", "\u{E0001}", "中"]
            var s = String.UnicodeScalarView()
            for _ in 0..<(rng.next() % 8) { s.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            return String(s)
        }
        func tree(_ depth: Int) -> Tree {
            switch rng.next() % (depth > 4 ? 8 : 12) {
            case 0: return .text(text())
            case 1: return .int(Int64(bitPattern: rng.next()) >> (rng.next() % 64))
            case 2: return .unsigned(rng.next())
            case 3:
                let d = Double(bitPattern: rng.next())
                return .double(d.isFinite ? d : Double(Int64(bitPattern: rng.next() >> 11)) / 1024)
            case 4:
                let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
                return .float(f.isFinite ? f : 0.5)
            case 5: return .bool(rng.next() % 2 == 0)
            case 6: return .null
            case 7: return .ints((0..<(rng.next() % 4)).map { _ in Int64(bitPattern: rng.next()) })
            case 8: return .texts((0..<(rng.next() % 4)).map { _ in text() })
            case 9: return .array((0..<(rng.next() % 5)).map { _ in tree(depth + 1) })
            case 10: return .object((0..<(rng.next() % 6)).map { _ in (text(), tree(depth + 1)) })
            default:
                var d: [String: Tree] = [:]
                for _ in 0..<(rng.next() % 6) { d[text()] = tree(depth + 1) }
                return .dictionary(d)
            }
        }
        for n in 0..<400 {
            let t = Tree.object((0..<(1 + rng.next() % 6)).map { _ in (text(), tree(0)) })
            same(t, "tree \(n)")
        }
    }
}
