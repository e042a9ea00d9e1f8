/// The memory a model may cost once decoded, checked by the pre-pass before anything is
/// allocated: every command stays within ``allowanceBytes`` plus ``bytesPerFileByte``
/// bytes per byte of input, whatever the input.
///
/// Each message and field of the metadata costs memory in protobuf-c's unpacked copy, the
/// value model, the graph index and the reports, whether it holds anything or not: an
/// empty `GraphProto` is two bytes of file and about a kilobyte of memory. The pre-pass
/// adds up the cost of every message by kind (measured: the peak resident memory of the
/// heaviest command, `layers` or one side of `diff`, on 200,000 empty messages of each
/// kind) and refuses a file whose total exceeds its budget. Real models
/// (names, shapes and payloads in every message) cost 10–15 bytes per byte.
enum MemoryBudget {
    /// Bytes of memory allowed per byte of the file.
    static let bytesPerFileByte = 50
    /// Memory allowed whatever the file's size, above the process's own (about 25 MB):
    /// `diff` holds two files, so 64 MB less the process, halved.
    static let allowanceBytes = 16 << 20

    /// Estimated bytes of memory for one message of `kind`.
    static func cost(_ kind: MessageKind) -> Int {
        switch kind {
        case .node: 450
        case .tensor: 900
        case .attribute: 900
        case .graph: 900
        case .sparseTensor: 1_000
        case .valueInfo: 250
        case .function: 500
        case .model, .trainingInfo: 900
        case .typeProto, .typeTensor, .typeElement, .typeMap, .tensorShape, .tensorAnnotation,
             .nodeDeviceConfiguration, .shardingSpec, .shardedDim, .leaf:
            150
        }
    }

    /// Estimated bytes of memory for one field (a name, a number, a dimension).
    static let fieldCost = 40

    /// The memory allowed for a file of `fileBytes` bytes.
    static func allowed(fileBytes: Int) -> Int {
        Saturating.add(Int64(allowanceBytes), Saturating.mul(Int64(bytesPerFileByte), Int64(fileBytes))).clampedToInt
    }
}

extension Int64 {
    /// The value as an Int (both are 64 bits on every supported platform).
    fileprivate var clampedToInt: Int { Int(clamping: self) }
}
