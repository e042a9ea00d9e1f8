/// One step of layer recognition over one graph: it is given the layers found so far and
/// returns them with its own added, or grouped into composite layers. The steps run in
/// the order ``LayerKind/recognizers`` lists.
protocol LayerRecognizer: Sendable {
    /// Adds this step's layers to those found so far in `graph`, or groups them, in place:
    /// the list is never copied for a step that finds nothing (100k-node graphs hold tens
    /// of thousands of layers).
    static func run(_ spans: inout [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext)
}

/// A step that combines the layers found so far into composite ones (attention, blocks,
/// stacks). It returns its input itself when it groups nothing.
protocol SpanGrouper: LayerRecognizer {
    /// The layers after grouping.
    static func group(_ spans: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan]
}

extension SpanGrouper {
    static func run(_ spans: inout [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) {
        spans = group(spans, graph, &context)
    }
}

/// A recognizer that tries every node no earlier match has claimed, in graph order, as
/// the anchor of one layer. The loop is written once, here: a match claims its nodes at
/// once, so they anchor nothing else.
protocol NodeRecognizer: LayerRecognizer {
    /// The layer anchored at node `i`, if it is one.
    static func match(_ graph: GraphIndex, _ i: Int, _ context: RecognitionContext) -> LayerSpan?

    /// The op types `match` can anchor at; the loop tries only those nodes. Nil (the
    /// default) tries every node. A recognizer that learns a new anchor op adds it here.
    static var anchorOps: Set<String>? { get }

    /// The op types the loop tries in `graph`: ``anchorOps`` (the default), less those that
    /// a recognizer can tell at once can anchor nothing there (an op whose layer needs
    /// another op the graph does not have).
    static func anchorOps(in graph: GraphIndex) -> Set<String>?

    /// False for a recognizer whose `match` never reads the claims in its context: the
    /// loop then matches all candidates on all cores first and keeps, in graph order, those
    /// whose anchor no earlier match claimed, which are the layers the one-by-one loop finds.
    /// True (the default) matches one candidate at a time against the claims so far.
    static var matchReadsClaims: Bool { get }

    /// Layers that follow from the matches (a position table after an embedding); none by default.
    static func follow(_ found: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan]
}

extension NodeRecognizer {
    static func follow(_ found: [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) -> [LayerSpan] { [] }

    static var anchorOps: Set<String>? { nil }

    static func anchorOps(in graph: GraphIndex) -> Set<String>? { anchorOps }

    static var matchReadsClaims: Bool { true }

    static func run(_ spans: inout [LayerSpan], _ graph: GraphIndex, _ context: inout RecognitionContext) {
        var found: [LayerSpan] = []
        let candidates = anchorOps(in: graph).map { graph.nodes(ofType: $0) } ?? Array(graph.nodes.indices)
        let start = context
        let early: [LayerSpan?]? = matchReadsClaims ? nil : ParallelWork.map(candidates) { match(graph, $0, start) }
        for (k, i) in candidates.enumerated() where !context.isClaimed(graph, i) {
            guard var span = early.map({ $0[k] }) ?? match(graph, i, context) else { continue }
            // The layer sits where its anchor node does, not where a weight it reads was
            // prepared (a Transpose of a shared weight hoisted to the top of the graph).
            if span.anchor == nil { span.anchor = i }
            context.claim(graph, nodes: span.nodeIndices)
            found.append(span)
        }
        guard !found.isEmpty else { return }
        let followers = follow(found, graph, &context)
        spans.append(contentsOf: found)
        spans.append(contentsOf: followers)
    }
}
