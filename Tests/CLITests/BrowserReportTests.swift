import Foundation
import Testing

/// `onnxscope report` pages opened in headless Chromium: they load without console
/// errors, the treemap has one rectangle per layer with the largest top-level layer in the
/// largest rectangle, every number shown equals the JSON output, nothing overflows
/// horizontally at 390 or 1280 px, and the layer table works with and without its script.
///
/// Needs Debian's `chromium` (`make browser`, which CI runs). Without it the suite is
/// skipped, unless ONNXSCOPE_REQUIRE_BROWSER=1 (set by CI) makes that a failure.
@Suite("HTML reports in a real browser", .enabled(if: Browser.path != nil || Browser.required))
struct BrowserReportTests {
    static let models = ["pytorch/conv.torchscript.onnx", "pytorch/lstm.torchscript.onnx", "pytorch/transformer_encoder.dynamo.onnx"]

    @Test("model report", arguments: models)
    func modelReport(model: String) throws {
        let folder = try Browser.scratch()
        let page = folder.appendingPathComponent("report.html")
        let run = try CLI.run(["report", CLI.fixture(model), "-o", page.path])
        #expect(run.status == 0, "\(run.stderr)")
        let dom = try Browser.load(page, screenshot: folder.appendingPathComponent("report.png"))

        let json = try CLI.run(["layers", "--format", "json", CLI.fixture(model)])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let top = try #require(report["layers"] as? [[String: Any]])
        var all: [[String: Any]] = []
        func flatten(_ layers: [[String: Any]]) {
            for l in layers {
                all.append(l)
                flatten(l["children"] as? [[String: Any]] ?? [])
            }
        }
        flatten(top)
        func size(_ l: [String: Any]) -> Int { (l["stored"] as? Int ?? 0) + (l["nonTrainable"] as? Int ?? 0) }

        // One treemap rectangle per layer that has stored elements.
        let rects = Browser.rects(in: dom)
        for layer in all where size(layer) > 0 {
            let name = try #require(layer["name"] as? String)
            #expect(rects.filter { $0.layer == name }.count == 1, "rectangles for \(name)")
        }
        // The largest top-level layer has the largest top-level rectangle.
        let topNames = Set(top.compactMap { $0["name"] as? String })
        let largestRect = try #require(rects.filter { topNames.contains($0.layer) }.max { $0.area < $1.area })
        let largestLayer = try #require(top.max { size($0) < size($1) })
        #expect(largestRect.layer == largestLayer["name"] as? String)

        // The table's numbers are the JSON's.
        let rows = Browser.layerRows(in: dom)
        #expect(rows.count == all.count)
        for layer in all {
            let name = try #require(layer["name"] as? String)
            let row = try #require(rows.first { $0.layer == name }, "row for \(name)")
            #expect(row.stored == layer["stored"] as? Int, "\(name) stored")
            #expect(row.shownStored == layer["stored"] as? Int, "\(name) stored as shown")
            #expect(row.shownTextbook == (layer["predicted"] as? [String: Any])?["textbook"] as? Int, "\(name) textbook as shown")
        }
        let totals = try #require(report["totals"] as? [String: Any])
        let total = (totals["trainable"] as? Int ?? 0) + (totals["nonTrainable"] as? Int ?? 0)
        #expect(dom.contains("data-total=\"\(total)\""))
    }

    @Test func diffReport() throws {
        let folder = try Browser.scratch()
        let page = folder.appendingPathComponent("diff.html")
        let a = CLI.fixture("diff/lstm_resized.a.onnx"), b = CLI.fixture("diff/lstm_resized.b.onnx")
        let run = try CLI.run(["report", a, b, "-o", page.path])
        #expect(run.status == 0, "\(run.stderr)")
        let dom = try Browser.load(page, screenshot: folder.appendingPathComponent("diff.png"))
        let json = try CLI.run(["diff", "--format", "json", a, b])
        let diff = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let layers = try #require(diff["layers"] as? [[String: Any]])
        #expect(!layers.isEmpty)
        for layer in layers {
            let name = try #require(layer["name"] as? String)
            let delta = try #require(layer["delta"] as? Int)
            #expect(dom.contains("data-layer=\"\(name)\" data-delta=\"\(delta)\""))
            #expect(Browser.rects(in: dom).contains { $0.layer == name && $0.classes.contains("hl-resized") })
        }
    }

