#define _GNU_SOURCE
#include "onnxscope_system.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

int onnxscope_openat2_beneath(int dirfd, const char *path) {
#ifdef SYS_openat2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    (void)dirfd; (void)path;
    errno = ENOSYS;
    return -1;
#endif
}

int onnxscope_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}

unsigned int onnxscope_rename_noreplace(void) { return RENAME_NOREPLACE; }
unsigned int onnxscope_rename_exchange(void) { return RENAME_EXCHANGE; }

// The mapping table: slots hold [start, end) and a changed flag. Written by the
// registering thread, read by the signal handler; all fields are atomics.
#define SLOTS 4096
static _Atomic uintptr_t slot_start[SLOTS];
static _Atomic uintptr_t slot_end[SLOTS];
static _Atomic int slot_changed[SLOTS];
static _Atomic int installed;

static void on_sigbus(int sig, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t at = (uintptr_t)info->si_addr;
    for (int i = 0; i < SLOTS; i++) {
        uintptr_t start = atomic_load(&slot_start[i]), end = atomic_load(&slot_end[i]);
        if (start == 0 || at < start || at >= end) continue;
        long page = sysconf(_SC_PAGESIZE);
        uintptr_t base = at - at % (uintptr_t)(page > 0 ? page : 4096);
        // Zeros over the vanished page: the read goes on, and the caller is told.
        void *zero = mmap((void *)base, (size_t)(page > 0 ? page : 4096), PROT_READ,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (zero == MAP_FAILED) break;
        atomic_store(&slot_changed[i], 1);
        return;
    }
    // Not ours: the default action (the process ends with SIGBUS).
    signal(sig, SIG_DFL);
    raise(sig);
}

void onnxscope_sigbus_install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, NULL);
}

int onnxscope_sigbus_register(const void *start, size_t length) {
    uintptr_t s = (uintptr_t)start;
    for (int i = 0; i < SLOTS; i++) {
        uintptr_t expected = 0;
        if (atomic_compare_exchange_strong(&slot_start[i], &expected, UINTPTR_MAX)) {
            atomic_store(&slot_changed[i], 0);
            atomic_store(&slot_end[i], s + length);
            atomic_store(&slot_start[i], s);
            return i;
        }
    }
    return -1;
}

void onnxscope_sigbus_unregister(int slot) {
    if (slot < 0 || slot >= SLOTS) return;
    atomic_store(&slot_end[slot], 0);
    atomic_store(&slot_start[slot], 0);
}

int onnxscope_sigbus_changed(int slot) {
    if (slot < 0 || slot >= SLOTS) return 0;
    return atomic_load(&slot_changed[slot]);
}
