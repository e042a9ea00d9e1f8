/// A value's fields behind one reference, copied only when a shared copy is changed: a
/// value type with many fields (a node, a layer) costs one reference count to copy, not
/// one per field.
struct CopyOnWrite<Fields: Sendable>: @unchecked Sendable {
    /// The reference the copies share. `@unchecked` because the fields are never changed
    /// in place while shared: ``value``'s `_modify` copies them first.
    private final class Box {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    init(_ fields: Fields) { box = Box(fields) }

    /// The fields; changing them copies them first when another value shares them.
    var value: Fields {
        get { box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    /// True when both share one copy of the fields (equal without comparing them).
    func isShared(with other: CopyOnWrite) -> Bool { box === other.box }
}

extension CopyOnWrite: Equatable where Fields: Equatable {
    static func == (a: CopyOnWrite, b: CopyOnWrite) -> Bool { a.isShared(with: b) || a.value == b.value }
}

extension CopyOnWrite: Hashable where Fields: Hashable {
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
