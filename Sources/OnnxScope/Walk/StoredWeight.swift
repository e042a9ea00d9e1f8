/// One stored weight as the walker found it.
///
/// A reference type: weights are looked up and passed around a great deal by the
/// recognizers, and sharing one immutable object costs a single reference count.
final class StoredWeight: Sendable {
    /// How it is stored.
    public let storage: StorageKind
    /// The graph it is in: shared by all of that graph's weights.
    private let home: Home
    /// Where the stored value is, and for any but an initializer its name and shape (see ``source``).
    private let held: Held

    /// Its name (a `Constant`'s output name).
    public var name: String {
        switch held {
        case .initializer(let list, let k): list[k].name
        case .other(let other): other.name
        }
    }

    /// Element type.
    public var dataType: DataType {
        switch held {
        case .initializer(let list, let k): list[k].dataType
        case .other(let other): other.dataType
        }
    }

    /// Shape from `dims` (for sparse tensors, the dense shape).
    public var dims: [Int64] {
        switch held {
        case .initializer(let list, let k): list[k].dims
        case .other(let other): other.dims
        }
    }

    /// Main graph, subgraph or function.
    public var placement: Placement { home.placement }
    /// The namespace its name lives in.
    public var namespace: Namespace { home.namespace }
    /// Path of the graph that holds it, e.g. `main/If_0.then_branch`.
    public var graphPath: String { home.graphPath }

    /// Creates a stored weight.
    public init(
        name: String, dataType: DataType, dims: [Int64], storage: StorageKind, placement: Placement,
        namespace: Namespace, graphPath: String, source: Source
    ) {
        self.storage = storage
        home = Home(placement: placement, namespace: namespace, graphPath: graphPath)
        held = .other(Other(name: name, dataType: dataType, dims: dims, source: source))
    }

    /// Initializer `index` of `initializers` (its graph's list, shared, not copied), in the
    /// graph `home` (shared by the graph's weights).
    init(initializer index: Int, of initializers: [Tensor], in home: Home) {
        storage = .initializer
        self.home = home
        held = .initializer(initializers, index)
    }

    /// The same stored value as `weight`, under another name and namespace.
    init(_ weight: StoredWeight, name: String, namespace: Namespace) {
        storage = weight.storage
        home = Home(placement: weight.placement, namespace: namespace, graphPath: weight.graphPath)
        held = .other(Other(name: name, dataType: weight.dataType, dims: weight.dims, source: weight.source))
    }

    /// Where a weight's graph is: one per graph walked, shared by its weights.
    final class Home: Sendable {
        let placement: Placement
        let namespace: Namespace
        let graphPath: String

        init(placement: Placement, namespace: Namespace, graphPath: String) {
            self.placement = placement
            self.namespace = namespace
            self.graphPath = graphPath
        }
    }

    /// A weight that is not an initializer: its name, shape and stored value.
    private final class Other: Sendable {
        let name: String
        let dataType: DataType
        let dims: [Int64]
        let source: Source

        init(name: String, dataType: DataType, dims: [Int64], source: Source) {
            self.name = name
            self.dataType = dataType
            self.dims = dims
            self.source = source
        }
    }

    /// The stored value, made when asked for: a graph has one weight per initializer, and a
    /// copy of each tensor inside its weight would be that much more memory to fill.
    public var source: Source {
        switch held {
        case .initializer(let list, let k): .tensor(list[k])
        case .other(let other): other.source
        }
    }

    /// How ``source`` is kept: an initializer as its place in its graph's list (16 bytes:
    /// its name and shape are the tensor's); any other weight boxed, as few are not
    /// initializers.
    private enum Held: Sendable {
        case initializer([Tensor], Int)
        case other(Other)
    }

    /// The stored value behind a weight.
    public enum Source: Sendable {
        /// A dense tensor (initializer or `Constant` `value`).
        case tensor(Tensor)
        /// A sparse tensor. (Boxed: it holds two tensors, and inline it would make every
        /// weight that large.)
        indirect case sparse(SparseTensor)
        /// A `Constant`'s `value_float(s)`, `value_int(s)` or `value_string(s)`.
        case attributeValues(stringBytes: Int)
    }

    /// The external-data reference, when the elements live in another file.
    public var external: ExternalDataReference? {
        if case .tensor(let t) = source, case .external(let reference) = t.payload { return reference }
        return nil
    }

    /// The tensors that hold the weight's stored values, each with a prefix naming its
    /// role (empty for a dense tensor; `values: ` and `indices: ` for a sparse one).
    public var storedTensors: [(role: String, tensor: Tensor)] {
        switch source {
        case .tensor(let t): [("", t)]
        case .sparse(let s): [("values: ", s.values), ("indices: ", s.indices)]
        case .attributeValues: []
        }
    }

    /// Number of stored non-zero values, for sparse weights.
    public var sparseNonZero: [Int64]? {
        if case .sparse(let s) = source { return s.values.dims }
        return nil
    }

    /// For STRING weights: the bytes of all strings; nil for other types.
    public var stringBytes: Int? {
        guard dataType == .string else { return nil }
        switch source {
        case .tensor(let t):
            if case .inline(let payload) = t.payload { return payload.contentBytes }
            return 0
        case .sparse(let s):
            if case .inline(let payload) = s.values.payload { return payload.contentBytes }
            return 0
        case .attributeValues(let bytes):
            return bytes
        }
    }
}

/// Elements of a stored weight (0 when its size is not computable; that is a finding elsewhere).
func elements(_ weight: StoredWeight) -> Int64 {
    (try? TensorSize.elements(weight.dims).get()) ?? 0
}