    /// At a phone's 390 px and a laptop's 1280 px, neither the page nor any scrolling box
    /// in it is wider than the viewport (scrollWidth measured by Chromium).
    @Test("no horizontal overflow at 390 and 1280 px", arguments: models + ["diff"])
    func noHorizontalOverflow(model: String) throws {
        let folder = try Browser.scratch()
        let page = folder.appendingPathComponent("report.html")
        let arguments = model == "diff"
            ? ["report", CLI.fixture("diff/lstm_resized.a.onnx"), CLI.fixture("diff/lstm_resized.b.onnx"), "-o", page.path]
            : ["report", CLI.fixture(model), "-o", page.path]
        #expect(try CLI.run(arguments).status == 0)
        for width in [390, 1280] {
            let m = try Browser.measure(page, width: width, folder: folder)
            #expect(m.innerWidth == width, "\(model): viewport \(m.innerWidth)")
            #expect(m.scrollWidth <= width, "\(model) at \(width) px: page scrollWidth \(m.scrollWidth)")
            #expect(m.boxOverflow <= 1, "\(model) at \(width) px: \(m.box) overflows by \(m.boxOverflow) px")
        }
    }

    /// The layer table works without the script (every row in the HTML, none hidden, no
    /// dead filter box) and with it (a filter box; fold buttons on rows with parts).
    @Test func layerTableWithAndWithoutScript() throws {
        let folder = try Browser.scratch()
        let page = folder.appendingPathComponent("report.html")
        #expect(try CLI.run(["report", CLI.fixture("pytorch/transformer_encoder.dynamo.onnx"), "-o", page.path]).status == 0)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("class=\"collapsed-away") && !html.contains("class=\"filtered-away") && !html.contains(" hidden"))
        #expect(html.components(separatedBy: "<script").count == 2, "one inline script")
        #expect(!html.contains("<script src"))
        let dom = try Browser.load(page, screenshot: folder.appendingPathComponent("report.png"))
        #expect(dom.contains("<html lang=\"en\" class=\"js\">"))
        #expect(dom.contains("class=\"fold\""))
        #expect(Browser.layerRows(in: dom).count == Browser.layerRows(in: html).count)
    }

    @Test func reportRefusesToOverwriteItsInput() throws {
        let run = try CLI.run(["report", CLI.fixture("keras/mlp.onnx"), "-o", CLI.fixture("keras/mlp.onnx")])
        #expect(run.status == 2)
    }
}

/// Driving headless Chromium and reading what it rendered.
enum Browser {
    static let required = ProcessInfo.processInfo.environment["ONNXSCOPE_REQUIRE_BROWSER"] == "1"

    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Rect {
        var layer: String
        var classes: String
        var area: Double
    }

    struct Row {
        var layer: String
        var stored: Int?
        var shownStored: Int?
        var shownTextbook: Int?
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("onnxscope-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Loads the page, takes a 1280-wide screenshot, and returns the DOM after load;
    /// fails on any console error or failed resource.
    static func load(_ page: URL, screenshot: URL) throws -> String {
        let chromium = try #require(path, "chromium is not installed: run `make browser`")
        let flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                     "--window-size=1280,1600"]
        let shot = try run(chromium, flags + ["--screenshot=\(screenshot.path)", page.absoluteString])
        #expect(FileManager.default.fileExists(atPath: screenshot.path), "no screenshot: \(shot.stderr)")
        let dump = try run(chromium, flags + ["--dump-dom", page.absoluteString])
        for line in (shot.stderr + dump.stderr).split(separator: "\n") where line.contains("CONSOLE") || line.contains("Failed to load") {
            Issue.record("browser console: \(line)")
        }
        #expect(dump.stdout.contains("</html>"))
        return dump.stdout
    }

