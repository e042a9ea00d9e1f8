// The libFuzzer target over OnnxScope's whole read path. Built by `make fuzz` with
// swiftc (-sanitize=fuzzer,address; the C code also with undefined), never by SwiftPM's
// own build or `swift test`. Each input goes through `ReadPathExercise`, the same code
// the fail-case replay test runs.
//
// Environment: ONNXSCOPE_FUZZ_REFERENCE names the model every input is diffed against;
// ONNXSCOPE_FUZZ_FOLDER is the folder inputs pretend to live in (external data is looked
// up there; `make fuzz` puts a data file and an outward symlink into it);
// ONNXSCOPE_FUZZ_SAMPLED=1 sends only one input in four (chosen by its hash) through
// layers, diff and the renderers, for throughput (see ReadPathExercise.run).

@testable import OnnxScope

#if canImport(Glibc)
import Glibc
#endif

private let environment: (reference: ModelFile?, name: String, sampled: Bool) = {
    let folder = getenv("ONNXSCOPE_FUZZ_FOLDER").map { String(cString: $0) } ?? "/nonexistent-onnxscope-fuzz"
    let reference = getenv("ONNXSCOPE_FUZZ_REFERENCE").flatMap { try? ModelFile.open(String(cString: $0)) }
    let sampled = getenv("ONNXSCOPE_FUZZ_SAMPLED").map { String(cString: $0) == "1" } ?? false
    return (reference, folder + "/input.onnx", sampled)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    ReadPathExercise.run(bytes, name: environment.name, reference: environment.reference, sampled: environment.sampled)
    return 0
}
