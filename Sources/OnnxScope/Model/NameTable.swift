import Synchronization

/// Every value name of one model as a 32-bit id: one table, filled once (by the decoder,
/// from the bytes protobuf-c unpacked, or by ``Model/wired()`` from a model built in code)
/// and read by every component afterwards, so a name is hashed as a string once per model
/// and every later question about it is an integer one.
///
/// Ids are dense, from 0, in the order names were first seen. The table is an open-addressing
/// hash over the names' UTF-8 bytes, with a seed drawn per table: a file cannot choose names
/// that collide. It is filled from one thread and only read after the model is handed out,
/// hence `@unchecked Sendable`.
final class NameTable: @unchecked Sendable {
    /// Everything in one value, so that a lookup is one access to the class, not one per array.
    /// Not checked for overlapping access at run time: the table is written from one thread
    /// (which that check cannot see past anyway), and the check cost as much as a lookup.
    @exclusivity(unchecked) private var store: Store
    /// Every name as a `String`, made when all of them are first asked for (and extended by
    /// the names added since on a later ask). Most commands never need most names as
    /// strings: a name is kept as bytes, and one string costs more than its bytes.
    private let strings = Mutex<[String]>([])

    /// An empty table with room for about `capacity` names before it grows.
    init(capacity: Int = 0) {
        store = Store(capacity: capacity, seed: UInt64.random(in: .min ... .max))
    }

    /// Number of distinct names.
    var count: Int { store.starts.count - 1 }

    /// The names, by id: one string per name, shared by every caller.
    var names: [String] {
        strings.withLock { made in
            let count = self.count
            if made.count < count {
                made.reserveCapacity(count)
                for id in made.count..<count { made.append(store.string(id)) }
            }
            return made
        }
    }

    /// The name with this id (a string made from its bytes).
    func name(_ id: Int32) -> String { store.string(Int(id)) }

    /// The id of `name`, adding it when new.
    func intern(_ name: String) -> Int32 {
        var utf8 = name
        return utf8.withUTF8 { store.intern(UnsafeRawBufferPointer($0)) }
    }

    /// The id of the name spelled by `utf8`, adding it when new. Its string, when made, is
    /// `utf8` decoded (invalid UTF-8 repaired).
    func intern(_ utf8: UnsafeRawBufferPointer) -> Int32 {
        store.intern(utf8)
    }

    /// The hash this table files the name spelled by `utf8` under (see ``intern(_:hash:)``).
    func hash(_ utf8: UnsafeRawBufferPointer) -> UInt64 { NameTable.hash(utf8, seed: store.seed) }

    /// The id of the name spelled by `utf8`, whose ``hash(_:)`` is `hash`, adding it when new.
    func intern(_ utf8: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        store.intern(utf8, hash: hash)
    }

    /// Reads the slots the names of these hashes are filed in, so that the cache misses of
    /// a large table overlap, instead of each ``intern(_:hash:)`` waiting for its own (a
    /// million-node graph's table is tens of megabytes, its slots far apart). Changes nothing.
    func touch(_ hashes: UnsafeBufferPointer<UInt64>) {
        store.touch(hashes)
    }

    /// The id of `name`, or nil when no node, graph or function of the model mentions it.
    func id(_ name: String) -> Int32? {
        var utf8 = name
        return utf8.withUTF8 { store.find(UnsafeRawBufferPointer($0)) }
    }

    private struct Store {
        /// Every name's UTF-8 bytes, one after another; name `id` is `bytes[starts[id]..<starts[id + 1]]`.
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        /// Open addressing, a power of two of slots: each holds the high 32 bits of its
        /// name's hash above the name's id + 1 (0 when empty), so a probe reads one slot and
        /// compares bytes only when the hash agrees.
        var slots: [UInt64]
        let seed: UInt64

        init(capacity: Int, seed: UInt64) {
            var size = 16
            while size < 2 * capacity && size < 1 << 30 { size <<= 1 }
            slots = [UInt64](repeating: 0, count: size)
            self.seed = seed
            bytes.reserveCapacity(32 * capacity)
            starts.reserveCapacity(capacity + 1)
        }

        /// What ``touch(_:)`` read, kept so that the reads are not left out as unused.
        var touched: UInt64 = 0

        mutating func intern(_ utf8: UnsafeRawBufferPointer) -> Int32 {
            intern(utf8, hash: NameTable.hash(utf8, seed: seed))
        }

        mutating func touch(_ hashes: UnsafeBufferPointer<UInt64>) {
            touched = slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var seen: UInt64 = 0
                for hash in hashes { seen |= slots[Int(truncatingIfNeeded: hash) & mask] }
                return seen
            }
        }

        mutating func intern(_ utf8: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
            let (found, slot) = probe(utf8, hash)
            if let found { return found }
            let count = starts.count - 1
            guard count < Int(Int32.max) - 1 else { return -1 }
            let id = Int32(count)
            bytes.append(contentsOf: utf8)
            starts.append(bytes.count)
            slots[slot] = Store.slotValue(hash, id)
            if 2 * (count + 1) > slots.count { grow() }
            return id
        }

        /// Name `id` as a string.
        func string(_ id: Int) -> String {
            bytes.withUnsafeBufferPointer { String(decoding: $0[starts[id]..<starts[id + 1]], as: UTF8.self) }
        }

