#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory. The mapping lives as long as this object.
///
/// The file is opened `O_RDONLY` and mapped `PROT_READ`/`MAP_PRIVATE`: nothing here can
/// write to it, and nothing locks it. Pages are read by the kernel only when touched, and
/// read-ahead is turned off (`MADV_RANDOM`), so reading the metadata of a 2 GB model
/// touches only the pages that hold metadata.
///
/// An in-memory copy (``init(copying:)``) stands in for a file when the bytes come from
/// memory (the fuzzer, tests); it is an exact-size heap buffer, so AddressSanitizer
/// reports any read past its end. A model file under ``readBelow`` is read into such a
/// buffer too: unmapping a file flushes every core's TLB, which a folder of small models
/// would pay once per model, and a small file's bytes are all read anyway.
final class MappedFile: @unchecked Sendable {
    /// The mapped bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer
    /// The start of the mapping; nil for an empty file or an in-memory copy.
    private let base: UnsafeMutableRawPointer?
    /// The in-memory copy, freed on release.
    private let copy: UnsafeMutableRawBufferPointer?
    /// The path mapped (empty for an in-memory copy).
    let path: String
    /// The mapping's slot in the SIGBUS guard (-1 when not guarded).
    private let guardSlot: Int32
    /// External data: a change is remembered after the mapping is released.
    private let remembersChange: Bool

    /// Maps the file at `path`, or throws the reason it cannot. Anything but a regular
    /// file (a FIFO, a device) is refused before it is opened.
    convenience init(path: String) throws(DecodeFailure) {
        var info = stat()
        guard RawPath.withCString(path, { stat($0, &info) }) == 0 else {
            throw errno == ENOENT || errno == ENOTDIR ? .notFound : .unreadable(MappedFile.errorText())
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable("not a regular file") }
        // O_NONBLOCK: should the path be swapped for a FIFO after the check, open does not wait.
        let fd = RawPath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
        guard fd >= 0 else { throw .unreadable(MappedFile.errorText()) }
        try self.init(descriptor: fd, path: path)
    }

    /// Maps the open file `fd` (closed here, mapped or not), or reads it when it is a model
    /// file under ``readBelow`` (a file that shrinks while read is `changedWhileRead`);
    /// `path` names it in errors. With `externalData`, a truncation seen while mapped is
    /// remembered in ``ChangedFiles`` once the mapping is released.
    init(descriptor fd: Int32, path: String, externalData: Bool = false) throws(DecodeFailure) {
        self.path = path
        remembersChange = externalData
        var info = stat()
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw .unreadable(MappedFile.errorText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable("not a regular file") }
        let size = Int(info.st_size)
        if size == 0 {
            copy = nil
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            guardSlot = -1
            return
        }
        if size < MappedFile.readBelow, !externalData {
            base = nil
            guardSlot = -1
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            do throws(DecodeFailure) {
                try MappedFile.read(fd, into: buffer)
            } catch {
                buffer.deallocate()
                throw error
            }
            copy = buffer
            bytes = UnsafeRawBufferPointer(buffer)
            return
        }
        copy = nil
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else { throw .unreadable(MappedFile.errorText()) }
        // Metadata is scattered between payloads: read-ahead would pull in weights.
        _ = madvise(mapped, size, MADV_RANDOM)
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
        // Another process may truncate the file while it is mapped: reads past the new end
        // then see zeros instead of raising SIGBUS, and ``changed`` says so.
        guardSlot = MappingGuard.register(bytes)
    }

    /// An exact-size, private copy of `source`, read through ``bytes`` only.
    init(copying source: UnsafeRawBufferPointer) {
        base = nil
        path = ""
        guardSlot = -1
        remembersChange = false
        if source.isEmpty {
            copy = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 16)
        buffer.copyMemory(from: source)
        copy = buffer
        bytes = UnsafeRawBufferPointer(buffer)
    }

    deinit {
        if guardSlot >= 0 {
            if remembersChange, MappingGuard.changed(guardSlot) { ChangedFiles.shared.record(path) }
            MappingGuard.unregister(guardSlot)
        }
        if let base { munmap(base, bytes.count) }
        copy?.deallocate()
    }

    /// True when the bytes are a mapping of the file (not a copy of it).
    var isMapped: Bool { base != nil }

    /// True when the file shrank while mapped and a read hit a page it no longer has
    /// (the read saw zeros).
    var changed: Bool { guardSlot >= 0 && MappingGuard.changed(guardSlot) }

    /// Model files smaller than this (1 MiB) are read, not mapped.
    static let readBelow = 1 << 20

    /// Fills `buffer` from the start of `fd`. A file that ends before the buffer is full
    /// shrank since its size was read (`changedWhileRead`), unless its size still says
    /// more: then it is a file whose size is not its length (a sysfs file) and is unreadable.
    private static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFailure) {
        guard let start = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, start + done, buffer.count - done, off_t(done))
            if n > 0 {
                done += n
            } else if n == 0 {
                var info = stat()
                if fstat(fd, &info) == 0, Int(info.st_size) >= buffer.count {
                    throw .unreadable("it ends after \(done) bytes, but its size is \(buffer.count)")
                }
                throw .changedWhileRead
            } else if errno != EINTR {
                throw .unreadable(errorText())
            }
        }
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

extension MappedFile {
    /// Asks the kernel to read `range` ahead sequentially: used before a payload is read
    /// whole (hashed or decoded), since the mapping as a whole is advised random.
    func willReadSequentially(_ range: Range<Int>) {
        guard let base, !range.isEmpty, range.upperBound <= bytes.count else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = range.lowerBound - range.lowerBound % page
        let length = range.upperBound - start
        _ = madvise(base + start, length, MADV_SEQUENTIAL)
        _ = madvise(base + start, length, MADV_WILLNEED)
    }

    /// Drops this process's page mappings of the whole pages inside `range` after they
    /// were read, so that reading a large file keeps resident memory small. The pages
    /// stay in the page cache; touching them again maps them again.
    func doneReading(_ range: Range<Int>) {
        guard let base, !range.isEmpty, range.upperBound <= bytes.count else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(base + start, end - start, MADV_DONTNEED)
    }

    /// The range that `region` occupies in this mapping, when it lies inside it.
    func range(of region: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let start = bytes.baseAddress, let at = region.baseAddress else { return nil }
        let offset = at - start
        guard offset >= 0, offset + region.count <= bytes.count else { return nil }
        return offset..<offset + region.count
    }
}
