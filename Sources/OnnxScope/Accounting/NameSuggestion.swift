/// "Did you mean": the closest of a set of valid names to a mistyped one.
public enum NameSuggestion {
    /// The valid name closest to `typed`: equal ignoring case, else the smallest edit
    /// distance (case ignored) of at most a third of the longer name (at least 1); nil
    /// when none is that close.
    public static func closest(to typed: String, among valid: some Sequence<String>) -> String? {
        let lowered = typed.lowercased()
        var best: (name: String, distance: Int)?
        for name in valid {
            let candidate = name.lowercased()
            if candidate == lowered { return name }
            let distance = editDistance(Array(lowered.unicodeScalars), Array(candidate.unicodeScalars))
            let allowed = max(1, max(lowered.count, candidate.count) / 3)
            guard distance <= allowed else { continue }
            if best.map({ distance < $0.distance || (distance == $0.distance && name < $0.name) }) ?? true {
                best = (name, distance)
            }
        }
        return best?.name
    }

    /// Levenshtein distance (insert, delete, substitute), one row at a time.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
