/// A squarified treemap layout (Bruls, Huizing and van Wijk): rectangles whose areas are
/// proportional to values, as close to square as the ordering allows.
struct TreemapItem {
    /// Text shown in the rectangle and its tooltip.
    var label: String
    /// The full tooltip (SVG `<title>`).
    var title: String
    /// CSS classes of the rectangle.
    var classes: String
    /// Extra attributes, e.g. `data-layer`.
    var attributes: [(String, String)]
    /// The area weight (elements); children's values should add up to it.
    var value: Double
    var children: [TreemapItem]
}

/// A placed rectangle.
struct TreemapRect {
    var x: Double, y: Double, width: Double, height: Double
    var item: TreemapItem
    var depth: Int
    var hasChildren: Bool
}

enum Treemap {
    /// Header height for a group rectangle's label, and inner padding.
    static let header = 16.0
    static let padding = 2.0

    /// Lays out `items` in the rectangle, nesting children inside their parent with a
    /// labelled header. Depth is bounded by the items (layers nest at most four deep).
    static func layout(_ items: [TreemapItem], x: Double, y: Double, width: Double, height: Double, depth: Int = 0) -> [TreemapRect] {
        var result: [TreemapRect] = []
        let placed = squarify(items.filter { $0.value > 0 }.sorted { $0.value > $1.value }, x: x, y: y, width: width, height: height)
        for (item, r) in placed {
            let hasChildren = !item.children.isEmpty
            result.append(TreemapRect(x: r.0, y: r.1, width: r.2, height: r.3, item: item, depth: depth, hasChildren: hasChildren))
            guard hasChildren else { continue }
            let top = r.3 > header * 2.5 ? header : padding
            let innerWidth = r.2 - 2 * padding, innerHeight = r.3 - top - padding
            if innerWidth > 1, innerHeight > 1 {
                result += layout(item.children, x: r.0 + padding, y: r.1 + top, width: innerWidth, height: innerHeight, depth: depth + 1)
            }
        }
        return result
    }

    /// Places items (sorted by value, largest first) in rows along the shorter side.
    private static func squarify(
        _ items: [TreemapItem], x: Double, y: Double, width: Double, height: Double
    ) -> [(TreemapItem, (Double, Double, Double, Double))] {
        let total = items.reduce(0) { $0 + $1.value }
        guard total > 0, width > 0, height > 0 else { return [] }
        let scale = width * height / total
        var result: [(TreemapItem, (Double, Double, Double, Double))] = []
        var rx = x, ry = y, rw = width, rh = height
        var index = 0
        while index < items.count {
            let side = min(rw, rh)
            var row: [TreemapItem] = [items[index]]
            var rowArea = items[index].value * scale
            var best = worst(row.map { $0.value * scale }, side: side)
            var next = index + 1
            while next < items.count {
                let candidate = row.map { $0.value * scale } + [items[next].value * scale]
                let w = worst(candidate, side: side)
                if w > best { break }
                best = w
                row.append(items[next])
                rowArea += items[next].value * scale
                next += 1
            }
            let thickness = side > 0 ? rowArea / side : 0
            var offset = 0.0
            for item in row {
                let length = thickness > 0 ? item.value * scale / thickness : 0
                if rw >= rh {
                    result.append((item, (rx, ry + offset, thickness, length)))
                } else {
                    result.append((item, (rx + offset, ry, length, thickness)))
                }
                offset += length
            }
            if rw >= rh {
                rx += thickness
                rw -= thickness
            } else {
                ry += thickness
                rh -= thickness
            }
            index = next
        }
        return result
    }

    /// The worst aspect ratio in a row of areas laid along `side`.
    private static func worst(_ areas: [Double], side: Double) -> Double {
        let sum = areas.reduce(0, +)
        guard let largest = areas.max(), let smallest = areas.min(), sum > 0, smallest > 0 else { return .infinity }
        let s2 = side * side, sum2 = sum * sum
        return max(s2 * largest / sum2, sum2 / (s2 * smallest))
    }
}
