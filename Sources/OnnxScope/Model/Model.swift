/// A decoded ONNX model: everything in the file except tensor elements, which stay
/// referenced in place (see ``TensorPayload``).
public struct Model: Hashable, Sendable {
    /// `ir_version`; nil when the file does not say.
    public var irVersion: Int64?
    /// Operator sets in file order; an empty domain means `ai.onnx`.
    public var opsetImports: [OperatorSetID]
    /// `producer_name`, empty when absent.
    public var producerName: String
    /// `producer_version`, empty when absent.
    public var producerVersion: String
    /// The model's `domain`, empty when absent.
    public var domain: String
    /// `model_version`; nil when absent.
    public var modelVersion: Int64?
    /// The `doc_string`, empty when absent.
    public var docString: String
    /// `metadata_props` as entries.
    public var metadataEntries: [MetadataEntry]
    /// The main graph.
    public var graph: Graph { didSet { names.value = nil } }
    /// Model-local functions.
    public var functions: [Function] { didSet { names.value = nil } }
    /// The table every graph's and function's ``Graph/wiring`` refers to, set by the decoder
    /// (or ``wired()``) and cleared by any change to the graphs or functions.
    var names = Unequated<NameTable>()
    /// Graphs of `training_info` (initialization, then algorithm, per entry).
    public var trainingGraphs: [Graph]

    /// Creates a model.
    public init(
        irVersion: Int64?, opsetImports: [OperatorSetID], producerName: String = "",
        producerVersion: String = "", domain: String = "", modelVersion: Int64? = nil,
        docString: String = "", metadataEntries: [MetadataEntry] = [], graph: Graph,
        functions: [Function] = [], trainingGraphs: [Graph] = []
    ) {
        self.irVersion = irVersion
        self.opsetImports = opsetImports
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.domain = domain
        self.modelVersion = modelVersion
        self.docString = docString
        self.metadataEntries = metadataEntries
        self.graph = graph
        self.functions = functions
        self.trainingGraphs = trainingGraphs
    }
}

/// A key/value pair of metadata.
public struct MetadataEntry: Hashable, Sendable {
    /// The key.
    public var key: String
    /// The value.
    public var value: String
    /// Creates an entry.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An operator set a model or function imports.
public struct OperatorSetID: Hashable, Sendable {
    /// The domain; empty means `ai.onnx`.
    public var domain: String
    /// The opset version.
    public var version: Int64

    /// Creates an opset import.
    public init(domain: String, version: Int64) {
        self.domain = domain
        self.version = version
    }

    /// The domain as people write it: `ai.onnx` for the empty default domain.
    public var displayDomain: String { domain.isEmpty ? "ai.onnx" : domain }
}

/// A model-local function (`FunctionProto`).
public struct Function: Hashable, Sendable {
    /// The function's name (its op type when called).
    public var name: String
    /// Its domain.
    public var domain: String
    /// Its overload, empty when absent.
    public var overload: String
    /// Formal input names.
    public var inputs: [String]
    /// Formal output names.
    public var outputs: [String]
    /// Names of attributes without defaults.
    public var attributeNames: [String]
    /// Attributes with defaults.
    public var attributeDefaults: [Attribute]
    /// The body.
    public var nodes: [Node]
    /// Operator sets the body uses.
    public var opsetImports: [OperatorSetID]
    /// The body's value names as ids of the model's ``NameTable`` (see ``Graph/wiring``).
    var wiring = Unequated<Wiring>()

    /// Creates a function.
    public init(
        name: String, domain: String, overload: String = "", inputs: [String] = [],
        outputs: [String] = [], attributeNames: [String] = [], attributeDefaults: [Attribute] = [],
        nodes: [Node] = [], opsetImports: [OperatorSetID] = []
    ) {
        self.name = name
        self.domain = domain
        self.overload = overload
        self.inputs = inputs
        self.outputs = outputs
        self.attributeNames = attributeNames
        self.attributeDefaults = attributeDefaults
        self.nodes = nodes
        self.opsetImports = opsetImports
    }

    /// `domain.name` (with `:overload` when present): how nodes call this function.
    public var qualifiedName: String {
        let base = domain.isEmpty ? name : "\(domain).\(name)"
        return overload.isEmpty ? base : "\(base):\(overload)"
    }
}
