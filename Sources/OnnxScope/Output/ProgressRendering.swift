/// The one-line progress bar of a run over many files:
/// `[########------------]  412/1000  37.2 files/s  models/bert/model.onnx`.
public enum ProgressRendering {
    /// The line for `done` of `total` files after `seconds`, naming the `current` file,
    /// fitted to `width` columns (the file name is shortened in the middle).
    public static func line(done: Int, total: Int, current: String, seconds: Double, width: Int) -> String {
        let barWidth = 20
        let filled = total > 0 ? min(barWidth, done * barWidth / total) : barWidth
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
        let digits = String(total).count
        let count = String(repeating: " ", count: max(0, digits - String(done).count)) + "\(done)/\(total)"
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let rateText = rate >= 100 ? "\(Int(rate.rounded())) files/s" : "\((rate * 10).rounded() / 10) files/s"
        let head = "\(bar) \(count)  \(rateText)  "
        let room = max(0, width - head.count - 1)
        guard room > 4 else { return String(head.prefix(max(0, width - 1))) }
        return head + TextFormatting.safe(current, limit: room)
    }
}
