/// A computation graph: the model's main graph, or the body of an `If`/`Loop`/`Scan`.
public struct Graph: Hashable, Sendable {
    /// The graph's name, empty when absent.
    public var name: String
    /// Nodes in file order (ONNX requires topological order, but files do not always obey).
    /// A decoded graph keeps them as flat columns and makes these values on
    /// first ask.
    public var nodes: [Node] {
        get { nodeStore.nodes }
        set { nodeStore = NodeStore(newValue) }
        _modify {
            var nodes = nodeStore.take()
            defer { nodeStore = NodeStore(nodes) }
            yield &nodes
        }
    }
    /// The nodes as stored: what the passes over every node read without making values.
    var nodeStore: NodeStore
    /// Dense initializers.
    public var initializers: [Tensor]
    /// Sparse initializers.
    public var sparseInitializers: [SparseTensor]
    /// Declared inputs (before IR 4 these also list initializers).
    public var inputs: [ValueInfo]
    /// Declared outputs.
    public var outputs: [ValueInfo]
    /// Type annotations of intermediate values.
    public var valueInfo: [ValueInfo]
    /// The `doc_string`, empty when absent.
    public var docString: String
    /// The nodes' value names as ids of the model's ``NameTable``; valid while the model's
    /// ``Model/names`` is this wiring's table (see ``Model/wired()``).
    var wiring = Unequated<Wiring>()

    /// Creates a graph.
    public init(
        name: String = "", nodes: [Node] = [], initializers: [Tensor] = [],
        sparseInitializers: [SparseTensor] = [], inputs: [ValueInfo] = [], outputs: [ValueInfo] = [],
        valueInfo: [ValueInfo] = [], docString: String = ""
    ) {
        self.name = name
        nodeStore = NodeStore(nodes)
        self.initializers = initializers
        self.sparseInitializers = sparseInitializers
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
        self.docString = docString
    }
}

/// One operator invocation.
///
/// A value with copy-on-write storage: the walk and the recognizers read nodes out of
/// their graph's array all the time, and a copy costs one reference count, not one per field.
public struct Node: Hashable, Sendable {
    private struct Fields: Hashable {
        var name: String
        var opType: String
        var domain: String
        var overload: String
        var inputs: [String]
        var outputs: [String]
        var attributes: [Attribute]
        var metadata: [MetadataEntry]
    }

    /// Equal and hashed by its fields.
    private var fields: CopyOnWrite<Fields>

    /// The node's name, empty when absent.
    public var name: String {
        get { fields.value.name }
        _modify { yield &fields.value.name }
    }

    /// The operator, e.g. `Conv`.
    public var opType: String {
        get { fields.value.opType }
        _modify { yield &fields.value.opType }
    }

    /// The operator's domain; empty means the default `ai.onnx` domain.
    public var domain: String {
        get { fields.value.domain }
        _modify { yield &fields.value.domain }
    }

    /// The overload of a model-local function, empty when absent.
    public var overload: String {
        get { fields.value.overload }
        _modify { yield &fields.value.overload }
    }

    /// Input value names in order; an empty string is an omitted optional input.
    public var inputs: [String] {
        get { fields.value.inputs }
        _modify { yield &fields.value.inputs }
    }

    /// Output value names in order.
    public var outputs: [String] {
        get { fields.value.outputs }
        _modify { yield &fields.value.outputs }
    }

    /// Attributes in file order.
    public var attributes: [Attribute] {
        get { fields.value.attributes }
        _modify { yield &fields.value.attributes }
    }

    /// The node's `metadata_props` (exporters record source scopes here).
    public var metadata: [MetadataEntry] {
        get { fields.value.metadata }
        _modify { yield &fields.value.metadata }
    }

    /// Creates a node.
    public init(
        name: String = "", opType: String, domain: String = "", overload: String = "",
        inputs: [String] = [], outputs: [String] = [], attributes: [Attribute] = [],
        metadata: [MetadataEntry] = []
    ) {
        fields = CopyOnWrite(Fields(name: name, opType: opType, domain: domain, overload: overload, inputs: inputs, outputs: outputs, attributes: attributes, metadata: metadata))
    }

    /// True when the node's domain is the default operator set (`""` or `ai.onnx`).
    public var isDefaultDomain: Bool { Node.isDefault(domain) }

    /// The operator as shown in histograms: `Conv` for the default domain, else `domain.Op`.
    public var qualifiedOpType: String { Node.qualified(opType, domain) }

    /// True when `domain` is the default operator set (see ``isDefaultDomain``).
    static func isDefault(_ domain: String) -> Bool { domain.isEmpty || domain == "ai.onnx" }

    /// `opType` of `domain` as histograms show it (see ``qualifiedOpType``).
    static func qualified(_ opType: String, _ domain: String) -> String {
        isDefault(domain) ? opType : "\(domain).\(opType)"
    }

    /// The attribute with this name, if any.
    public func attribute(_ name: String) -> Attribute? {
        attributes.first { $0.name == name }
    }

    /// Input `slot`, when the node has it and it is not empty (an optional input left out).
    public func input(_ slot: Int) -> String? {
        inputs.indices.contains(slot) && !inputs[slot].isEmpty ? inputs[slot] : nil
    }
}
