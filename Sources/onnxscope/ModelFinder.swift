import Foundation

/// Turns the command line's paths into the list of model files to read: a file stays as
/// named (even when missing, so that its error is reported); a folder becomes every
/// `*.onnx` file below it, recursively, sorted by path; `-` (standard input) stays as is. Symbolic links to files are
/// followed; links to folders are not descended into (no cycles).
enum ModelFinder {
    /// The files found, in output order, and the folders that could not be searched.
    struct Expansion {
        var files: [String] = []
        /// `(folder, reason)` for folders that could not be listed.
        var unreadable: [(path: String, reason: String)] = []
        /// Folders given on the command line that hold no `*.onnx` file.
        var empty: [String] = []
    }

    static func expand(_ arguments: [String]) -> Expansion {
        var result = Expansion()
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard argument != ModelSource.standardInput,
                  FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
                result.files.append(argument)
                continue
            }
            var found: [String] = []
            collect(argument, into: &found, unreadable: &result.unreadable)
            if found.isEmpty { result.empty.append(argument) }
            result.files += found.sorted()
        }
        return result
    }

    /// True for names the folder search picks up.
    static func isModelName(_ name: String) -> Bool {
        name.lowercased().hasSuffix(".onnx")
    }

    private static func collect(_ folder: String, into found: inout [String], unreadable: inout [(path: String, reason: String)]) {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            unreadable.append((folder, "cannot be read: \(reason(error))"))
            return
        }
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        for name in entries {
            let path = base + name
            // attributesOfItem does not follow a final symbolic link: links to folders are not entered.
            let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            if type == .typeDirectory {
                collect(path, into: &found, unreadable: &unreadable)
            } else if isModelName(name) {
                found.append(path)
            }
        }
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoPermissionError { return "permission denied" }
        return ns.localizedDescription
    }
}
