import Foundation
import OnnxScope

/// Opens the model a command-line argument names: a file path, or `-` for standard input,
/// which is read whole into memory (at most ``DecodingLimits/maxStandardInputBytes``) and
/// decoded like a file named `-` (external data is looked up in the current folder).
enum ModelSource {
    /// The argument that means standard input.
    static let standardInput = "-"

    static func open(_ argument: String) throws(DecodeError) -> ModelFile {
        guard argument == standardInput else { return try ModelFile.open(argument) }
        return try ModelFile.open(bytes: try readStandardInput(), name: standardInput)
    }

    /// Every byte of standard input; refuses a terminal (it would wait for typing) and
    /// more than the limit (it would never end on an endless stream).
    private static func readStandardInput() throws(DecodeError) -> [UInt8] {
        if isatty(STDIN_FILENO) == 1 {
            throw DecodeError(path: standardInput, failure: .unreadable(
                "standard input is a terminal; pipe a model into it, e.g. onnxscope inspect - < model.onnx"))
        }
        let limit = DecodingLimits.maxStandardInputBytes
        // A redirected file's size is known: room for it is reserved at once.
        var info = stat()
        let known = fstat(STDIN_FILENO, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
        if known > limit { throw DecodeError(path: standardInput, failure: .tooMany(what: "bytes on standard input", limit: limit)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(known)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw DecodeError(path: standardInput, failure: .unreadable(String(cString: strerror(errno))))
            }
            guard bytes.count + count <= limit else {
                throw DecodeError(path: standardInput, failure: .tooMany(what: "bytes on standard input", limit: limit))
            }
            bytes += chunk[0..<count]
        }
    }
}
