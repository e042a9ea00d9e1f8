import Foundation
import OnnxScope

/// Turns the command line's paths into the list of model files to read: a file stays as
/// named (even when missing, so that its error is reported); a folder becomes every
/// `*.onnx` file below it, recursively, sorted by path; `-` (standard input) stays as is. Symbolic links to files are
/// followed; links to folders are not descended into (no cycles).
///
/// Folders are walked by descriptor (`openat` of each entry from its folder's
/// descriptor), so paths longer than the system's limit are still listed; an entry that
/// cannot be read (permission denied, too many links, a model path longer than 4096
/// bytes, which no open could take) is reported, never skipped in silence. Names that are
/// not UTF-8 are kept as their bytes (see `RawPath`).
enum ModelFinder {
    /// The longest path the system opens (PATH_MAX, the terminating NUL included).
    static let maxPathBytes = 4096

    /// The files found, in output order, and the entries that could not be searched.
    struct Expansion {
        var files: [String] = []
        /// `(path, reason)` for folders that could not be listed and models that cannot be opened.
        var unreadable: [(path: String, reason: String)] = []
        /// Folders given on the command line that hold no `*.onnx` file.
        var empty: [String] = []
    }

    static func expand(_ arguments: [String]) -> Expansion {
        var result = Expansion()
        for argument in arguments {
            var info = stat()
            guard argument != ModelSource.standardInput,
                  RawPath.withCString(argument, { stat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                result.files.append(argument)
                continue
            }
            let fd = RawPath.withCString(argument) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            guard fd >= 0 else {
                result.unreadable.append((argument, "cannot be read: \(String(cString: strerror(errno)))"))
                continue
            }
            var found: [String] = []
            let before = result.unreadable.count
            collect(fd, argument.hasSuffix("/") ? argument : argument + "/", into: &found, unreadable: &result.unreadable)
            if found.isEmpty && result.unreadable.count == before { result.empty.append(argument) }
            result.files += found.sorted()
        }
        return result
    }

    /// True for names the folder search picks up.
    static func isModelName(_ name: String) -> Bool {
        name.lowercased().hasSuffix(".onnx")
    }

    /// Every `*.onnx` below the open folder `fd` (closed here); `base` is its path with a
    /// trailing slash.
    private static func collect(_ fd: Int32, _ base: String, into found: inout [String],
                                unreadable: inout [(path: String, reason: String)]) {
        guard let dir = fdopendir(fd) else {
            unreadable.append((base, "cannot be read: \(String(cString: strerror(errno)))"))
            close(fd)
            return
        }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { unreadable.append((base, "cannot be read: \(String(cString: strerror(errno)))")) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                RawPath.string(raw.prefix { $0 != 0 })
            }
            if name != ".", name != ".." { names.append(name) }
        }
        for name in names {
            let path = base + name
            var info = stat()
            // fstatat without following: links to folders are not entered.
            guard RawPath.withCString(name, { fstatat(fd, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                unreadable.append((path, "cannot be read: \(String(cString: strerror(errno)))"))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let sub = RawPath.withCString(name) { openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                guard sub >= 0 else {
                    unreadable.append((path, "cannot be read: \(String(cString: strerror(errno)))"))
                    continue
                }
                collect(sub, path + "/", into: &found, unreadable: &unreadable)
            } else if isModelName(name) {
                let length = RawPath.bytes(path).count
                if length >= maxPathBytes {
                    unreadable.append((path, "cannot be read: path too long (\(length) bytes, the system's limit is \(maxPathBytes - 1))"))
                } else {
                    found.append(path)
                }
            }
        }
    }
}
