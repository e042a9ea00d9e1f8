import Foundation
import OnnxScope

/// With `ONNXSCOPE_PHASES=1`, one line per phase on stderr when the process ends: the
/// profile split `make bench` records. The rest of the wall time (start-up, reports,
/// teardown) is the `other` line.
enum PhaseReport {
    nonisolated(unsafe) private static var start = Date()

    /// Arms the report; call once, first thing in `main`.
    static func arm() {
        guard PhaseClock.enabled else { return }
        start = Date()
        atexit {
            let total = Date().timeIntervalSince(PhaseReport.start)
            let phases = PhaseClock.seconds
            func line(_ name: String, _ seconds: Double) -> String {
                "phase " + name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: " %8.4f s", seconds)
            }
            var lines = phases.map { line($0.phase.rawValue, $0.seconds) }
            lines.append(line("other", total - phases.map(\.seconds).reduce(0, +)))
            lines.append(line("total", total))
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
