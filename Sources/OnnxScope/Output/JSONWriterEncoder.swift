import Foundation

/// The `Encoder` of `JSONWriter`: a slot on its frame stack that one value is written into.
struct JSONValueEncoder: Encoder {
    let writer: JSONWriter
    let slot: Int

    var codingPath: [any CodingKey] { writer.codingPath(through: slot) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let frame = writer.container(onSlot: slot, kind: .object, keys: ObjectIdentifier(Key.self))
        return KeyedEncodingContainer(JSONObjectContainer<Key>(writer: writer, frame: frame))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONArrayContainer(writer: writer, frame: writer.container(onSlot: slot, kind: .array))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(writer: writer, slot: slot)
    }
}

extension JSONWriter {
    /// Writes `value` at `level` as the next entry's or element's value (already begun).
    func writeValue<T: Encodable>(_ value: T, level: Int, component: @autoclosure () -> PathComponent) throws {
        if try writeDirect(value, level: level) { return }
        let slot = pushSlot(level: level, component: component())
        try value.encode(to: JSONValueEncoder(writer: self, slot: slot))
        close(through: slot)
    }

    /// Writes `value` into the slot `slot` (a single-value container's `encode`, or the top
    /// level). A container the value opens stays open on the slot, as `JSONEncoder` merges a
    /// later container asked of the same encoder into it.
    func encode<T: Encodable>(_ value: T, intoSlot slot: Int, emptyIsObject: Bool = true) throws {
        let i = try activate(slot)
        guard !frames[i].filled else {
            failure = .misuse
            throw Failure.misuse
        }
        let saved = mark(i)
        do {
            if try writeDirect(value, level: frames[i].level) {
                frames[i].filled = true
                return
            }
            try value.encode(to: JSONValueEncoder(writer: self, slot: slot))
            if emptyIsObject, let j = index(of: slot), !frames[j].filled {
                writeEmptyObject(level: frames[j].level)  // a value that wrote nothing is {}
                frames[j].filled = true
            }
        } catch {
            rollback(saved, i)
            throw error
        }
    }

    /// Writes the values `JSONEncoder` treats itself (numbers, text, `Data`, `URL`,
    /// `Decimal`, arrays of numbers or text) without a container; false for any other type.
    /// Types are compared, not cast: a failed cast costs more than writing most values.
    func writeDirect<T: Encodable>(_ value: T, level: Int) throws -> Bool {
        if T.self == String.self, let v = value as? String {
            writeString(v)
        } else if T.self == Int64.self, let v = value as? Int64 {
            writeSigned(v)
        } else if T.self == Int.self, let v = value as? Int {
            writeSigned(Int64(v))
        } else if T.self == Double.self, let v = value as? Double {
            try writeFloat(v)
        } else if T.self == Bool.self, let v = value as? Bool {
            writeBool(v)
        } else if T.self == [Int64].self, let v = value as? [Int64] {
            writeDirectArray(v, level: level) { $0.writeSigned($1) }
        } else if T.self == [String].self, let v = value as? [String] {
            writeDirectArray(v, level: level) { $0.writeString($1) }
        } else if T.self == [Int].self, let v = value as? [Int] {
            writeDirectArray(v, level: level) { $0.writeSigned(Int64($1)) }
        } else if T.self == [Double].self, let v = value as? [Double] {
            try writeDirectArray(v, level: level) { try $0.writeFloat($1) }
        } else {
            return try writeRareDirect(value, level: level)
        }
        return true
    }

    private func writeRareDirect<T: Encodable>(_ value: T, level: Int) throws -> Bool {
        if T.self == Float.self, let v = value as? Float {
            try writeFloat(v)
        } else if T.self == Data.self, let v = value as? Data {
            writeString(v.base64EncodedString())
        } else if T.self == URL.self, let v = value as? URL {
            writeString(v.absoluteString)
        } else if T.self == Decimal.self, let v = value as? Decimal {
            writeRaw(v.description)
        } else if T.self == [Float].self, let v = value as? [Float] {
            try writeDirectArray(v, level: level) { try $0.writeFloat($1) }
        } else {
            return writeDirectIntegers(value, level: level)
        }
        return true
    }

