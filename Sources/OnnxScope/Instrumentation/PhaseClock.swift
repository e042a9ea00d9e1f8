#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Wall time spent in each phase of reading and analysing models, summed over the
/// process, for `make bench`'s profile split. Off unless the environment sets
/// `ONNXSCOPE_PHASES=1`; when off, a measurement costs one load of a flag.
public enum PhaseClock {
    /// The phases, in pipeline order.
    public enum Phase: String, CaseIterable, Sendable {
        case map = "map + foreign-format check"
        case prePass = "pre-pass (payload stripping)"
        case protobufC = "protobuf-c unpack"
        case conversion = "conversion to the value model"
        case free = "protobuf-c free"
        case checks = "structural checks"
        case catalog = "weight catalog"
        case index = "graph index"
        case recognizers = "layer recognizers"
        case postPasses = "ownership, ties, provenance"
        case accounting = "reports (inspect/layers/audit)"
        case diff = "diff pairing"
        case rendering = "rendering"
        case teardown = "teardown (freeing the model)"
    }

    /// True when the environment asked for phase times.
    public static let enabled: Bool = getenv("ONNXSCOPE_PHASES").map { String(cString: $0) == "1" } ?? false

    private static let totals = Mutex<[Phase: Int64]>([:])

    /// Runs `body`, adding its wall time to `phase` when enabled; with `outer`, `body` is a
    /// part of that phase (measured around it) counted as `phase` instead.
    @inline(__always)
    public static func measure<T, E: Error>(_ phase: Phase, within outer: Phase? = nil, _ body: () throws(E) -> T) throws(E) -> T {
        guard enabled else { return try body() }
        let start = now()
        defer {
            let spent = Int64(truncatingIfNeeded: now() &- start)
            totals.withLock {
                $0[phase, default: 0] &+= spent
                if let outer { $0[outer, default: 0] &-= spent }
            }
        }
        return try body()
    }

    /// Seconds spent per phase so far, in pipeline order, phases never entered left out.
    public static var seconds: [(phase: Phase, seconds: Double)] {
        let snapshot = totals.withLock { $0 }
        return Phase.allCases.compactMap { p in snapshot[p].map { (p, Double($0) / 1e9) } }
    }

    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}
