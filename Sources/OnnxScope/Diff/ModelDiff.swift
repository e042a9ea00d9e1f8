extension DiffReport {
    /// Compares two opened model files.
    ///
    /// Weights are matched by name, then by content (see `TensorMatching`). Matched
    /// weights of the same type and shape are compared by the XXH3 hash of their stored
    /// bytes; only those whose hashes differ are decoded, for the difference statistics.
    /// Throws when a weight's stored values cannot be read (missing external data, a
    /// payload whose size does not match its dims).
    public init(a fileA: ModelFile, b fileB: ModelFile) throws(PayloadError) {
        try self.init(a: Input(fileA), b: Input(fileB))
    }

    /// What the diff reads of one model, each part made once (``ModelAnalysis`` passes its own).
    struct Input {
        var file: ModelFile
        var catalog: WeightCatalog
        var inspect: InspectReport
        var layers: [Layer]

        init(file: ModelFile, catalog: WeightCatalog, inspect: InspectReport, layers: [Layer]) {
            self.file = file
            self.catalog = catalog
            self.inspect = inspect
            self.layers = layers
        }

        init(_ file: ModelFile) {
            let catalog = WeightCatalog(model: file.model)
            self.init(file: file, catalog: catalog, inspect: InspectReport(file: file, catalog: catalog),
                      layers: LayerRecognition(file: file, catalog: catalog).layers)
        }
    }

    /// The diff of two models, each walked, inspected and recognized once.
    init(a inputA: Input, b inputB: Input) throws(PayloadError) {
        let fileA = inputA.file, fileB = inputB.file
        let reportA = inputA.inspect, reportB = inputB.inspect
        var sideA = DiffSide(file: fileA, catalog: inputA.catalog)
        var sideB = DiffSide(file: fileB, catalog: inputB.catalog)

        a = fileA.path
        b = fileB.path
        parameters = Totals(reportA.weights.elements, reportB.weights.elements)
        bytes = Totals(reportA.weights.bytes, reportB.weights.bytes)
        ops = DiffReport.histogramDelta(reportA.ops, reportB.ops)
        inputs = DiffReport.interface(reportA.inputs, reportB.inputs)
        outputs = DiffReport.interface(reportA.outputs, reportB.outputs)
        opsets = [:]
        for domain in Set(reportA.opsets.keys).union(reportB.opsets.keys) where reportA.opsets[domain] != reportB.opsets[domain] {
            opsets[domain] = VersionChange(before: reportA.opsets[domain], after: reportB.opsets[domain])
        }
        model = DiffReport.facts(fileA.model, fileB.model)
        layers = LayerDiff.deltas(inputA.layers, inputB.layers)
        tensors = try DiffReport.tensorChanges(&sideA, &sideB)

        let t = tensors
        summary = Summary(
            added: t.added.count, removed: t.removed.count, renamed: t.renamed.count, reshaped: t.reshaped.count,
            retyped: t.retyped.count, valuesChanged: t.valuesChanged.count, storageMoved: t.storageMoved.count,
            unchanged: t.unchanged, inputs: inputs.count, outputs: outputs.count, ops: ops.count,
            opsets: opsets.count, layers: layers.count, modelFacts: model.count,
            tensorsBefore: sideA.weights.count, tensorsAfter: sideB.weights.count)
        identical = t.added.isEmpty && t.removed.isEmpty && t.reshaped.isEmpty && t.retyped.isEmpty
            && t.valuesChanged.isEmpty && inputs.isEmpty && outputs.isEmpty && ops.isEmpty && opsets.isEmpty
            && layers.isEmpty && parameters.delta == 0 && bytes.delta == 0
        noteFacts = DiffReport.notes(identical: identical, summary: summary)
    }

    private static func tensorChanges(_ a: inout DiffSide, _ b: inout DiffSide) throws(PayloadError) -> TensorChanges {
        let matching = try TensorMatching(&a, &b)
        var changes = TensorChanges()
        changes.removed = matching.removed.map { a.weights[$0].name }
        changes.added = matching.added.map { b.weights[$0].name }
        for (i, j) in matching.pairs {
            let before = a.weights[i], after = b.weights[j]
            let name = after.name
            if before.name != name { changes.renamed.append(Rename(from: before.name, to: name)) }
            if a.storage(i) != b.storage(j) {
                changes.storageMoved.append(StorageMove(name: name, before: a.storage(i), after: b.storage(j)))
            }
            let sameShape = before.dims == after.dims
            if !sameShape { changes.reshaped.append(Reshape(name: name, before: before.dims, after: after.dims)) }
            if before.dataType != after.dataType {
                var maxAbsDiff: Double?
                if sameShape {
                    let (x, y) = (try a.values(i), try b.values(j))
                    if x.isNumeric, y.isNumeric, x.componentCount == y.componentCount {
                        maxAbsDiff = ValueComparison(x, y).reportedMaxAbsDiff
                    }
                }
                changes.retyped.append(Retype(name: name, before: before.dataType.name, after: after.dataType.name,
                                              maxAbsDiff: maxAbsDiff))
                continue
            }
            guard sameShape else { continue }
            if try a.hash(i) == b.hash(j) {
                changes.unchanged += 1
                continue
            }
            let (x, y) = (try a.values(i), try b.values(j))
            let comparison = ValueComparison(x, y)
            if comparison.changedElements == 0 {
                changes.unchanged += 1  // same numbers, stored in another encoding
            } else {
                changes.valuesChanged.append(ValueChange(
                    name: name, changedElements: comparison.changedElements,
                    maxAbsDiff: comparison.reportedMaxAbsDiff, relativeL2: comparison.relativeL2))
            }
        }
        return changes
    }

    /// after − before per op, without `Constant`: those nodes are weight storage, and
    /// their changes show as tensor changes (moving weights into them is no difference).
    private static func histogramDelta(_ a: [String: Int], _ b: [String: Int]) -> [String: Int] {
        var delta: [String: Int] = [:]
        for op in Set(a.keys).union(b.keys) where op != "Constant" {
            let d = (b[op] ?? 0) - (a[op] ?? 0)
            if d != 0 { delta[op] = d }
        }
        return delta
    }

    private static func interface(_ a: [InspectReport.IOValue], _ b: [InspectReport.IOValue]) -> [InterfaceChange] {
        var changes: [InterfaceChange] = []
        for before in a {
            if let after = b.first(where: { $0.name == before.name }) {
                if after != before {
                    changes.append(InterfaceChange(name: before.name, change: .changed, before: before, after: after))
                }
            } else {
                changes.append(InterfaceChange(name: before.name, change: .removed, before: before, after: nil))
            }
        }
        let namesA = Set(a.map(\.name))
        for after in b where !namesA.contains(after.name) {
            changes.append(InterfaceChange(name: after.name, change: .added, before: nil, after: after))
        }
        return changes
    }

    private static func facts(_ a: Model, _ b: Model) -> [FactChange] {
        var facts: [FactChange] = []
        func compare(_ fact: String, _ x: String?, _ y: String?) {
            if x != y { facts.append(FactChange(fact: fact, before: x, after: y)) }
        }
        compare("irVersion", a.irVersion.map(String.init), b.irVersion.map(String.init))
        compare("producerName", a.producerName, b.producerName)
        compare("producerVersion", a.producerVersion, b.producerVersion)
        compare("domain", a.domain, b.domain)
        compare("modelVersion", a.modelVersion.map(String.init), b.modelVersion.map(String.init))
        compare("docString", a.docString, b.docString)
        compare("graphDocString", a.graph.docString, b.graph.docString)
        let metaA = Dictionary(a.metadataEntries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        let metaB = Dictionary(b.metadataEntries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        for key in Set(metaA.keys).union(metaB.keys).sorted() {
            compare("metadata.\(key)", metaA[key], metaB[key])
        }
        return facts
    }

    private static func notes(identical: Bool, summary s: Summary) -> [DiffNote] {
        guard identical else { return [] }
        var notes: [DiffNote] = []
        if s.renamed > 0 || s.storageMoved > 0 { notes.append(.onlyMoved(renamed: s.renamed, storageMoved: s.storageMoved)) }
        if s.modelFacts > 0 { notes.append(.modelFactsDiffer(s.modelFacts)) }
        return notes
    }
}

extension DiffReport.Totals {
    /// Before, after, and the delta (saturating at the Int64 range).
    init(_ before: Int64, _ after: Int64) {
        let (delta, overflow) = after.subtractingReportingOverflow(before)
        self.init(before: before, after: after, delta: overflow ? (after > before ? .max : .min) : delta)
    }
}