    /// The other fixed-width integers, and arrays of them. Each type is named: a type built
    /// from a generic parameter (`[I].self`) is a runtime metadata lookup per comparison.
    private func writeDirectIntegers<T: Encodable>(_ value: T, level: Int) -> Bool {
        if T.self == Int32.self, let v = value as? Int32 {
            writeSigned(Int64(v))
        } else if T.self == UInt64.self, let v = value as? UInt64 {
            writeUnsigned(v)
        } else if T.self == UInt.self, let v = value as? UInt {
            writeUnsigned(UInt64(v))
        } else if T.self == UInt32.self, let v = value as? UInt32 {
            writeUnsigned(UInt64(v))
        } else if T.self == Int16.self, let v = value as? Int16 {
            writeSigned(Int64(v))
        } else if T.self == UInt16.self, let v = value as? UInt16 {
            writeUnsigned(UInt64(v))
        } else if T.self == Int8.self, let v = value as? Int8 {
            writeSigned(Int64(v))
        } else if T.self == UInt8.self, let v = value as? UInt8 {
            writeUnsigned(UInt64(v))
        } else if T.self == [Int32].self, let v = value as? [Int32] {
            writeDirectArray(v, level: level) { $0.writeSigned(Int64($1)) }
        } else if T.self == [UInt64].self, let v = value as? [UInt64] {
            writeDirectArray(v, level: level) { $0.writeUnsigned($1) }
        } else if T.self == [UInt].self, let v = value as? [UInt] {
            writeDirectArray(v, level: level) { $0.writeUnsigned(UInt64($1)) }
        } else if T.self == [UInt32].self, let v = value as? [UInt32] {
            writeDirectArray(v, level: level) { $0.writeUnsigned(UInt64($1)) }
        } else if T.self == [Int16].self, let v = value as? [Int16] {
            writeDirectArray(v, level: level) { $0.writeSigned(Int64($1)) }
        } else if T.self == [UInt16].self, let v = value as? [UInt16] {
            writeDirectArray(v, level: level) { $0.writeUnsigned(UInt64($1)) }
        } else if T.self == [Int8].self, let v = value as? [Int8] {
            writeDirectArray(v, level: level) { $0.writeSigned(Int64($1)) }
        } else if T.self == [UInt8].self, let v = value as? [UInt8] {
            writeDirectArray(v, level: level) { $0.writeUnsigned(UInt64($1)) }
        } else {
            return false
        }
        return true
    }

    func writeInteger<I: FixedWidthInteger>(_ v: I) {
        if let s = Int64(exactly: v) {
            writeSigned(s)
        } else if let u = UInt64(exactly: v) {
            writeUnsigned(u)
        } else {
            writeRaw(String(v))
        }
    }

    /// An array of numbers or text as `JSONEncoder` writes it; only the pretty layout
    /// counts toward the nesting limit there.
    func writeDirectArray<E>(_ array: [E], level: Int, _ element: (JSONWriter, E) throws -> Void) rethrows {
        if pretty {
            if level + 1 >= JSONWriter.maximumDepth { failure = .tooDeep }
            append2(0x5B, 0x0A)
        } else {
            bytes.append(0x5B)
        }
        for (n, e) in array.enumerated() {
            if n > 0 {
                if pretty { append2(0x2C, 0x0A) } else { bytes.append(0x2C) }
            }
            if pretty { indent(level + 1) }
            try element(self, e)
        }
        if pretty {
            bytes.append(0x0A)
            indent(level)
        }
        bytes.append(0x5D)
    }
}

/// A keyed container: a JSON object on the writer's stack.
struct JSONObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONWriter
    let frame: Int

    var codingPath: [any CodingKey] { writer.codingPath(through: frame) }

    private func begin(_ key: Key) throws {
        let i = try writer.activate(frame)
        writer.beginEntry(i, key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try begin(key)
        writer.writeNull()
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try begin(key)
        writer.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try begin(key)
        writer.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        guard value.isFinite else { throw JSONWriter.Failure.nonConformingFloat }
        try begin(key)
        try writer.writeFloat(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        guard value.isFinite else { throw JSONWriter.Failure.nonConformingFloat }
        try begin(key)
        try writer.writeFloat(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try signed(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try unsigned(value, key) }

    mutating func encode(_ value: Int128, forKey key: Key) throws {
        try begin(key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt128, forKey key: Key) throws {
        try begin(key)
        writer.writeInteger(value)
    }

    private func signed(_ value: Int64, _ key: Key) throws {
        try begin(key)
        writer.writeSigned(value)
    }

    private func unsigned(_ value: UInt64, _ key: Key) throws {
        try begin(key)
        writer.writeUnsigned(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let i = try writer.activate(frame)
        let saved = writer.mark(i)
        let text = key.stringValue
        writer.beginEntry(i, text)
        do {
            try writer.writeValue(value, level: writer.frames[i].level + 1, component: .key(text))
        } catch {
            writer.rollback(saved, i)
            throw error
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        var id = -1
        if let i = writer.activateOrRecord(frame) {
            writer.beginEntry(i, key.stringValue)
            id = writer.pushObject(level: writer.frames[i].level + 1, component: .key(key.stringValue), keys: ObjectIdentifier(NestedKey.self))
        }
        return KeyedEncodingContainer(JSONObjectContainer<NestedKey>(writer: writer, frame: id))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        var id = -1
        if let i = writer.activateOrRecord(frame) {
            writer.beginEntry(i, key.stringValue)
            id = writer.pushArray(level: writer.frames[i].level + 1, component: .key(key.stringValue))
        }
        return JSONArrayContainer(writer: writer, frame: id)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    /// A slot for the key, closed (as `{}` if nothing was written) when the object is next used.
    private func superEncoder(named key: String) -> any Encoder {
        var slot = -1
        if let i = writer.activateOrRecord(frame) {
            writer.beginEntry(i, key)
            slot = writer.pushSlot(level: writer.frames[i].level + 1, component: .key(key))
        }
        return JSONValueEncoder(writer: writer, slot: slot)
    }
}
