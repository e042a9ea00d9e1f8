#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What became of an external-data reference when it was looked up on disk.
public enum ExternalDataStatus: Hashable, Sendable {
    /// The data file exists inside the model's folder and covers the referenced range.
    case available(file: String)
    /// The reference is well-formed but its file does not exist.
    case missingFile(file: String)
    /// The reference was not followed: absolute path, escape from the model's folder
    /// (`..`, or a symlink that resolves outside it), no location, an unknown or repeated
    /// key, offset/length that are not non-negative numbers, or a model folder that
    /// cannot be resolved.
    case refused(reason: String)
    /// The file exists but is shorter than offset + length.
    case outOfRange(file: String, needed: Int64, size: Int64)
}

/// Resolves external-data locations against the model's folder, without opening any
/// data file: it only resolves paths and reads file sizes.
struct ExternalDataLocator: Sendable {
    private let folder: String
    private let realFolder: String?

    /// A locator for the model whose folder is `folder`.
    public init(folder: String) {
        self.folder = folder
        realFolder = ExternalDataLocator.realPath(folder)
    }

    /// Checks one reference; `bytes` is the tensor's size from its dims, when known.
    public func status(of reference: ExternalDataReference, bytes: Int64?) -> ExternalDataStatus {
        resolve(reference, bytes: bytes).status
    }

    /// Checks one reference and, when it is available, returns the resolved real path of
    /// the data file (no symlinks left in it): the only path that may then be opened.
    func resolve(_ reference: ExternalDataReference, bytes: Int64?) -> (status: ExternalDataStatus, path: String?) {
        func refused(_ reason: String) -> (status: ExternalDataStatus, path: String?) { (.refused(reason: reason), nil) }
        if let key = reference.otherKeys.first { return refused("unknown external_data key '\(key)'") }
        if let key = reference.repeatedKeys.first { return refused("external_data key '\(key)' appears more than once") }
        guard let location = reference.location, !location.isEmpty else { return refused("no location entry") }
        if location.hasPrefix("/") { return refused("absolute location \(location)") }
        if location.utf8.contains(0) { return refused("location contains a NUL byte") }
        if ExternalDataLocator.escapes(location) { return refused("location \(location) leaves the model's folder") }
        guard let offset = ExternalDataLocator.number(reference.offset, default: 0) else {
            return refused("offset \(reference.offset ?? "") is not a non-negative number")
        }
        guard let length = ExternalDataLocator.number(reference.length, default: bytes ?? 0) else {
            return refused("length \(reference.length ?? "") is not a non-negative number")
        }
        guard let realFolder else { return refused("the model's folder \(folder) cannot be resolved") }
        let joined = folder + "/" + location
        guard let real = ExternalDataLocator.realPath(joined) else { return (.missingFile(file: location), nil) }
        guard real.hasPrefix(realFolder.hasSuffix("/") ? realFolder : realFolder + "/") else {
            return refused("location \(location) resolves outside the model's folder")
        }
        var info = stat()
        guard RawPath.withCString(real, { stat($0, &info) }) == 0 else { return (.missingFile(file: location), nil) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return refused("location \(location) is not a regular file") }
        let size = Int64(info.st_size)
        let (needed, overflow) = offset.addingReportingOverflow(length)
        if overflow || needed > size { return (.outOfRange(file: location, needed: overflow ? .max : needed, size: size), nil) }
        return (.available(file: location), real)
    }

    private static func number(_ text: String?, default value: Int64) -> Int64? {
        guard let text else { return value }
        guard let n = Int64(text), n >= 0 else { return nil }
        return n
    }

    /// True when the path's `..` components climb above its starting folder.
    private static func escapes(_ location: String) -> Bool {
        var depth = 0
        for part in location.split(separator: "/", omittingEmptySubsequences: true) {
            if part == ".." {
                depth -= 1
                if depth < 0 { return true }
            } else if part != "." {
                depth += 1
            }
        }
        return false
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = RawPath.withCString(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return RawPath.string(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)))
    }
}
