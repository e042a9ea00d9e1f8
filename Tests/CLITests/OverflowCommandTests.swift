import Foundation
import Testing

/// Files of a few hundred bytes whose weights have dims like [2³¹, 2³¹] and no payload:
/// each sum of element counts in a recognizer, the layer totals or the report's charts
/// overflows 64 bits. Every command must end with a `size-overflow` finding or a one-line
/// error, never a trap.
@Suite("size overflow in layer sums")
struct OverflowCommandTests {
    static let big: Int64 = 1 << 31

    /// One model per summing site, built byte by byte.
    static let sites: [(String, [UInt8])] = [
        // Dense: weight + bias (the same [2³¹, 2³¹] tensor as both).
        ("dense", OverflowBytes.model(nodes: [OverflowBytes.node("Gemm", ["x", "w", "w"], ["y"])],
                                      weights: [("w", [big, big])])),
        // Conv: weight + bias.
        ("conv", OverflowBytes.model(nodes: [OverflowBytes.node("Conv", ["x", "w", "w"], ["y"])],
                                     weights: [("w", [big, 1, big])])),
        // Recurrent: W + R (+ B).
        // (three distinct weights: one tensor read three times is counted once, and fits)
        ("recurrent", OverflowBytes.model(nodes: [OverflowBytes.node("LSTM", ["x", "w", "r", "b"], ["y"])],
                                          weights: [("w", [1, big, big]), ("r", [1, big, big]), ("b", [1, big, big])])),
        // Norm: scale + bias.
        ("norm", OverflowBytes.model(nodes: [OverflowBytes.node("LayerNormalization", ["x", "s", "s"], ["y"])],
                                     weights: [("s", [big, big])])),
        // Norm: running statistics (BatchNorm mean + var).
        ("batchnorm", OverflowBytes.model(nodes: [OverflowBytes.node("BatchNormalization", ["x", "s", "b", "m", "m"], ["y"])],
                                          weights: [("s", [1]), ("b", [1]), ("m", [big, big])])),
        // Attention: the packed in-projection (weight + bias), then the children.
        ("attention", OverflowBytes.model(
            nodes: [OverflowBytes.node("Attention", ["x", "w", "w"], ["a"], domain: "com.microsoft"),
                    OverflowBytes.node("Gemm", ["a", "o"], ["y"])],
            weights: [("w", [big, big]), ("o", [big, big])])),
        // Unrolled recurrence: W + R + b over two steps.
        ("unrolled", OverflowBytes.model(
            nodes: [OverflowBytes.node("MatMul", ["h", "r"], ["hr1"]), OverflowBytes.node("MatMul", ["x", "p"], ["xp1"]),
                    OverflowBytes.node("Add", ["hr1", "xp1"], ["s1"]), OverflowBytes.node("Add", ["s1", "b"], ["t1"]),
                    OverflowBytes.node("Tanh", ["t1"], ["h1"]),
                    OverflowBytes.node("MatMul", ["h1", "r"], ["hr2"]), OverflowBytes.node("MatMul", ["x", "p"], ["xp2"]),
                    OverflowBytes.node("Add", ["hr2", "xp2"], ["t2"]), OverflowBytes.node("Tanh", ["t2"], ["y"])],
            weights: [("r", [big, big]), ("p", [big, big / 2]), ("b", [big * big])])),
        // LayersReport byKind and totals, ReportCharts bar totals: two Dense layers.
        ("totals", OverflowBytes.model(
            nodes: [OverflowBytes.node("Gemm", ["x", "w1"], ["a"]), OverflowBytes.node("Gemm", ["a", "w2"], ["y"])],
            weights: [("w1", [big, big]), ("w2", [big, big])])),
    ]

    @Test("every site: layers JSON has a size-overflow finding", arguments: sites.map(\.0))
    func layersFinding(site: String) throws {
        let folder = try HostileCommandTests.Scratch()
        let bytes = try #require(OverflowCommandTests.sites.first { $0.0 == site }?.1)
        #expect(bytes.count <= 400, "\(site): \(bytes.count) bytes")
        let path = try folder.write("\(site).onnx", bytes)
        let run = try CLI.run(["layers", "-f", "json", path])
        #expect(run.status == 0, "\(site): \(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let codes = (object["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("size-overflow"), "\(site): \(codes)")
    }

    @Test("every site, every command: no trap", arguments: sites.map(\.0))
    func noTrap(site: String) throws {
        let folder = try HostileCommandTests.Scratch()
        let bytes = try #require(OverflowCommandTests.sites.first { $0.0 == site }?.1)
        let path = try folder.write("\(site).onnx", bytes)
        let report = folder.url.appendingPathComponent("\(site).html").path
        let commands: [[String]] = [["layers", path], ["layers", "-f", "markdown", path], ["audit", path],
                                    ["diff", path, path], ["diff", CLI.fixture("keras/mlp.onnx"), path],
                                    ["report", path, "-o", report], ["report", CLI.fixture("keras/mlp.onnx"), path, "-o", report, "--force"]]
        for arguments in commands {
            let run = try CLI.run(arguments)
            // 0 success, 1 audit failed / models differ, 3 a weight without values; never a signal.
            #expect([0, 1, 3].contains(run.status), "\(arguments.joined(separator: " ")): exit \(run.status)")
            #expect(run.stderr.split(separator: "\n").count <= 1, "\(arguments.joined(separator: " ")): \(run.stderr.prefix(300))")
        }
    }
}

/// Minimal model writer for the overflow inputs: weights with dims and no payload.
enum OverflowBytes {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], domain: String = "") -> [UInt8] {
        inputs.flatMap { Bytes.field(1, Array($0.utf8)) } + outputs.flatMap { Bytes.field(2, Array($0.utf8)) }
            + Bytes.field(4, Array(op.utf8)) + (domain.isEmpty ? [] : Bytes.field(7, Array(domain.utf8)))
    }

    static func model(nodes: [[UInt8]], weights: [(String, [Int64])]) -> [UInt8] {
        let tensors = weights.map { name, dims in
            dims.flatMap { Bytes.field(1, varint: UInt64(bitPattern: $0)) } + Bytes.field(2, varint: 1) + Bytes.field(8, Array(name.utf8))
        }
        let graph = nodes.flatMap { Bytes.field(1, $0) } + tensors.flatMap { Bytes.field(5, $0) }
        return Bytes.field(1, varint: 8) + Bytes.field(7, graph) + Bytes.field(8, Bytes.field(2, varint: 17))
    }
}