        func find(_ utf8: UnsafeRawBufferPointer) -> Int32? {
            probe(utf8, NameTable.hash(utf8, seed: seed)).found
        }

        private static func slotValue(_ hash: UInt64, _ id: Int32) -> UInt64 {
            hash & 0xFFFF_FFFF_0000_0000 | UInt64(UInt32(bitPattern: id) &+ 1)
        }

        /// The id of the name, or the empty slot where it would go.
        private func probe(_ utf8: UnsafeRawBufferPointer, _ hash: UInt64) -> (found: Int32?, slot: Int) {
            slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                let tag = hash & 0xFFFF_FFFF_0000_0000
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return (nil, slot) }
                    if entry & 0xFFFF_FFFF_0000_0000 == tag {
                        let id = Int(entry & 0xFFFF_FFFF) - 1
                        if matches(id, utf8) { return (Int32(id), slot) }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }

        private func matches(_ id: Int, _ utf8: UnsafeRawBufferPointer) -> Bool {
            let start = starts[id], n = utf8.count
            guard starts[id + 1] - start == n else { return false }
            return bytes.withUnsafeBytes { stored in
                var k = 0
                while k + 8 <= n {
                    if stored.loadUnaligned(fromByteOffset: start + k, as: UInt64.self) != utf8.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                        return false
                    }
                    k += 8
                }
                while k < n {
                    if stored[start + k] != utf8[k] { return false }
                    k += 1
                }
                return true
            }
        }

        /// Twice the slots, every name hashed again (the table is sized ahead, so this is rare).
        private mutating func grow() {
            slots = [UInt64](repeating: 0, count: slots.count * 2)
            let mask = slots.count - 1
            bytes.withUnsafeBytes { all in
                for id in 0..<(starts.count - 1) {
                    let hash = NameTable.hash(UnsafeRawBufferPointer(rebasing: all[starts[id]..<starts[id + 1]]), seed: seed)
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while slots[slot] != 0 { slot = (slot + 1) & mask }
                    slots[slot] = Store.slotValue(hash, Int32(id))
                }
            }
        }
    }

    /// A 64-bit hash of `utf8` under `seed`: eight bytes at a time, multiplied and folded,
    /// then mixed so that the low bits (the slot) depend on every byte.
    static func hash(_ utf8: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(utf8.count) &* 0x9E37_79B9_7F4A_7C15)
        var k = 0
        let n = utf8.count
        while k + 8 <= n {
            h = (h ^ utf8.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            k += 8
        }
        if k < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while k < n {
                tail |= UInt64(utf8[k]) << shift
                shift += 8
                k += 1
            }
            h = (h ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return h
    }
}

/// The values each node of one graph (or function body) reads and writes, as ids of its
/// model's ``NameTable``: flat arrays, so a pass over a graph's edges touches no string.
struct Wiring: Sendable {
    /// The table the ids belong to.
    let table: NameTable
    /// Every node's input ids, node after node; -1 for an omitted optional input.
    private(set) var inputs: [Int32] = []
    /// Node `i`'s inputs are `inputs[inputStart[i]..<inputStart[i + 1]]`.
    private(set) var inputStart: [Int32] = [0]
    /// Every node's output ids, node after node; -1 for an empty output name.
    private(set) var outputs: [Int32] = []
    /// Node `i`'s outputs are `outputs[outputStart[i]..<outputStart[i + 1]]`.
    private(set) var outputStart: [Int32] = [0]
    /// The names the graph declares, in order: its inputs, its initializers, its sparse
    /// initializers (for a function body: its formal inputs); -1 for an empty name.
    var declared: [Int32] = []

    /// An empty wiring for `nodes` nodes.
    init(table: NameTable, nodes: Int) {
        self.table = table
        inputStart.reserveCapacity(nodes + 1)
        outputStart.reserveCapacity(nodes + 1)
        inputs.reserveCapacity(2 * nodes)
        outputs.reserveCapacity(nodes)
    }

    /// Number of nodes.
    var nodeCount: Int { inputStart.count - 1 }

    /// Appends the next node's input and output ids.
    mutating func appendNode(inputs newInputs: some Collection<Int32>, outputs newOutputs: some Collection<Int32>) {
        inputs.append(contentsOf: newInputs)
        outputs.append(contentsOf: newOutputs)
        endNode()
    }

    /// Ends the node being added.
    mutating func endNode() {
        inputStart.append(Int32(truncatingIfNeeded: inputs.count))
        outputStart.append(Int32(truncatingIfNeeded: outputs.count))
    }

    /// Node `i`'s input ids.
    func inputs(of i: Int) -> ArraySlice<Int32> { inputs[Int(inputStart[i])..<Int(inputStart[i + 1])] }

    /// Node `i`'s output ids.
    func outputs(of i: Int) -> ArraySlice<Int32> { outputs[Int(outputStart[i])..<Int(outputStart[i + 1])] }
}

/// A value that equality and hashing pass over: what a model value keeps beside its
/// contents (the wiring of its names) without changing what it is equal to.
struct Unequated<Value: Sendable>: Hashable, Sendable {
    /// The value, nil when absent.
    var value: Value?

    static func == (a: Unequated, b: Unequated) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
