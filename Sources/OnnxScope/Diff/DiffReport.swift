/// What `onnxscope diff A B` reports: one Encodable value that every renderer in
/// `Output/` draws from. It holds values; `Output/` words them. Its JSON keys are a
/// contract (see README).
public struct DiffReport: Encodable, Sendable, Equatable {
    /// Version of this JSON layout; bumped only when a key is renamed or removed.
    public static let currentSchemaVersion = 1

    /// Version of this JSON layout; bumped only when a key is renamed or removed.
    public var schemaVersion: Int = DiffReport.currentSchemaVersion
    /// The files as named on the command line.
    public var a: String
    /// The second file, as named on the command line.
    public var b: String
    /// True when interface, ops, opsets, parameters and values are all the same
    /// (renames, storage moves and model facts such as doc strings do not count).
    public var identical: Bool
    /// `identical`; `restored` (every parameter of A paired with B within its conversion's
    /// rounding bound, interface and layer structure unchanged); or `changed`.
    public var verdict: Verdict
    /// Stored parameters (inspect's `weights.elements`) before, after and the delta.
    public var parameters: Totals
    /// Stored weight bytes (inspect's `weights.bytes`) before, after and the delta.
    public var bytes: Totals
    /// Per-tensor changes.
    public var tensors: TensorChanges
    /// Op histogram delta: after − before, only ops whose count changed; `Constant`
    /// nodes are left out (they hold weights, whose changes are in ``tensors``).
    public var ops: [String: Int]
    /// Graph inputs added, removed or changed.
    public var inputs: [InterfaceChange]
    /// Graph outputs added, removed or changed.
    public var outputs: [InterfaceChange]
    /// Opset versions that differ, by domain (`ai.onnx` for the default domain).
    public var opsets: [String: VersionChange]
    /// Per-layer parameter deltas. Empty until layer recognition lands (see ``LayerDelta``).
    public var layers: [LayerDelta]
    /// Model facts that differ (IR version, producer, doc string, metadata): reported,
    /// not counted as differences.
    public var model: [FactChange]
    /// How many changes of each kind.
    public var summary: Summary
    /// What is notable about the result, e.g. that only renames were found (worded by
    /// `Output/`, as `notes`).
    public var noteFacts: [DiffNote]

    enum CodingKeys: String, CodingKey {
        case schemaVersion, a, b, identical, verdict, parameters, bytes, tensors, ops, inputs, outputs, opsets, layers, model, summary
        case noteFacts = "notes"
    }

    /// The whole comparison in one word.
    public enum Verdict: String, Codable, Sendable {
        /// The same parameters, stored the same way.
        case identical
        /// The same parameters, stored another way, each within its conversion's rounding bound.
        case restored
        /// Anything else.
        case changed
    }

    /// Something notable about an identical result.
    public enum DiffNote: Sendable, Equatable {
        /// Tensors were only renamed or moved to other storage (counts of each).
        case onlyMoved(renamed: Int, storageMoved: Int)
        /// Model facts differ (their count); they are no difference.
        case modelFactsDiffer(Int)
    }

    /// Before, after and after − before.
    public struct Totals: Codable, Sendable, Equatable {
        /// The value in A.
        public var before: Int64
        /// The value in B.
        public var after: Int64
        /// B − A.
        public var delta: Int64
    }

    /// Per-tensor changes; each list is in the order of the files.
    public struct TensorChanges: Codable, Sendable, Equatable {
        /// Parameters only in B, with no counterpart in A (every weight with `--all-tensors`).
        public var added: [String] = []
        /// Parameters only in A, with no counterpart in B (every weight with `--all-tensors`).
        public var removed: [String] = []
        /// Parameters of A paired with B stored another way, within the conversion's bound.
        public var restored: [RestoredPair] = []
        /// Shape, index and other non-parameter constants without a counterpart, counted.
        public var nonParameters: NonParameters = NonParameters()
        /// Weights matched by structure (same type, shape and stored values) under new names.
        public var renamed: [Rename] = []
        /// Matched weights whose dims differ.
        public var reshaped: [Reshape] = []
        /// Matched weights whose element type differs.
        public var retyped: [Retype] = []
        /// Matched weights of the same type and shape whose values differ.
        public var valuesChanged: [ValueChange] = []
        /// Matched weights stored differently (not a difference).
        public var storageMoved: [StorageMove] = []
        /// Matched weights with the same type, shape and values.
        public var unchanged: Int = 0
    }

