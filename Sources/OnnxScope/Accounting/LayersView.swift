import Foundation

/// A torchinfo-style view of a ``LayersReport``: which rows a summary table shows, in
/// which order and at which depth, each with its share of the trainable parameters and,
/// where the declared shapes allow, its MACs.
public struct LayersView: Sendable {
    /// How rows are grouped.
    public enum Grouping: String, Sendable, CaseIterable {
        /// Layers as recognized: composite layers hold their parts.
        case layer
        /// Layers under their module path (the name split at `.` and `/`), with a subtotal row per module.
        case module
    }

    /// What to show.
    public struct Options: Sendable {
        /// Levels shown (1: top level only); deeper rows are folded into their parent's total.
        public var depth: Int?
        /// How rows are grouped: by layer, or by module path.
        public var grouping: Grouping = .layer
        /// Only layers of this kind, at any depth, as a flat list (then grouped).
        public var kind: String?
        /// Only layers whose name matches, at any depth, as a flat list (then grouped).
        public var name: NSRegularExpression?
        /// Siblings by stored parameters, largest first (else graph order).
        public var sortByParameters = false
        /// Compute MACs from the declared shapes.
        public var macs = false
        /// Sizes for symbolic dimensions, e.g. `batch` = 1.
        public var assumptions: [String: Int64] = [:]

        /// The default view: every layer, in graph order.
        public init() {}
    }

    /// One row: a layer, or a module's subtotal.
    public struct Row: Sendable {
        /// What a row shows.
        public enum Content: Sendable {
            case layer(LayersReport.Entry)
            /// A module path and the number of layers below it.
            case module(path: String, layers: Int)
        }

        /// The row's layer or module.
        public var content: Content
        /// Its depth in the tree.
        public var depth: Int
        /// Trainable elements: the layer's stored count, or the module's subtotal.
        public var parameters: Int64
        /// `parameters` ÷ the model's trainable elements, 0…1 (0 when it has none).
        public var share: Double
        /// Multiply-accumulates, when computed and known.
        public var macs: Int64?
    }

    /// The rows, in display order.
    public private(set) var rows: [Row] = []
    /// The MACs of the top-level rows summed, when every one that has MACs is known.
    public private(set) var totalMACs: Int64?
    /// The symbolic dimensions the MACs rest on, with the size assumed.
    public private(set) var assumed: [String: Int64] = [:]
    /// Symbolic dimensions met without an assumption (their layers have no MACs).
    public private(set) var unresolved: [String] = []

    /// The view of `report` under `options`; `model` gives the declared shapes for MACs
    /// (without it, no MACs are computed).
    public init(_ report: LayersReport, model: Model?, options: Options) {
        self.init(report, shapes: model.map { Shapes(of: $0, options: options) }, options: options)
    }

    /// What a view's MACs are computed from: the model's declared shapes and its graph
    /// inputs (a table of the whole graph, so a command may build it while the layers are
    /// recognized).
    public struct Shapes: Sendable {
        let declared: DeclaredShapes
        let inputs: [String]

        /// The shapes of `model`, or none when `options` asks for no MACs.
        public init(of model: Model, options: Options) {
            // The shapes (and a label → node table of the whole graph) only when MACs are asked for.
            let empty = Model(irVersion: nil, opsetImports: [], graph: Graph())
            declared = DeclaredShapes(model: options.macs ? model : empty, assumptions: options.assumptions)
            inputs = model.graph.inputs.map(\.name)
        }
    }

    /// The view of `report` under `options`, with MACs from `shapes` (without them, no
    /// MACs are computed).
    public init(_ report: LayersReport, shapes: Shapes?, options: Options) {
        var options = options
        if shapes == nil { options.macs = false }
        let inputs = shapes?.inputs ?? []
        let shapes = shapes?.declared ?? DeclaredShapes(model: Model(irVersion: nil, opsetImports: [], graph: Graph()), assumptions: options.assumptions)
        let total = report.totals.trainable
        func share(_ n: Int64) -> Double { total > 0 ? Double(n) / Double(total) : 0 }

        var entries = report.layers
        let filtered = options.kind != nil || options.name != nil
        if filtered { entries = Self.flatten(entries).filter { Self.matches($0, options) }.map { var e = $0; e.children = []; return e } }
        let maxDepth = options.depth ?? .max

        func order(_ list: [LayersReport.Entry]) -> [Int] {
            options.sortByParameters ? list.indices.sorted { (list[$0].stored, $1) > (list[$1].stored, $0) } : Array(list.indices)
        }
        // Each layer's MACs and its parts', worked out once per top-level layer (on all
        // cores for a long list): the rows and the total read them.
        let trees: [MACCount.Tree]? = options.macs ? ParallelWork.map(entries) { MACCount.tree($0, shapes: shapes) } : nil
        func macTrees(of entry: LayersReport.Entry) -> [MACCount.Tree]? { options.macs ? [MACCount.tree(entry, shapes: shapes)] : nil }
        func addLayers(_ list: [LayersReport.Entry], _ macs: [MACCount.Tree]?, depth: Int) {
            guard depth < maxDepth else { return }
            for k in order(list) {
                let e = list[k]
                rows.append(Row(content: .layer(e), depth: depth, parameters: e.stored, share: share(e.stored), macs: macs?[k].value))
                addLayers(e.children, macs?[k].children, depth: depth + 1)
            }
        }

        switch options.grouping {
        case .layer:
            addLayers(entries, trees, depth: 0)
        case .module:
            let tree = ModuleTree(entries)
            func addModule(_ node: ModuleTree.Node, depth: Int) {
                guard depth < maxDepth else { return }
                let children = options.sortByParameters
                    ? node.children.enumerated().sorted { ($0.element.parameters, $1.offset) > ($1.element.parameters, $0.offset) }.map(\.element)
                    : node.children
                for child in children {
                    if let entry = child.entry, child.children.isEmpty {
                        addLayers([entry], macTrees(of: entry), depth: depth)
                        continue
                    }
                    rows.append(Row(content: .module(path: child.path, layers: child.layerCount), depth: depth,
                                    parameters: child.parameters, share: share(child.parameters),
                                    macs: options.macs ? child.macs { MACCount.of($0, shapes: shapes) } : nil))
                    if let entry = child.entry { addLayers([entry], macTrees(of: entry), depth: depth + 1) }
                    addModule(child, depth: depth + 1)
                }
            }
            addModule(tree.root, depth: 0)
        }

        if options.macs {
            let counted = zip(entries, trees ?? []).filter { MACCount.applies(to: $0.0.kind) }
            let known = counted.compactMap(\.1.value)
            totalMACs = !counted.isEmpty && known.count == counted.count ? known.saturatingSum : nil
            if totalMACs == .max { totalMACs = nil }
            var symbols = Set<String>()
            for value in inputs { symbols.formUnion(shapes.symbols(value)) }
            for symbol in symbols.sorted() {
                if let size = options.assumptions[symbol] { assumed[symbol] = size } else { unresolved.append(symbol) }
            }
        }
    }

