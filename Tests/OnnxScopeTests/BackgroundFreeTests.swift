import Foundation
import Synchronization
import Testing
@testable import OnnxScope

/// What ``BackgroundFree`` does with a large model's values: frees them on another core,
/// and, once a command has said it exits after one file, keeps them until the exit.
@Suite("Background free")
struct BackgroundFreeTests {
    private final class Counter: Sendable {
        let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
    }

    /// Adds one to its counter when freed.
    private final class Tracked: Sendable {
        let freed: Counter
        init(_ freed: Counter) { self.freed = freed }
        deinit { freed.count.add(1, ordering: .relaxed) }
    }

    /// Waits up to two seconds for `freed` to reach `count`.
    private func waitFor(_ freed: Counter, _ count: Int) -> Int {
        for _ in 0..<200 where freed.value < count { usleep(10_000) }
        return freed.value
    }

    /// One test, in this order, because keeping is for the rest of the process.
    @Test func freesUntilToldToKeep() {
        let freed = Counter()
        let large = BackgroundFree.inlineBelow
        // A small model's values go at once, on the calling thread.
        BackgroundFree.free(Tracked(freed), metadataBytes: large - 1)
        #expect(freed.value == 1)
        // A large one's go on another core, soon.
        BackgroundFree.free(Tracked(freed), metadataBytes: large)
        #expect(waitFor(freed, 2) == 2)

        BackgroundFree.keepUntilExit()
        // A large one's are now kept: not freed however long we wait.
        BackgroundFree.free(Tracked(freed), metadataBytes: large)
        #expect(waitFor(freed, 3) == 2)
        // A small one's still go at once (a folder's are never kept).
        BackgroundFree.free(Tracked(freed), metadataBytes: large - 1)
        #expect(freed.value == 3)
    }
}
