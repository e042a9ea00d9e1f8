#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes a report file without ever destroying another file.
///
/// - The target is refused when it resolves (after symlinks, by device and inode) to a
///   file that must be protected: an input model or its external data.
/// - An existing target that is not a regular file (device, FIFO, socket, folder) is
///   refused, and so is a symbolic link: it is never replaced.
/// - An existing regular file is replaced only when `force` is given, keeping its mode
///   and (when permitted) its owner.
/// - The bytes go to a fresh file beside the target, which then takes the target's name
///   in one step (`renameat2` `RENAME_NOREPLACE`, or `RENAME_EXCHANGE` for a replaced
///   file, checked to be the file that was inspected).
public enum OutputFile {
    /// Why a report file was not written.
    public enum Failure: Error, Sendable, Equatable {
        /// The target is not acceptable; nothing was written.
        case refused(String)
        /// Writing failed (the system's reason); the target is unchanged.
        case failed(String)

        /// The reason as a short phrase.
        public var description: String {
            switch self {
            case .refused(let why): why
            case .failed(let why): why
            }
        }
    }

    /// What is at the target now.
    private enum Existing {
        case none
        case regular(stat)
    }

    /// Why `path` may not be written, or nil when it may (``write(_:to:force:protecting:)``
    /// checks again when it writes).
    public static func check(_ path: String, force: Bool, protecting inputs: [String]) -> Failure? {
        do {
            let place = try Place(path)
            defer { close(place.folder) }
            _ = try existing(place, force: force, protecting: identities(inputs))
            return nil
        } catch {
            return error
        }
    }

    /// Writes `bytes` to `path` (see the type's rules).
    public static func write(_ bytes: [UInt8], to path: String, force: Bool, protecting inputs: [String]) throws(Failure) {
        let place = try Place(path)
        defer { close(place.folder) }
        let found = try existing(place, force: force, protecting: identities(inputs))
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let temporary = ".\(place.name.prefix(64)).onnxscope-\(getpid())-\(suffix)"
        let fd = RawPath.withCString(temporary) { openat(place.folder, $0, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666) }
        guard fd >= 0 else { throw .failed("cannot create a file beside it: \(reason())") }
        func abandon(_ why: String) -> Failure {
            _ = RawPath.withCString(temporary) { unlinkat(place.folder, $0, 0) }
            return .failed(why)
        }
        if case .regular(let info) = found {
            _ = fchmod(fd, info.st_mode & 0o7777)
            _ = fchown(fd, info.st_uid, info.st_gid)  // permitted for root, or to the same owner
        }
        if let error = writeAll(bytes, to: fd) {
            close(fd)
            throw abandon("cannot write: \(String(cString: strerror(error)))")
        }
        if close(fd) != 0 { throw abandon("cannot write: \(reason())") }
        switch found {
        case .none:
            if SystemCalls.renameNoReplace(place.folder, temporary, place.folder, place.name) != 0 {
                let error = errno
                if error == EEXIST { throw abandon("it appeared while the report was written; not replaced") }
                // No renameat2 on this file system: link(2) refuses an existing name too.
                guard error == EINVAL || error == ENOSYS, RawPath.withCString(temporary, { t in RawPath.withCString(place.name) { linkat(place.folder, t, place.folder, $0, 0) } }) == 0 else {
                    throw abandon("cannot write: \(String(cString: strerror(error == EINVAL || error == ENOSYS ? errno : error)))")
                }
                _ = RawPath.withCString(temporary) { unlinkat(place.folder, $0, 0) }
            }
        case .regular(let info):
            guard SystemCalls.exchange(place.folder, temporary, place.folder, place.name) == 0 else {
                throw abandon("cannot replace it: \(reason())")
            }
            // The name now holds the new report; the temporary name holds what was there.
            var swapped = stat()
            let same = RawPath.withCString(temporary, { fstatat(place.folder, $0, &swapped, AT_SYMLINK_NOFOLLOW) }) == 0
                && swapped.st_dev == info.st_dev && swapped.st_ino == info.st_ino
            if !same {
                _ = SystemCalls.exchange(place.folder, temporary, place.folder, place.name)
                throw abandon("it changed while the report was written; not replaced")
            }
            _ = RawPath.withCString(temporary) { unlinkat(place.folder, $0, 0) }
        }
    }

    /// The target's folder (open) and its last component.
    private struct Place {
        let folder: Int32
        let name: String

        init(_ path: String) throws(Failure) {
            guard !path.isEmpty else { throw .refused("no file name") }
            if path.hasSuffix("/") { throw .refused("is a folder, not a file name") }
            let slash = path.lastIndex(of: "/")
            let folderPath = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
            name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            if name == "." || name == ".." { throw .refused("is a folder, not a file name") }
            folder = RawPath.withCString(folderPath) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            guard folder >= 0 else { throw .failed("cannot open its folder: \(reason())") }
        }
    }

    /// Device and inode of every protected file that exists (symlinks followed).
    private static func identities(_ paths: [String]) -> [(dev_t, ino_t)] {
        paths.compactMap { path in
            var info = stat()
            return RawPath.withCString(path, { stat($0, &info) }) == 0 ? (info.st_dev, info.st_ino) : nil
        }
    }

    /// What the target is, or why it may not be written.
    private static func existing(_ place: Place, force: Bool, protecting inputs: [(dev_t, ino_t)]) throws(Failure) -> Existing {
        func isInput(_ info: stat) -> Bool { inputs.contains { $0.0 == info.st_dev && $0.1 == info.st_ino } }
        var link = stat()
        guard RawPath.withCString(place.name, { fstatat(place.folder, $0, &link, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            if errno == ENOENT { return .none }
            throw .failed("cannot be checked: \(reason())")
        }
        let type = link.st_mode & S_IFMT
        if type == S_IFLNK {
            var target = stat()
            if RawPath.withCString(place.name, { fstatat(place.folder, $0, &target, 0) }) == 0, isInput(target) {
                throw .refused("is an input model or its external data (through a symbolic link); not overwritten")
            }
            throw .refused("is a symbolic link; name the file itself")
        }
        if isInput(link) { throw .refused("is an input model or its external data; not overwritten") }
        guard type == S_IFREG else { throw .refused("exists and is not a regular file (a device, FIFO, socket or folder)") }
        guard force else { throw .refused("exists; give --force to replace it") }
        return .regular(link)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR; the errno of the
    /// first failure, or nil.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + done }, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            done += n
        }
        return nil
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