    private static func flatten(_ entries: [LayersReport.Entry]) -> [LayersReport.Entry] {
        entries.flatMap { [$0] + flatten($0.children) }
    }

    private static func matches(_ entry: LayersReport.Entry, _ options: Options) -> Bool {
        if let kind = options.kind, entry.kind.rawValue != kind { return false }
        if let pattern = options.name {
            let range = NSRange(entry.name.startIndex..., in: entry.name)
            if pattern.firstMatch(in: entry.name, range: range) == nil { return false }
        }
        return true
    }
}

/// Layers placed under their module paths: `blocks.0.attn.q` lies in `blocks`, then
/// `blocks.0`, then `blocks.0.attn`. A layer whose path is also a module's (a block whose
/// parts are layers too) sits on that module's node.
struct ModuleTree {
    final class Node {
        let path: String
        var entry: LayersReport.Entry?
        var children: [Node] = []
        private var index: [String: Node] = [:]

        init(path: String) { self.path = path }

        func child(_ segment: String) -> Node {
            if let found = index[segment] { return found }
            let node = Node(path: path.isEmpty ? segment : path + "." + segment)
            index[segment] = node
            children.append(node)
            return node
        }

        /// Trainable elements of the layers placed here and below.
        var parameters: Int64 {
            Saturating.add(entry?.stored ?? 0, children.map(\.parameters).saturatingSum)
        }

        var layerCount: Int {
            (entry == nil ? 0 : 1) + children.map(\.layerCount).reduce(0, +)
        }

        /// The sum of `count` over the layers here and below that have MACs; nil if any is unknown.
        func macs(_ count: (LayersReport.Entry) -> Int64?) -> Int64? {
            var total: Int64 = 0
            var any = false
            if let entry, MACCount.applies(to: entry.kind) {
                guard let m = count(entry) else { return nil }
                total = Saturating.add(total, m)
                any = true
            }
            for child in children where child.layerCount > 0 {
                guard let m = child.macs(count) else {
                    if child.hasMACLayers { return nil }
                    continue
                }
                total = Saturating.add(total, m)
                any = true
            }
            return any && total != .max ? total : nil
        }

        var hasMACLayers: Bool {
            (entry.map { MACCount.applies(to: $0.kind) } ?? false) || children.contains { $0.hasMACLayers }
        }
    }

    let root = Node(path: "")

    init(_ entries: [LayersReport.Entry]) {
        for entry in entries {
            let segments = Self.path(of: entry)
            var node = root
            for segment in segments { node = node.child(segment) }
            if node === root || node.entry != nil {
                // An unnamed or repeated path: its own node beside the others.
                node = root.child(entry.name + "#\(root.children.count)")
            }
            node.entry = entry
        }
    }

    /// The module path of a layer. A PyTorch scope in its first node's name
    /// (`/layer2/layer2.0/downsample/downsample.0/Conv`, each scope extending its parent's
    /// name or adding one) gives `layer2.0.downsample.0`; else the layer's name split at `.`.
    static func path(of entry: LayersReport.Entry) -> [String] {
        if let node = entry.nodes.first, node.hasPrefix("/") {
            var scopes: [String] = []
            for scope in node.split(separator: "/").dropLast().map(String.init) {
                if let last = scopes.last, scope.hasPrefix(last + ".") { scopes[scopes.count - 1] = scope } else { scopes.append(scope) }
            }
            let path = scopes.joined(separator: ".").split(separator: ".").map(String.init)
            if !path.isEmpty { return path }
        }
        return entry.name.split(whereSeparator: { $0 == "." || $0 == "/" }).map(String.init)
    }
}
