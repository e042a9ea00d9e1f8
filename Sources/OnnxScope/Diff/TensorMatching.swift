/// Pairs the stored weights of two models.
///
/// 1. Same name in the same namespace (main graph tree, or one function).
/// 2. Same name, when that name is left exactly once on each side (a weight moved into
///    or out of a function).
/// 3. Same element type, dims and stored-value hash: a rename. Among several equal
///    candidates, the one read by the same ops at the same input slots wins, then file
///    order.
/// Whatever is left is removed (A) or added (B). Hashes are computed only for step 3.
struct TensorMatching {
    /// Matched weight indices (A, B), in A's order.
    private(set) var pairs: [(a: Int, b: Int)] = []
    /// Indices of A's weights with no partner.
    private(set) var removed: [Int] = []
    /// Indices of B's weights with no partner.
    private(set) var added: [Int] = []

    init(_ a: inout DiffSide, _ b: inout DiffSide) throws(PayloadError) {
        var partnerOfA: [Int?] = Array(repeating: nil, count: a.weights.count)
        var usedB = Array(repeating: false, count: b.weights.count)
        func pair(_ i: Int, _ j: Int) {
            partnerOfA[i] = j
            usedB[j] = true
        }

        var byScopedName: [ScopedName: Int] = [:]
        for (j, w) in b.weights.enumerated() where !w.name.isEmpty {
            let key = ScopedName(namespace: w.namespace, name: w.name)
            if byScopedName[key] == nil { byScopedName[key] = j }
        }
        for (i, w) in a.weights.enumerated() where !w.name.isEmpty {
            if let j = byScopedName[ScopedName(namespace: w.namespace, name: w.name)], !usedB[j] { pair(i, j) }
        }

        let leftA = TensorMatching.uniqueNames(a.weights.indices.filter { partnerOfA[$0] == nil }, a.weights)
        let leftB = TensorMatching.uniqueNames(b.weights.indices.filter { !usedB[$0] }, b.weights)
        for (name, i) in leftA {
            if let j = leftB[name] { pair(i, j) }
        }

        // Hash buckets of B's unpaired weights: by content, and by content and consumer
        // signature. Each bucket is taken from the front in file order, skipping weights
        // paired meanwhile, so the pairing is linear in the number of weights.
        var byContent: [ContentKey: Bucket] = [:]
        var bySignature: [SignedContent: Bucket] = [:]
        for j in b.weights.indices where !usedB[j] {
            let key = ContentKey(b.weights[j], hash: try b.hash(j))
            byContent[key, default: Bucket()].items.append(j)
            bySignature[SignedContent(content: key, signature: b.signature(j)), default: Bucket()].items.append(j)
        }
        if !byContent.isEmpty {
            for i in a.weights.indices where partnerOfA[i] == nil {
                let key = ContentKey(a.weights[i], hash: try a.hash(i))
                guard byContent[key] != nil else { continue }
                let signed = SignedContent(content: key, signature: a.signature(i))
                if let j = bySignature[signed]?.takeFirst(unused: usedB) ?? byContent[key]?.takeFirst(unused: usedB) {
                    pair(i, j)
                }
            }
        }

        for (i, partner) in partnerOfA.enumerated() {
            if let j = partner { pairs.append((i, j)) } else { removed.append(i) }
        }
        added = b.weights.indices.filter { !usedB[$0] }
    }

    /// Names that occur exactly once among `indices`, with their index.
    private static func uniqueNames(_ indices: [Int], _ weights: [StoredWeight]) -> [String: Int] {
        var seen: [String: Int] = [:]
        var repeated: Set<String> = []
        for i in indices where !weights[i].name.isEmpty {
            if seen.updateValue(i, forKey: weights[i].name) != nil { repeated.insert(weights[i].name) }
        }
        for name in repeated { seen[name] = nil }
        return seen
    }
}

/// Candidates in file order, taken from the front.
private struct Bucket {
    var items: [Int] = []
    private var next = 0

    /// The first candidate not yet used, or nil; used ones before it are skipped for good.
    mutating func takeFirst(unused used: [Bool]) -> Int? {
        while next < items.count, used[items[next]] { next += 1 }
        return next < items.count ? items[next] : nil
    }
}

/// Content and the consumer signature (`opType:slot` of each reader).
private struct SignedContent: Hashable {
    var content: ContentKey
    var signature: [String]
}

/// What makes two weights the same content: type, dims and stored-value hash.
private struct ContentKey: Hashable {
    var type: Int32
    var dims: [Int64]
    var hash: UInt64

    init(_ weight: StoredWeight, hash: UInt64) {
        type = weight.dataType.code
        dims = weight.dims
        self.hash = hash
    }
}