    /// The layer rectangles of the wide treemap (the narrow one, for phones, repeats them).
    static func rects(in dom: String) -> [Rect] {
        let wide = matches(#"(<svg class="treemap wide".*?</svg>)"#, in: dom).first ?? ""
        return matches(#"<rect ([^>]*data-layer="[^"]*"[^>]*)>"#, in: wide).compactMap { attributes in
            guard let layer = attribute("data-layer", attributes), let w = attribute("width", attributes).flatMap(Double.init),
                  let h = attribute("height", attributes).flatMap(Double.init) else { return nil }
            return Rect(layer: unescape(layer), classes: attribute("class", attributes) ?? "", area: w * h)
        }
    }

    static func layerRows(in dom: String) -> [Row] {
        matches(#"<tr (data-layer="[^"]*" data-stored="[^"]*"[^>]*)>(.*?)</tr>"#, in: dom, group: 0).compactMap { row in
            guard let layer = attribute("data-layer", row) else { return nil }
            let numbers = matches(#"<td class="n"[^>]*>([^<]*)</td>"#, in: row).map { Int($0.replacingOccurrences(of: ",", with: "")) }
            return Row(layer: unescape(layer), stored: attribute("data-stored", row).flatMap { Int($0) },
                       shownStored: numbers.first ?? nil, shownTextbook: numbers.count > 1 ? numbers[1] : nil)
        }
    }

    struct Measure {
        var scrollWidth: Int
        var innerWidth: Int
        /// The largest scrollWidth − clientWidth of any element that scrolls horizontally, and which.
        var boxOverflow: Int
        var box: String
    }

    /// Opens a copy of `page` with a measuring script in an iframe `width` px wide (Chromium
    /// does not make windows narrower than 500 px) and reads what the copy measured after load.
    static func measure(_ page: URL, width: Int, folder: URL) throws -> Measure {
        let chromium = try #require(path, "chromium is not installed: run `make browser`")
        let probe = #"<script>addEventListener("load",function(){var worst=0,who="";document.querySelectorAll("body *").forEach(function(e){var s=getComputedStyle(e).overflowX;var o=e.scrollWidth-e.clientWidth;if((s==="auto"||s==="scroll")&&o>worst){worst=o;who=e.tagName+"."+e.className}});parent.postMessage([document.documentElement.scrollWidth,innerWidth,worst,who],"*")})</script>"#
        let html = try String(contentsOf: page, encoding: .utf8)
        let copy = folder.appendingPathComponent("measured-\(width).html")
        try Data(html.replacingOccurrences(of: "</body>", with: probe + "</body>").utf8).write(to: copy)
        let frame = folder.appendingPathComponent("frame-\(width).html")
        let wrapper = #"<!doctype html><body style="margin:0"><iframe src=""# + copy.lastPathComponent
            + #"" style="width:\#(width)px;height:1600px;border:0"></iframe><script>addEventListener("message",function(e){var d=document.createElement("pre");d.id="measure";d.textContent=e.data.join("|");document.body.appendChild(d)})</script></body>"#
        try Data(wrapper.utf8).write(to: frame)
        let flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(max(width, 500) + 40),1600",
                     "--virtual-time-budget=5000"]
        _ = try run(chromium, flags + ["--screenshot=\(folder.appendingPathComponent("report-\(width).png").path)", frame.absoluteString])
        let dump = try run(chromium, flags + ["--dump-dom", frame.absoluteString])
        let result = try #require(matches(#"<pre id="measure">([^<]*)</pre>"#, in: dump.stdout).first, "no measurement: \(dump.stderr)")
        let parts = result.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 4)
        return Measure(scrollWidth: Int(parts[0]) ?? .max, innerWidth: Int(parts[1]) ?? 0, boxOverflow: Int(parts[2]) ?? .max, box: parts[3])
    }

    private static func attribute(_ name: String, _ text: String) -> String? {
        matches(" \(name)=\"([^\"]*)\"", in: " " + text).first
    }

    private static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func matches(_ pattern: String, in text: String, group: Int = 1) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: group)) }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> CLIRun {
        try CLI.run(executable: URL(fileURLWithPath: executable), arguments)
    }
}
