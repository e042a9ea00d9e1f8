#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Opens an external data file so that the containment check and the open are one step:
/// no directory component swapped for a symlink between them can lead outside the
/// model's folder.
///
/// openat2 from a descriptor of the model's folder with `RESOLVE_BENEATH |
/// RESOLVE_NO_MAGICLINKS`; where the kernel has no openat2, a walk that opens each
/// component with `openat(O_NOFOLLOW)` from the folder's descriptor (a symlink anywhere is
/// then refused), the final descriptor checked to be a regular file.
enum ContainedOpen {
    /// What the open found.
    enum Outcome: Equatable {
        /// A read-only descriptor of a regular file inside the folder (the caller closes it).
        case opened(Int32)
        /// Nothing at the location.
        case missing
        /// The location leads outside the folder (`..`, an absolute or escaping symlink,
        /// a `/proc` magic link), or is not a regular file.
        case refused(String)
        /// The system's reason the open failed.
        case failed(String)
    }

    /// Opens `location` (relative) below `folder`.
    static func open(_ location: String, in folder: String) -> Outcome {
        let directory = RawPath.withCString(folder) { Glibc.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard directory >= 0 else { return .failed("the model's folder cannot be opened: \(reason())") }
        defer { close(directory) }
        let fd = SystemCalls.openBeneath(directory, location)
        if fd >= 0 { return regular(fd, location) }
        switch errno {
        case ENOSYS, EPERM:
            // No openat2 (old kernel, or a seccomp filter that forbids it).
            return walk(location, from: directory)
        case ENOENT, ENOTDIR:
            return .missing
        case EXDEV, ELOOP:
            return .refused("location \(location) resolves outside the model's folder")
        default:
            return .failed(reason())
        }
    }

    /// The fallback: each directory component opened with O_NOFOLLOW from the one before,
    /// `..` going back up the descriptors opened so far (never above the folder).
    static func walk(_ location: String, from directory: Int32) -> Outcome {
        let parts = location.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        guard let last = parts.last, last != ".." else { return .refused("location \(location) does not name a file") }
        var stack: [Int32] = []
        defer { stack.forEach { _ = close($0) } }
        var current = directory
        for part in parts.dropLast() {
            if part == ".." {
                guard let top = stack.popLast() else { return .refused("location \(location) leaves the model's folder") }
                close(top)
                current = stack.last ?? directory
                continue
            }
            let next = openat(current, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { return failure(errno, location) }
            stack.append(next)
            current = next
        }
        let fd = openat(current, last, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return failure(errno, location) }
        return regular(fd, location)
    }

    private static func failure(_ error: Int32, _ location: String) -> Outcome {
        switch error {
        case ENOENT: .missing
        case ELOOP, ENOTDIR: .refused("location \(location) goes through a symbolic link (refused without openat2)")
        default: .failed(String(cString: strerror(error)))
        }
    }

    /// `fd` when it is a regular file; else it is closed and refused.
    private static func regular(_ fd: Int32, _ location: String) -> Outcome {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .refused("location \(location) is not a regular file")
        }
        return .opened(fd)
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