    /// A weight paired by its stored values under a new name.
    public struct Rename: Codable, Sendable, Equatable {
        /// Its name in A.
        public var from: String
        /// Its name in B.
        public var to: String
    }

    /// A paired weight whose dims differ.
    public struct Reshape: Codable, Sendable, Equatable {
        /// Its name in B.
        public var name: String
        /// Its dims in A.
        public var before: [Int64]
        /// Its dims in B.
        public var after: [Int64]
    }

    /// A paired weight whose element type differs.
    public struct Retype: Codable, Sendable, Equatable {
        /// Its name in B.
        public var name: String
        /// Its type in A.
        public var before: String
        /// Its type in B.
        public var after: String
        /// Largest |a − b| after converting both to double; null when the shapes differ
        /// or a difference is not finite.
        @ExplicitNull public var maxAbsDiff: Double?
    }

    /// A paired weight whose values differ: of the same type and shape, or re-stored
    /// (``from`` and ``how`` set) with elements beyond its conversion's bound.
    public struct ValueChange: Codable, Sendable, Equatable {
        /// Its name in B.
        public var name: String
        /// The weights of A it was paired with, when re-stored; else null.
        @ExplicitNull public var from: [String]?
        /// How it was re-stored; null for a plain change.
        @ExplicitNull public var how: RestoredPair.How?
        /// The largest per-element bound of its conversion, when re-stored; else null.
        @ExplicitNull public var bound: Double?
        /// Elements that differ (NaN equals NaN; for complex types, components); for a
        /// re-stored pair, the elements beyond their bound.
        public var changedElements: Int64
        /// Largest |a − b|; null when a difference is not finite.
        @ExplicitNull public var maxAbsDiff: Double?
        /// ‖b − a‖₂ / ‖a‖₂; null when A is all zeros or a difference is not finite.
        @ExplicitNull public var relativeL2: Double?

        /// A change; `from`, `how` and `bound` only for a re-stored pair.
        public init(name: String, changedElements: Int64, maxAbsDiff: Double?, relativeL2: Double?,
                    from: [String]? = nil, how: RestoredPair.How? = nil, bound: Double? = nil) {
            self.name = name
            self.changedElements = changedElements
            self.maxAbsDiff = maxAbsDiff
            self.relativeL2 = relativeL2
            self.from = from
            self.how = how
            self.bound = bound
        }
    }

    /// Parameters of A and their counterpart in B, stored another way.
    public struct RestoredPair: Codable, Sendable, Equatable {
        /// How the values were re-stored.
        public enum How: String, Codable, Sendable {
            case retyped, quantized, packed, split, transposed, folded, fused
        }

        /// The weights of A (several when packed or folded).
        public var from: [String]
        /// The weights of B (several when split).
        public var to: [String]
        /// How they were re-stored.
        public var how: How
        /// Elements compared.
        public var elements: Int64
        /// Largest |a − b| over finite differences (b dequantized or converted to double).
        public var maxAbsError: Double
        /// The largest per-element bound of the conversion (0 for exact copies).
        public var bound: Double
        /// 10·log10(Σa² / Σ(a − b)²); null when nothing differs.
        @ExplicitNull public var sqnrDb: Double?
        /// Bits per stored element of B (quantized: the integer's; retyped: the float's); null otherwise.
        @ExplicitNull public var bits: Int64?
        /// `per-tensor`, `per-channel` or `block N` for quantized pairs; else null.
        @ExplicitNull public var granularity: String?
        /// The element type in A.
        public var before: String
        /// The element type stored in B.
        public var after: String
    }

