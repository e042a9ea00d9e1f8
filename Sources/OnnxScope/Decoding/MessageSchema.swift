/// The shape of the ONNX message tree, as the pre-pass needs it: which field of which
/// message holds which sub-message. Field numbers are those of `proto/onnx.proto`.
enum MessageKind: UInt8, CaseIterable {
    case model, graph, node, attribute, tensor, sparseTensor, valueInfo
    case typeProto, typeTensor, typeElement, typeMap, tensorShape
    case function, trainingInfo, tensorAnnotation, nodeDeviceConfiguration, shardingSpec, shardedDim
    /// Messages with no sub-messages: copied as they are.
    case leaf

    /// The schema name, for error messages.
    var protoName: String {
        switch self {
        case .model: "ModelProto"
        case .graph: "GraphProto"
        case .node: "NodeProto"
        case .attribute: "AttributeProto"
        case .tensor: "TensorProto"
        case .sparseTensor: "SparseTensorProto"
        case .valueInfo: "ValueInfoProto"
        case .typeProto: "TypeProto"
        case .typeTensor: "TypeProto.Tensor"
        case .typeElement: "TypeProto.Sequence"
        case .typeMap: "TypeProto.Map"
        case .tensorShape: "TensorShapeProto"
        case .function: "FunctionProto"
        case .trainingInfo: "TrainingInfoProto"
        case .tensorAnnotation: "TensorAnnotation"
        case .nodeDeviceConfiguration: "NodeDeviceConfigurationProto"
        case .shardingSpec: "ShardingSpecProto"
        case .shardedDim: "ShardedDimProto"
        case .leaf: "message"
        }
    }

    /// The kind of message that field `number` of this message holds, or nil when the
    /// field is a scalar, a string, or unknown.
    func child(_ number: UInt64) -> MessageKind? {
        switch (self, number) {
        case (.model, 7): .graph
        case (.model, 8), (.model, 14), (.model, 26): .leaf
        case (.model, 20): .trainingInfo
        case (.model, 25): .function

        case (.graph, 1): .node
        case (.graph, 5): .tensor
        case (.graph, 11), (.graph, 12), (.graph, 13): .valueInfo
        case (.graph, 14): .tensorAnnotation
        case (.graph, 15): .sparseTensor
        case (.graph, 16): .leaf

        case (.node, 5): .attribute
        case (.node, 9): .leaf
        case (.node, 10): .nodeDeviceConfiguration

        case (.attribute, 5), (.attribute, 10): .tensor
        case (.attribute, 6), (.attribute, 11): .graph
        case (.attribute, 14), (.attribute, 15): .typeProto
        case (.attribute, 22), (.attribute, 23): .sparseTensor

        case (.tensor, 3), (.tensor, 13), (.tensor, 16): .leaf

        case (.sparseTensor, 1), (.sparseTensor, 2): .tensor

        case (.valueInfo, 2): .typeProto
        case (.valueInfo, 4): .leaf

        case (.typeProto, 1), (.typeProto, 8): .typeTensor
        case (.typeProto, 4), (.typeProto, 9): .typeElement
        case (.typeProto, 5): .typeMap
        case (.typeProto, 7): .leaf
        case (.typeTensor, 2): .tensorShape
        case (.typeElement, 1): .typeProto
        case (.typeMap, 2): .typeProto
        case (.tensorShape, 1): .leaf

        case (.function, 7): .node
        case (.function, 9), (.function, 14): .leaf
        case (.function, 11): .attribute
        case (.function, 12): .valueInfo

        case (.trainingInfo, 1), (.trainingInfo, 2): .graph
        case (.trainingInfo, 3), (.trainingInfo, 4): .leaf
        case (.tensorAnnotation, 2): .leaf
        case (.nodeDeviceConfiguration, 2): .shardingSpec
        case (.shardingSpec, 3): .leaf
        case (.shardingSpec, 4): .shardedDim
        case (.shardedDim, 2): .leaf

        default: nil
        }
    }
}
