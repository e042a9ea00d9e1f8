import Testing
@testable import OnnxScope

@Suite("Compact tensors: shared dims, payload runs, boxed rare fields")
struct CompactTensorTests {
    /// Shapes handed out again are equal to the dims asked for, across more distinct shapes
    /// than are kept, with ranks 0 to 3 and shapes differing only in rank or in one value.
    @Test func recentShapesReturnTheDimsAskedFor() {
        var recent = RecentShapes()
        var asked: [[Int64]] = []
        for k in 0..<200 {
            let rank = k % 4
            asked.append((0..<rank).map { Int64(($0 + k / 7) % 5) })
        }
        asked += [[8, 8], [8], [8, 8, 1], [8], [8, 8], [], [-1, 8]]
        for dims in asked {
            let got = dims.withUnsafeBufferPointer { recent.shape($0) }
            #expect(got == dims)
        }
    }

    /// A payload kept as a run of a shared list equals, hashes and reads as one made from
    /// its own array; changing its pieces leaves the shared list and other runs alone.
    @Test func payloadRunsBehaveAsArrays() {
        let list = (0..<6).map { k in
            PayloadPiece(field: k % 2 == 0 ? .rawData : .floatData, encoding: k % 2 == 0 ? .bytes : .packed,
                         range: k * 10..<k * 10 + 4, occurrences: 1, contentBytes: 4 + k)
        }
        let a = InlinePayload(list, 2..<4)
        let own = InlinePayload(pieces: Array(list[2..<4]))
        #expect(a == own)
        #expect(a.hashValue == own.hashValue)
        #expect(a.pieces == Array(list[2..<4]))
        #expect(a.field == .floatData)
        #expect(a.contentBytes == 6 + 7)
        #expect(InlinePayload(list, 2..<3) != own)
        #expect(InlinePayload(list, 4..<4).pieces.isEmpty)

        var b = InlinePayload(list, 0..<2)
        b.pieces.append(list[5])
        #expect(b.pieces == [list[0], list[1], list[5]])
        #expect(InlinePayload(list, 0..<2).pieces == [list[0], list[1]])
        #expect(list.count == 6)
    }

    /// The doc string and segment read back as set, in any order, and count in equality.
    @Test func rareFieldsReadBackAsSet() {
        var t = Tensor(name: "w", dataType: .float, dims: [2], payload: .none)
        #expect(t.docString.isEmpty && t.segment == nil)
        let plain = t
        t.docString = "note"
        #expect(t != plain)
        t.segment = Tensor.Segment(begin: 1, end: 3)
        #expect(t.docString == "note" && t.segment == Tensor.Segment(begin: 1, end: 3))
        let copy = t
        t.docString = ""
        #expect(copy.docString == "note")
        #expect(t.segment == Tensor.Segment(begin: 1, end: 3))
        t.segment = nil
        #expect(t == plain && t.hashValue == plain.hashValue)
        let made = Tensor(name: "w", dataType: .float, dims: [2], payload: .none, docString: "note",
                          segment: Tensor.Segment(begin: 1, end: 3))
        #expect(made == copy && made.hashValue == copy.hashValue)
    }
}
