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
    @discardableResult
    static func run(_ bytes: some Collection<UInt8>, name: String, reference: ModelFile?) -> Outcome {
        let file: ModelFile
        do {
            file = try ModelFile.open(bytes: bytes, name: name)
        } catch {
            _ = error.description
            return .unreadable(error)
        }
        let inspect = InspectReport(file: file)
        let layers = LayersReport(file: file)
        var rendered = 0
        for format in [OutputFormat.table, .json, .markdown] {
            rendered &+= InspectRendering.render(inspect, as: format).utf8.count
            rendered &+= LayersRendering.render(layers, as: format).utf8.count
        }
        var payloadErrors = 0
        for weight in WeightCatalog(model: file.model).weights {
            if !readValues(of: weight, in: file) { payloadErrors += 1 }
        }
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

    /// Reads every value of a weight through a cursor; false when the payload is refused.
    private static func readValues(of weight: StoredWeight, in file: ModelFile) -> Bool {
        let values: TensorValues
        do {
            switch weight.source {
            case .tensor(let tensor): values = try file.values(of: tensor)
            case .sparse(let sparse): values = try file.denseValues(of: sparse)
            case .attributeValues: return true
            }
        } catch {
            _ = error.description
            return false
        }
        _ = values.storedHash()
        _ = values.strings()
        var cursor = values.makeCursor()
        var buffer = [Double](repeating: 0, count: 4096)
        buffer.withUnsafeMutableBufferPointer { out in
            while cursor.next(into: out) > 0 {}
        }
        return true
    }
}
