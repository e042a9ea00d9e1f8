private import CSystemCalls

/// The Linux system calls glibc does not wrap for Swift, and the SIGBUS guard of file
/// mappings. The only Swift file that sees `CSystemCalls`.
enum SystemCalls {
    /// Opens `path` read-only below the folder `directory` (a descriptor) with openat2
    /// `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`: no `..` above it, no absolute symlink,
    /// no `/proc` magic link. Returns the descriptor, or -1 with `errno` (ENOSYS where
    /// the kernel lacks openat2).
    static func openBeneath(_ directory: Int32, _ path: String) -> Int32 {
        RawPath.withCString(path) { onnxscope_openat2_beneath(directory, $0) }
    }

    /// renameat2 with `RENAME_NOREPLACE`: fails with EEXIST when `to` exists.
    static func renameNoReplace(_ fromDirectory: Int32, _ from: String, _ toDirectory: Int32, _ to: String) -> Int32 {
        RawPath.withCString(from) { a in
            RawPath.withCString(to) { b in onnxscope_renameat2(fromDirectory, a, toDirectory, b, onnxscope_rename_noreplace()) }
        }
    }

    /// renameat2 with `RENAME_EXCHANGE`: swaps two names atomically.
    static func exchange(_ fromDirectory: Int32, _ from: String, _ toDirectory: Int32, _ to: String) -> Int32 {
        RawPath.withCString(from) { a in
            RawPath.withCString(to) { b in onnxscope_renameat2(fromDirectory, a, toDirectory, b, onnxscope_rename_exchange()) }
        }
    }
}

/// Guards read-only file mappings against the file shrinking under them: a read past the
/// new end would raise SIGBUS. The handler maps zeros over the vanished page and marks the
/// mapping changed; readers then report "the file changed while it was read".
enum MappingGuard {
    /// Installs the SIGBUS handler (once per process).
    static func install() { onnxscope_sigbus_install() }

    /// Registers a mapping; the returned slot is -1 when the table is full (then a
    /// truncation still ends the process with SIGBUS).
    static func register(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let start = bytes.baseAddress else { return -1 }
        install()
        return onnxscope_sigbus_register(start, bytes.count)
    }

    /// Forgets a mapping before it is unmapped.
    static func unregister(_ slot: Int32) { onnxscope_sigbus_unregister(slot) }

    /// True when a read of the mapping in `slot` hit a page the file no longer has.
    static func changed(_ slot: Int32) -> Bool { onnxscope_sigbus_changed(slot) != 0 }
}
