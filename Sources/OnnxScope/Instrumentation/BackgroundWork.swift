#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Work started on another core now and awaited later, so that a command's second core
/// does what a later step needs while the first runs the current one (the table's
/// declared shapes while the layers are recognized).
public final class BackgroundWork<Value: Sendable>: Sendable {
    private let finished = DispatchGroup()
    private let result = Mutex<Value?>(nil)
    private let work: @Sendable () -> Value

    /// Starts `work` on a global queue.
    public init(_ work: @escaping @Sendable () -> Value) {
        self.work = work
        finished.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let value = work()
            result.withLock { $0 = value }
            finished.leave()
        }
    }

    /// The work's result, waiting for it if it is still running.
    public var value: Value {
        finished.wait()
        // The queue has stored the value before it left the group; the fallback never runs.
        return result.withLock { $0 } ?? work()
    }
}

/// A map over many independent items on all cores, for the per-node work of recognizers
/// on large graphs. The results are in the items' order, as a plain `map` returns them.
enum ParallelWork {
    /// Item count from which the work is split (below it, starting threads costs more).
    static let minimum = 4096

    /// The cores to split over.
    private static let cores: Int = max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    /// `transform` of each of `items`, in order; on all cores when there are `minimum` or more.
    /// `transform` must only read shared state.
    static func map<Item: Sendable, Result>(_ items: [Item], _ transform: (Item) -> Result) -> [Result] {
        let n = items.count
        guard n >= minimum, cores > 1 else { return items.map(transform) }
        return [Result](unsafeUninitializedCapacity: n) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            nonisolated(unsafe) let out = base
            forEachChunk(n) { _, range in
                for k in range { (out + k).initialize(to: transform(items[k])) }
            }
            count = n
        }
    }

    /// `first` and `second` at once, one per core (one after the other on one core). Each
    /// must only read shared state and write what the other does not touch.
    static func both(_ first: () -> Void, _ second: () -> Void) {
        guard cores > 1 else {
            first()
            second()
            return
        }
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                nonisolated(unsafe) let work = (first, second)
                DispatchQueue.concurrentPerform(iterations: 2) { k in k == 0 ? work.0() : work.1() }
            }
        }
    }

    /// How many pieces ``forEachChunk(_:_:)`` cuts a long range into: one per core.
    static var chunkCount: Int { cores }

    /// `body(piece, range)` for consecutive pieces of `0..<n` that cover it, in order of
    /// `piece` (from 0, below ``chunkCount``): one per core, on all cores, when `n` is
    /// `minimum` or more; else one piece, here. `body` must only read shared state and
    /// write what its piece owns.
    static func forEachChunk(_ n: Int, _ body: (Int, Range<Int>) -> Void) {
        guard n >= minimum, cores > 1 else { return body(0, 0..<n) }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            let chunks = cores
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                work(c, (n * c / chunks)..<(n * (c + 1) / chunks))
            }
        }
    }
}

/// Freeing on another core: a large model's value tree, catalog and recognition take tens
/// of milliseconds to free, which the command need not wait for.
///
/// A command that reads one file and then exits need not free them at all: the process's
/// exit returns their memory at once, while freeing them takes a core from the work still
/// running (a 100k-node graph's `layers` frees over a million objects). It calls
/// ``keepUntilExit()``, as compilers skip freeing their trees before they exit.
public enum BackgroundFree {
    /// Takes `value`, which holds (or was made from) a model of `metadataBytes` of metadata,
    /// and lets its last reference go on a global queue; a small model's goes here (waking
    /// a thread costs more than freeing it, and a folder of small models would pay that
    /// once per model). After ``keepUntilExit()``, a large model's is kept instead.
    public static func free<T: Sendable>(_ value: consuming T, metadataBytes: Int) {
        let held = value
        guard metadataBytes >= inlineBelow else { return withExtendedLifetime(held) {} }
        if keeping.load(ordering: .relaxed) {
            kept.withLock { $0.append(held) }
            return
        }
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(held) {} }
    }

    /// From now on, ``free(_:metadataBytes:)`` keeps what it is given until the process
    /// exits. For a command about to exit after one file: never for a library caller that
    /// goes on, nor for a folder (whose models must be freed as it goes).
    public static func keepUntilExit() {
        keeping.store(true, ordering: .relaxed)
    }

    /// Metadata size below which a model is freed on the calling thread (1 MiB).
    static let inlineBelow = 1 << 20

    private static let keeping = Atomic<Bool>(false)
    /// What was kept: never freed (a global's value is not destroyed at exit).
    private static let kept = Mutex<[any Sendable]>([])
}