    /// Non-parameter constants (shapes, indices, scalars, quantization scales and zero
    /// points) with no counterpart, counted rather than listed.
    public struct NonParameters: Codable, Sendable, Equatable {
        /// Only in A.
        public var removed: Int = 0
        /// Their elements.
        public var removedElements: Int64 = 0
        /// Only in B.
        public var added: Int = 0
        /// Their elements.
        public var addedElements: Int64 = 0
    }

    /// A paired weight stored another way (no difference).
    public struct StorageMove: Codable, Sendable, Equatable {
        /// Its name in B.
        public var name: String
        /// Its storage in A.
        public var before: WeightStorage
        /// Its storage in B.
        public var after: WeightStorage
    }

    /// Where a weight's values are stored, as the diff names it.
    public enum WeightStorage: String, Codable, Sendable {
        case initializer, constant, sparseInitializer, external, function
    }

    /// An input or output that was added, removed or changed.
    public struct InterfaceChange: Codable, Sendable, Equatable {
        /// The input's or output's name.
        public var name: String
        /// Added, removed or changed.
        public var change: Change
        /// It in A, when A has it.
        @ExplicitNull public var before: InspectReport.IOValue?
        /// It in B, when B has it.
        @ExplicitNull public var after: InspectReport.IOValue?
    }

    /// How an input or output changed.
    public enum Change: String, Codable, Sendable {
        case added, removed, changed
    }

    /// Two versions of one thing; null where absent.
    public struct VersionChange: Codable, Sendable, Equatable {
        /// The version in A; nil when A does not import the domain.
        @ExplicitNull public var before: Int64?
        /// The version in B; nil when B does not import the domain.
        @ExplicitNull public var after: Int64?
    }

    /// A model fact that differs, as text.
    public struct FactChange: Codable, Sendable, Equatable {
        /// `irVersion`, `producerName`, `producerVersion`, `domain`, `modelVersion`,
        /// `docString` or `metadata.KEY`.
        public var fact: String
        /// The fact in A.
        @ExplicitNull public var before: String?
        /// The fact in B.
        @ExplicitNull public var after: String?
    }

    /// Counts of each kind of change.
    public struct Summary: Codable, Sendable, Equatable {
        public var added = 0, removed = 0, renamed = 0, reshaped = 0, retyped = 0, valuesChanged = 0
        public var storageMoved = 0, unchanged = 0, restored = 0
        public var inputs = 0, outputs = 0, ops = 0, opsets = 0, layers = 0, modelFacts = 0
        /// Tensors in A and in B.
        public var tensorsBefore = 0, tensorsAfter = 0
    }
}

/// The parameter delta of one recognized layer that was added, removed or resized.
public struct LayerDelta: Encodable, Sendable, Equatable {
    /// The layer's name or path.
    public var name: String
    /// The recognized kind, e.g. `LSTM`.
    public var kind: LayerKind
    /// Added, removed or resized.
    public var change: Change
    /// Its parameters in A (0 when added).
    public var parametersBefore: Int64
    /// Its parameters in B (0 when removed).
    public var parametersAfter: Int64
    /// B − A.
    public var delta: Int64
    /// What differs (worded by `Output/` as `detail`, e.g. `hiddenSize 16 → 24`).
    public var details: Details

    enum CodingKeys: String, CodingKey {
        case name, kind, change, parametersBefore, parametersAfter, delta
        case details = "detail"
    }

    /// How a layer changed.
    public enum Change: String, Codable, Sendable {
        case added, removed, resized
    }

    /// The facts behind a layer change.
    public enum Details: Sendable, Equatable {
        /// A matched layer's hyper-parameters that differ, by key (none: only its size changed).
        case changed([HyperChange])
        /// An added or removed layer's hyper-parameters.
        case layer(Hyper)
    }

    /// One hyper-parameter before and after; nil where a side lacks it.
    public struct HyperChange: Sendable, Equatable {
        /// The hyper-parameter.
        public var key: HyperKey
        /// Its value in A.
        public var before: HyperValue?
        /// Its value in B.
        public var after: HyperValue?
    }
}
