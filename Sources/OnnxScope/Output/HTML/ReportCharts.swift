/// The pictures of the HTML reports: the treemap of stored parameters and bar charts.
enum ReportCharts {
    private typealias F = TextFormatting
    private typealias H = HTMLDocument

    /// Above this many layers, small layers are merged into one "other" rectangle per group.
    static let aggregateAbove = 1_500

    /// Treemap items for a layers report: blocks → layers → weights, unattributed last.
    /// `highlights` maps layer names to `added` or `resized`.
    static func items(_ report: LayersReport, weightSizes: [String: Int64], highlights: [String: String] = [:]) -> [TreemapItem] {
        let layerCount = report.totals.layerCount
        let total = Double(max(1, report.layers.map { Saturating.add($0.stored, $0.nonTrainable) }.saturatingSum))
        var items = byModule(report.layers) { item($0, weightSizes: weightSizes, highlights: highlights) }
        if layerCount > aggregateAbove { items = aggregate(items, below: total * 0.0005) }
        let loose = report.unattributed.filter { $0.elements > 0 }
        if !loose.isEmpty {
            let value = Double(loose.map(\.elements).saturatingSum)
            items.append(TreemapItem(
                label: "unattributed", title: "\(loose.count) unattributed weights, \(F.grouped(count(value))) elements",
                classes: "unattributed \(H.kindClass("Unattributed"))", attributes: [("data-unattributed", String(count(value)))],
                value: value, children: []))
        }
        return items
    }

    /// The layers' items under their modules (``ModuleTree``) when the names carry a
    /// hierarchy: a module holding two or more layers becomes a group rectangle; a module
    /// with a single child is skipped, so chains (`encoder` → `encoder.layer`) take one level.
    private static func byModule(_ layers: [LayersReport.Entry], _ make: (LayersReport.Entry) -> TreemapItem) -> [TreemapItem] {
        let tree = ModuleTree(layers)
        func items(_ node: ModuleTree.Node) -> [TreemapItem] {
            var result: [TreemapItem] = []
            if let entry = node.entry { result.append(make(entry)) }
            for child in node.children {
                var module = child
                while module.entry == nil, module.children.count == 1, let only = module.children.first { module = only }
                guard module.layerCount > 1 else {
                    result += items(module)
                    continue
                }
                let children = items(module)
                let value = children.reduce(0.0) { $0 + $1.value }
                result.append(TreemapItem(
                    label: module.path, title: "\(module.path) · module of \(module.layerCount) layers · \(F.grouped(count(value))) elements",
                    classes: "module", attributes: [("data-module", module.path)], value: value, children: children))
            }
            return result
        }
        return items(tree.root)
    }

    private static func item(_ e: LayersReport.Entry, weightSizes: [String: Int64], highlights: [String: String]) -> TreemapItem {
        var children = e.children.map { item($0, weightSizes: weightSizes, highlights: highlights) }
        let own = Saturating.add(e.stored, e.nonTrainable)
        if children.isEmpty {
            // A leaf layer's weights, in proportion to their stored sizes.
            let sizes = e.weights.map { ($0, weightSizes[$0] ?? 0) }.filter { $0.1 > 0 }
            let sum = Double(sizes.map(\.1).saturatingSum)
            if sizes.count > 1, sum > 0 {
                children = sizes.map { name, size in
                    TreemapItem(label: name, title: "\(name): \(F.grouped(size)) elements", classes: "weight \(H.kindClass("Weight"))",
                                attributes: [("data-weight", name)], value: Double(own) * Double(size) / sum, children: [])
                }
            }
        }
        let childSum = children.filter { !$0.classes.hasPrefix("weight") }.reduce(0.0) { $0 + $1.value }
        let value = max(Double(own), childSum)
        var classes = "layer \(H.kindClass(e.kind.rawValue))"
        if !e.children.isEmpty { classes += " group" }
        if let change = highlights[e.name] { classes += " hl-\(change)" }
        let title = "\(e.name) · \(e.kind.rawValue) · \(F.grouped(own)) elements" + (e.hyper.isEmpty ? "" : " · " + LayersRendering.hyperText(e))
        return TreemapItem(label: e.name, title: title, classes: classes,
                           attributes: [("data-layer", e.name), ("data-kind", e.kind.rawValue), ("data-elements", String(own))],
                           value: value, children: children)
    }

