/// What `onnxscope diff A B` reports: one Codable value that every renderer in
/// `Output/` draws from. Its JSON keys are a contract (see README).
public struct DiffReport: Codable, Sendable, Equatable {
    /// Version of this JSON layout; bumped only when a key is renamed or removed.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int = DiffReport.currentSchemaVersion
    /// The files as named on the command line.
    public var a: String
    public var b: String
    /// True when interface, ops, opsets, parameters and values are all the same
    /// (renames, storage moves and model facts such as doc strings do not count).
    public var identical: Bool
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
    /// Sentences about the result, e.g. that only renames were found.
    public var notes: [String]

    /// Before, after and after − before.
    public struct Totals: Codable, Sendable, Equatable {
        public var before: Int64
        public var after: Int64
        public var delta: Int64
    }

    /// Per-tensor changes; each list is in the order of the files.
    public struct TensorChanges: Codable, Sendable, Equatable {
        /// Weights only in B.
        public var added: [String] = []
        /// Weights only in A.
        public var removed: [String] = []
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

    public struct Rename: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
    }

    public struct Reshape: Codable, Sendable, Equatable {
        public var name: String
        public var before: [Int64]
        public var after: [Int64]
    }

    public struct Retype: Codable, Sendable, Equatable {
        public var name: String
        public var before: String
        public var after: String
        /// Largest |a − b| after converting both to double; null when the shapes differ
        /// or a difference is not finite.
        @ExplicitNull public var maxAbsDiff: Double?
    }

    public struct ValueChange: Codable, Sendable, Equatable {
        public var name: String
        /// Elements that differ (NaN equals NaN; for complex types, components).
        public var changedElements: Int64
        /// Largest |a − b|; null when a difference is not finite.
        @ExplicitNull public var maxAbsDiff: Double?
        /// ‖b − a‖₂ / ‖a‖₂; null when A is all zeros or a difference is not finite.
        @ExplicitNull public var relativeL2: Double?
    }

    public struct StorageMove: Codable, Sendable, Equatable {
        public var name: String
        /// `initializer`, `constant`, `sparseInitializer`, `external` or `function`.
        public var before: String
        public var after: String
    }

    /// An input or output that was added, removed or changed.
    public struct InterfaceChange: Codable, Sendable, Equatable {
        public var name: String
        /// `added`, `removed` or `changed`.
        public var change: String
        @ExplicitNull public var before: InspectReport.IOValue?
        @ExplicitNull public var after: InspectReport.IOValue?
    }

    /// Two versions of one thing; null where absent.
    public struct VersionChange: Codable, Sendable, Equatable {
        @ExplicitNull public var before: Int64?
        @ExplicitNull public var after: Int64?
    }

    /// A model fact that differs, as text.
    public struct FactChange: Codable, Sendable, Equatable {
        /// `irVersion`, `producerName`, `producerVersion`, `domain`, `modelVersion`,
        /// `docString` or `metadata.KEY`.
        public var fact: String
        @ExplicitNull public var before: String?
        @ExplicitNull public var after: String?
    }

    /// Counts of each kind of change.
    public struct Summary: Codable, Sendable, Equatable {
        public var added = 0, removed = 0, renamed = 0, reshaped = 0, retyped = 0, valuesChanged = 0
        public var storageMoved = 0, unchanged = 0
        public var inputs = 0, outputs = 0, ops = 0, opsets = 0, layers = 0, modelFacts = 0
        /// Tensors in A and in B.
        public var tensorsBefore = 0, tensorsAfter = 0
    }
}

/// The parameter delta of one recognized layer that was added, removed or resized.
public struct LayerDelta: Codable, Sendable, Equatable {
    /// The layer's name or path.
    public var name: String
    /// The recognized kind, e.g. `LSTM`.
    public var kind: String
    /// `added`, `removed` or `resized`.
    public var change: String
    public var parametersBefore: Int64
    public var parametersAfter: Int64
    public var delta: Int64
    /// A human detail, e.g. `hidden 16 → 24`.
    public var detail: String
}
