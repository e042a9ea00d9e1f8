// Linux system calls that glibc does not wrap for Swift (openat2, renameat2), and a
// SIGBUS guard for read-only file mappings. Used only by
// Sources/OnnxScope/Decoding/SystemCalls.swift.
#ifndef ONNXSCOPE_SYSTEM_H
#define ONNXSCOPE_SYSTEM_H

#include <stddef.h>

/// openat2(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) resolved with
/// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS. Returns the fd, or -1 with errno set
/// (ENOSYS where the kernel has no openat2).
int onnxscope_openat2_beneath(int dirfd, const char *path);

/// renameat2(olddirfd, oldpath, newdirfd, newpath, flags). Returns 0, or -1 with errno.
int onnxscope_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

/// RENAME_NOREPLACE and RENAME_EXCHANGE.
unsigned int onnxscope_rename_noreplace(void);
unsigned int onnxscope_rename_exchange(void);

/// Installs the SIGBUS handler once. A SIGBUS inside a registered mapping (the file
/// shrank under it) maps zero pages over the faulting page, marks the mapping changed
/// and lets the read go on; any other SIGBUS keeps its default action.
void onnxscope_sigbus_install(void);

/// Registers a mapping; returns its slot (>= 0), or -1 when the table is full.
int onnxscope_sigbus_register(const void *start, size_t length);

/// Forgets a slot (the mapping is about to be unmapped).
void onnxscope_sigbus_unregister(int slot);

/// 1 when a SIGBUS hit the mapping of `slot` since it was registered.
int onnxscope_sigbus_changed(int slot);

#endif
