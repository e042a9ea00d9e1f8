/// The unkeyed and single-value containers of `JSONWriter` (the keyed one is beside the
/// encoder, in JSONWriterEncoder.swift).

/// An unkeyed container: a JSON array on the writer's stack.
struct JSONArrayContainer: UnkeyedEncodingContainer {
    let writer: JSONWriter
    let frame: Int

    var codingPath: [any CodingKey] { writer.codingPath(through: frame) }

    var count: Int { writer.index(of: frame).map { writer.frames[$0].count } ?? 0 }

    private func begin() throws {
        let i = try writer.activate(frame)
        writer.beginElement(i)
    }

    mutating func encodeNil() throws {
        try begin()
        writer.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try begin()
        writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try begin()
        writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        guard value.isFinite else { throw JSONWriter.Failure.nonConformingFloat }
        try begin()
        try writer.writeFloat(value)
    }

    mutating func encode(_ value: Float) throws {
        guard value.isFinite else { throw JSONWriter.Failure.nonConformingFloat }
        try begin()
        try writer.writeFloat(value)
    }

    mutating func encode(_ value: Int) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try signed(value) }
    mutating func encode(_ value: UInt) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try unsigned(value) }

    mutating func encode(_ value: Int128) throws {
        try begin()
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt128) throws {
        try begin()
        writer.writeInteger(value)
    }

    private func signed(_ value: Int64) throws {
        try begin()
        writer.writeSigned(value)
    }

    private func unsigned(_ value: UInt64) throws {
        try begin()
        writer.writeUnsigned(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let i = try writer.activate(frame)
        let saved = writer.mark(i)
        let index = writer.frames[i].count
        writer.beginElement(i)
        do {
            try writer.writeValue(value, level: writer.frames[i].level + 1, component: .index(index))
        } catch {
            writer.rollback(saved, i)
            throw error
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        var id = -1
        if let i = writer.activateOrRecord(frame) {
            let index = writer.frames[i].count
            writer.beginElement(i)
            id = writer.pushObject(level: writer.frames[i].level + 1, component: .index(index), keys: ObjectIdentifier(NestedKey.self))
        }
        return KeyedEncodingContainer(JSONObjectContainer<NestedKey>(writer: writer, frame: id))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        var id = -1
        if let i = writer.activateOrRecord(frame) {
            let index = writer.frames[i].count
            writer.beginElement(i)
            id = writer.pushArray(level: writer.frames[i].level + 1, component: .index(index))
        }
        return JSONArrayContainer(writer: writer, frame: id)
    }

    /// A slot for the next element, closed (as `{}` if nothing was written) when the array
    /// is next used.
    mutating func superEncoder() -> any Encoder {
        var slot = -1
        if let i = writer.activateOrRecord(frame) {
            let index = writer.frames[i].count
            writer.beginElement(i)
            slot = writer.pushSlot(level: writer.frames[i].level + 1, component: .index(index))
        }
        return JSONValueEncoder(writer: writer, slot: slot)
    }
}

/// A single-value container: the slot of the encoder it came from.
struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let writer: JSONWriter
    let slot: Int

    var codingPath: [any CodingKey] { writer.codingPath(through: slot) }

    /// Claims the slot for one value.
    private func begin() throws {
        let i = try writer.activate(slot)
        guard !writer.frames[i].filled else {
            writer.failure = .misuse
            throw JSONWriter.Failure.misuse
        }
        writer.frames[i].filled = true
    }

    mutating func encodeNil() throws {
        try begin()
        writer.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try begin()
        writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try begin()
        writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        guard value.isFinite else { throw JSONWriter.Failure.nonConformingFloat }
        try begin()
        try writer.writeFloat(value)
    }

    mutating func encode(_ value: Float) throws {
        guard value.isFinite else { throw JSONWriter.Failure.nonConformingFloat }
        try begin()
        try writer.writeFloat(value)
    }

    mutating func encode(_ value: Int) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try signed(value) }
    mutating func encode(_ value: UInt) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try unsigned(value) }

    mutating func encode(_ value: Int128) throws {
        try begin()
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt128) throws {
        try begin()
        writer.writeInteger(value)
    }

    private func signed(_ value: Int64) throws {
        try begin()
        writer.writeSigned(value)
    }

    private func unsigned(_ value: UInt64) throws {
        try begin()
        writer.writeUnsigned(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.encode(value, intoSlot: slot)
    }
}
