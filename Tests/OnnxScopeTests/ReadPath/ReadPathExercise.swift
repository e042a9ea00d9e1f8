// Test support, not product: the test target compiles this file against the library,
// and `make fuzz-build` compiles it into the fuzzer's own build of the library module
// (with ONNXSCOPE_FUZZ_MODULE defined), so both share one read path.
#if !ONNXSCOPE_FUZZ_MODULE
@testable import OnnxScope
#endif

/// Drives one input through everything OnnxScope does with a file: the pre-pass,
/// protobuf-c, the value model, `inspect` and `layers` (every renderer), every weight's
/// values, and `diff` from a reference model to it.
///
/// The libFuzzer target (`Tests/Fuzz`) calls it for each generated input, and the
/// fail-case test replays every kept input through it, so the two can never drift apart.
/// Nothing here prints.
enum ReadPathExercise {
    /// What became of one input.
    enum Outcome: Equatable {
        /// The bytes are not a model the decoder accepts.
        case unreadable(DecodeError)
        /// The model was read; `findings` are inspect's, `payloadErrors` counts the weights
        /// whose values could not be read, `diffFailed` says whether a diff threw.
        case read(findings: [Finding], payloadErrors: Int, diffFailed: Bool)
    }

    /// Runs `bytes`, named `name` (its folder is where external data is looked up).
    ///
    /// With `sampled`, only inputs whose hash is a multiple of ``heavySampling`` also go
    /// through `layers`, `diff` and the renderers (the fuzzer's throughput mode); every
    /// input is decoded, inspected and has all its values read. The choice depends on the
    /// bytes alone, so a replayed input takes the same path.
    @discardableResult
    static func run(_ bytes: some Collection<UInt8>, name: String, reference: ModelFile?, sampled: Bool = false) -> Outcome {
        let file: ModelFile
        do {
            file = try ModelFile.open(bytes: bytes, name: name)
        } catch {
            _ = error.description
            return .unreadable(error)
        }
        let inspect = InspectReport(file: file)
        var payloadErrors = 0
        var buffer = [Double](repeating: 0, count: 256)
        for weight in WeightCatalog(model: file.model).weights {
            if !readValues(of: weight, in: file, buffer: &buffer) { payloadErrors += 1 }
        }
        guard !sampled || hash(bytes) % heavySampling == 0 else {
            return .read(findings: inspect.findings, payloadErrors: payloadErrors, diffFailed: false)
        }
        let layers = LayersReport(file: file)
        var rendered = 0
        for format in [OutputFormat.table, .json, .markdown] {
            rendered &+= InspectRendering.render(inspect, as: format).utf8.count
            rendered &+= LayersRendering.render(layers, as: format).utf8.count
        }
        // The HTML page sums layer sizes for its charts.
        rendered &+= ModelReportPage.render(ModelSummary(inspect: inspect, layers: layers, weightElements: [:])).utf8.count
        var diffFailed = false
        if let reference {
            do {
                let report = try DiffReport(a: reference, b: file)
                for format in [OutputFormat.table, .json, .markdown] {
                    rendered &+= DiffRendering.render(report, as: format).utf8.count
                }
            } catch {
                _ = error.description
                diffFailed = true
            }
        }
        precondition(rendered > 0, "renderers produced nothing")
        return .read(findings: inspect.findings, payloadErrors: payloadErrors, diffFailed: diffFailed)
    }

    /// In sampled mode, one input in this many takes the heavy path.
    static let heavySampling: UInt64 = 4

    /// FNV-1a of the bytes.
    private static func hash(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0100_0000_01B3 }
    }

    /// Reads every value of a weight through a cursor; false when the payload is refused.
    private static func readValues(of weight: StoredWeight, in file: ModelFile, buffer: inout [Double]) -> Bool {
        let values: TensorValues
        do {
            switch weight.source {
            case .tensor(let tensor): values = try file.values(of: tensor)
            case .sparse(let sparse):
                // diff's path (the stored entries), then the dense form where it is small.
                _ = try file.sparseEntries(of: sparse).hash()
                guard case .success(let n) = TensorSize.elements(sparse.dims), n <= 1 << 20 else { return true }
                values = try file.denseValues(of: sparse)
            case .attributeValues: return true
            }
        } catch {
            _ = error.description
            return false
        }
        _ = values.storedHash()
        _ = values.strings()
        var cursor = values.makeCursor()
        buffer.withUnsafeMutableBufferPointer { out in
            while cursor.next(into: out) > 0 {}
        }
        return true
    }
}