    /// Merges items smaller than `threshold` into one rectangle per level.
    private static func aggregate(_ items: [TreemapItem], below threshold: Double) -> [TreemapItem] {
        var kept: [TreemapItem] = []
        var merged = 0
        var mergedValue = 0.0
        for var item in items {
            if item.value < threshold {
                merged += 1
                mergedValue += item.value
                continue
            }
            item.children = aggregate(item.children, below: threshold)
            kept.append(item)
        }
        if merged > 0 {
            kept.append(TreemapItem(label: "\(merged) small layers", title: "\(merged) layers under \(F.grouped(Int64(threshold))) elements each, merged",
                                    classes: "other \(H.kindClass("Unattributed"))", attributes: [("data-merged", String(merged))],
                                    value: mergedValue, children: []))
        }
        return kept
    }

    /// The two shapes of the treemap: wide for screens, tall for phones (CSS shows one).
    enum Shape: String {
        case wide, narrow

        var size: (width: Double, height: Double) {
            switch self {
            case .wide: (1200, 620)
            case .narrow: (390, 640)
            }
        }
    }

    /// The treemap as an inline SVG of `shape`.
    static func treemap(_ items: [TreemapItem], shape: Shape = .wide, label: String) -> String {
        let (width, height) = shape.size
        let rects = Treemap.layout(items, x: 0, y: 0, width: width, height: height)
        var out = "<svg class=\"treemap \(shape.rawValue)\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(H.escape(label))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for r in rects where r.width >= 0.5 && r.height >= 0.5 {
            let attributes = r.item.attributes.map { " \($0.0)=\"\(H.escape($0.1))\"" }.joined()
            out += "<rect x=\"\(fmt(r.x))\" y=\"\(fmt(r.y))\" width=\"\(fmt(r.width))\" height=\"\(fmt(r.height))\" class=\"\(r.item.classes)\"\(attributes)><title>\(H.escape(r.item.title))</title></rect>"
            let fits = r.hasChildren ? r.height > Treemap.header * 2.5 : r.height >= 15
            let chars = Int((r.width - 6) / 6.4)
            if fits, chars >= 4 {
                let text = r.item.label.count > chars ? String(r.item.label.prefix(chars - 1)) + "…" : r.item.label
                let y = r.hasChildren ? r.y + 12 : r.y + min(r.height / 2 + 4, 14)
                out += "<text x=\"\(fmt(r.x + 3))\" y=\"\(fmt(y))\"\(r.hasChildren ? " class=\"g\"" : "")>\(H.escape(text))</text>"
                // Large leaf cells also show their element count on a second line.
                let count = F.grouped(count(r.item.value))
                if !r.hasChildren, r.height >= 32, count.count + 2 <= chars, !r.item.classes.hasPrefix("weight") {
                    out += "<text x=\"\(fmt(r.x + 3))\" y=\"\(fmt(y + 14))\" class=\"c\">\(count)</text>"
                }
            }
        }
        return out + "</svg>"
    }

    /// A horizontal bar chart of named values, in HTML so that its text stays legible at
    /// any width.
    static func bars(_ values: [(String, Int64)], kindColours: Bool, label: String) -> String {
        let rows = values.filter { $0.1 > 0 }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        guard let largest = rows.first?.1, largest > 0 else { return "<p>None.</p>" }
        var out = "<div class=\"bars\" role=\"img\" aria-label=\"\(H.escape(label))\">"
        for (name, value) in rows {
            let percent = max(0.3, (Double(value) / Double(largest) * 1000).rounded() / 10)
            let cls = kindColours ? H.kindClass(name) : "dtype"
            out += "<span class=\"bl\">\(H.escape(name, limit: 40))</span><span class=\"bt\"><span class=\"bf \(cls)\" style=\"width:\(percent)%\" data-bar=\"\(H.escape(name))\" data-value=\"\(value)\" title=\"\(H.escape(name)): \(F.grouped(value))\"></span></span><span class=\"bv\">\(F.grouped(value))</span>"
        }
        return out + "</div>"
    }

    private static func fmt(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// An element count drawn as a Double, back as a count: saturated rather than trapping
    /// when a hostile file's sizes do not fit (a Double past Int64.max cannot be converted).
    static func count(_ value: Double) -> Int64 {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= 9.2e18 ? .max : Int64(value.rounded())
    }
}
