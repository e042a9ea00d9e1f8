/// A kind of file that is often mistaken for an ONNX model, recognized from its first
/// bytes (`ForeignFormat.recognize(_:)`, internal); each case renders as a one-line hint.
public enum ForeignFormat: Hashable, Sendable {
    /// A zip archive whose entries look like a `torch.save` checkpoint (`data.pkl`).
    case pytorchCheckpoint
    /// A zip archive holding an ONNX model (the entry's name).
    case zippedONNX(entry: String)
    /// Any other zip archive.
    case zip
    /// A Python pickle: a legacy (pre-1.6) PyTorch checkpoint or a pickled object.
    case pickle
    /// A gzip-compressed file.
    case gzip
    /// A Git LFS pointer file standing in for the real content.
    case gitLFSPointer
    /// An HTML page, such as a download's error page saved under the model's name.
    case html
    /// An XML document.
    case xml
    /// A safetensors weight file (8-byte header length, then a JSON header).
    case safetensors
    /// A TensorFlow Lite FlatBuffer (file identifier `TFL3`).
    case tfLite
    /// An HDF5 file, such as a Keras `.h5` model.
    case hdf5
    /// A NumPy `.npy` array.
    case numpy
    /// A protobuf that looks like a TensorFlow GraphDef (a frozen `.pb`); best effort.
    case tensorFlowGraphDef
    /// A protobuf that looks like a TensorFlow SavedModel's `saved_model.pb`; best effort.
    case tensorFlowSavedModel

    /// What the file is and what to do instead, as one line.
    public var hint: String {
        switch self {
        case .pytorchCheckpoint:
            "this is a PyTorch checkpoint (zip archive), not an ONNX model; export it with torch.onnx.export"
        case .zippedONNX(let entry):
            "this is a zip archive holding '\(entry)', not an ONNX model; unzip it and inspect the .onnx file"
        case .zip:
            "this is a zip archive, not an ONNX model; unzip it and inspect the .onnx file inside"
        case .pickle:
            "this is a Python pickle (a legacy PyTorch checkpoint?), not an ONNX model; export it with torch.onnx.export"
        case .gzip:
            "this is a gzip-compressed file, not an ONNX model; decompress it first (gunzip)"
        case .gitLFSPointer:
            "this is a Git LFS pointer, not the model itself; fetch the content with 'git lfs pull'"
        case .html:
            "this is an HTML page (an error page saved by a download?), not an ONNX model; download the file itself"
        case .xml:
            "this is an XML document, not an ONNX model"
        case .safetensors:
            "this is a safetensors weight file, not an ONNX model; load it in its framework and export to ONNX"
        case .tfLite:
            "this is a TensorFlow Lite model (TFL3), not an ONNX model; convert it with python -m tf2onnx.convert --tflite"
        case .hdf5:
            "this is an HDF5 file (a Keras .h5 model?), not an ONNX model; convert it with tf2onnx"
        case .numpy:
            "this is a NumPy array (.npy), not an ONNX model"
        case .tensorFlowGraphDef:
            "this looks like a TensorFlow GraphDef (.pb), not an ONNX model; convert it with python -m tf2onnx.convert --graphdef"
        case .tensorFlowSavedModel:
            "this looks like a TensorFlow SavedModel (saved_model.pb), not an ONNX model; convert its folder with python -m tf2onnx.convert --saved-model"
        }
    }
}
