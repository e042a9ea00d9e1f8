import Foundation

/// The files that shrank while mapped, remembered after their mapping is released (an
/// external data file is mapped only while one tensor is read), so that the command can
/// still say which file changed.
final class ChangedFiles: @unchecked Sendable {
    static let shared = ChangedFiles()
    private let lock = NSLock()
    private var paths: [String] = []

    func record(_ path: String) {
        lock.withLock { if !paths.contains(path) { paths.append(path) } }
    }

    /// The first file recorded below `folder` (a path ending in `/`), if any.
    func first(below folder: String) -> String? { lock.withLock { paths.first { $0.hasPrefix(folder) } } }
}

extension ModelFile {
    /// Throws "the file changed while it was read" when this model file, or an external
    /// data file of its folder read so far, shrank while it was mapped (the reads past its new end saw zeros, so
    /// what was computed from them cannot be trusted). Commands call it before printing.
    public func verifyUnchanged() throws(DecodeError) {
        if mapping.changed { throw DecodeError(path: path, failure: .changedWhileRead) }
        if let data = ChangedFiles.shared.first(below: directory + "/") {
            throw DecodeError(path: data, failure: .changedWhileRead)
        }
    }
}
