extension DiffReport {
    /// Compares two opened model files.
    ///
    /// Weights are matched by name, then by content (see `TensorMatching`). Matched
    /// weights of the same type and shape are compared by the XXH3 hash of their stored
    /// bytes; only those whose hashes differ are decoded, for the difference statistics.
    /// Throws when a weight's stored values cannot be read (missing external data, a
    /// payload whose size does not match its dims).
    public init(a fileA: ModelFile, b fileB: ModelFile, options: Options = Options()) throws(PayloadError) {
        try self.init(a: Input(fileA), b: Input(fileB), options: options)
    }

    /// What the diff lists.
    public struct Options: Sendable {
        /// List every weight without a counterpart in `added` and `removed`, and every plain
        /// value change, not only parameters (`--all-tensors`).
        public var allTensors: Bool

        /// The default: parameters listed, non-parameter constants counted.
        public init(allTensors: Bool = false) {
            self.allTensors = allTensors
        }
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
    init(a inputA: Input, b inputB: Input, options: Options = Options()) throws(PayloadError) {
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
        let changes = try DiffReport.tensorChanges(&sideA, &sideB, layersB: inputB.layers, options: options)
        tensors = changes.tensors
        // Only the layers' weights are looked up (a model of 100,000 loose constants builds no name set).
        func paired(_ layers: [Layer], _ side: DiffSide, _ used: [Bool]) -> Set<String> {
            Set(layers.flatMap(\.flattened).flatMap(\.weights).filter { name in side.mainIndex(name).map { used[$0] } ?? false })
        }
        layers = LayerDiff.deltas(inputA.layers, inputB.layers,
                                  paired: LayerDiff.Paired(a: paired(inputA.layers, sideA, changes.usedA),
                                                           b: paired(inputB.layers, sideB, changes.usedB).union(changes.restoredB),
                                                           restoredA: changes.restoredA, restoredB: changes.restoredB))

        let t = tensors
        summary = Summary(
            added: t.added.count, removed: t.removed.count, renamed: t.renamed.count, reshaped: t.reshaped.count,
            retyped: t.retyped.count, valuesChanged: t.valuesChanged.count, storageMoved: t.storageMoved.count,
            unchanged: t.unchanged, restored: t.restored.count, inputs: inputs.count, outputs: outputs.count, ops: ops.count,
            opsets: opsets.count, layers: layers.count, modelFacts: model.count,
            tensorsBefore: sideA.weights.count, tensorsAfter: sideB.weights.count)
        identical = changes.unpairedA == 0 && changes.unpairedB == 0 && t.reshaped.isEmpty && t.retyped.isEmpty
            && changes.anyValueChanged == false && t.restored.isEmpty && inputs.isEmpty && outputs.isEmpty && ops.isEmpty
            && opsets.isEmpty && layers.isEmpty && parameters.delta == 0 && bytes.delta == 0
        if identical {
            verdict = .identical
        } else if changes.parametersRestored && inputs.isEmpty && outputs.isEmpty && layers.isEmpty {
            verdict = .restored
        } else {
            verdict = .changed
        }
        noteFacts = DiffReport.notes(identical: identical, summary: summary)
    }

    /// The tensor changes and what the verdict needs of them.
    private struct Changes {
        var tensors: TensorChanges
        /// Weights of each side with no counterpart (parameters or not).
        var unpairedA = 0, unpairedB = 0
        /// A value changed (parameter or not), or a re-stored pair went beyond its bound.
        var anyValueChanged = false
        /// Every parameter of A and B paired, each within its bound, none reshaped unexplained.
        var parametersRestored = false
        /// Names of the weights in re-stored pairs (and B's quantization scales), per side.
        var restoredA: Set<String> = [], restoredB: Set<String> = []
        /// Which weights are paired in any way, per side (by index).
        var usedA: [Bool] = [], usedB: [Bool] = []
    }

    private static func tensorChanges(_ a: inout DiffSide, _ b: inout DiffSide, layersB: [Layer],
                                      options: Options) throws(PayloadError) -> Changes {
        let matching = try TensorMatching(&a, &b)
        let restoring = try RestoredPairing(a, b, pairs: matching.pairs, layersB: layersB)
        var changes = TensorChanges()
        var paramChanged = false, anyChanged = false
        let transposedTo = Set(restoring.judged.filter { $0.pair.how == .transposed }.flatMap(\.pair.to))
        var unexplainedReshape = false
        for (i, j) in matching.pairs {
            let before = a.weights[i], after = b.weights[j]
            let name = after.name
            if before.name != name { changes.renamed.append(Rename(from: before.name, to: name)) }
            if a.storage(i) != b.storage(j) {
                changes.storageMoved.append(StorageMove(name: name, before: a.storage(i), after: b.storage(j)))
            }
            let sameShape = before.dims == after.dims
            if !sameShape {
                changes.reshaped.append(Reshape(name: name, before: before.dims, after: after.dims))
                if restoring.isParameterB(b, j), !transposedTo.contains(name) { unexplainedReshape = true }
            }
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
                anyChanged = true
                let isParameter = restoring.isParameterB(b, j)
                if isParameter { paramChanged = true }
                if isParameter || options.allTensors {
                    changes.valuesChanged.append(ValueChange(
                        name: name, changedElements: comparison.changedElements,
                        maxAbsDiff: comparison.reportedMaxAbsDiff, relativeL2: comparison.relativeL2))
                }
            }
        }
        var result = Changes(tensors: changes)
        for (pair, judgement) in restoring.judged {
            result.restoredA.formUnion(pair.from)
            result.restoredB.formUnion(pair.to)
            if judgement.beyond == 0 {
                result.tensors.restored.append(pair)
            } else {
                paramChanged = true
                anyChanged = true
                result.tensors.valuesChanged.append(ValueChange(
                    name: pair.to.first ?? "", changedElements: judgement.beyond, maxAbsDiff: judgement.maxAbsError,
                    relativeL2: judgement.relativeL2, from: pair.from, how: pair.how, bound: pair.bound))
            }
        }
        result.restoredB.formUnion(restoring.overheadB)
        result.usedA = restoring.usedA
        result.usedB = restoring.usedB
        var removedParameters = 0, addedParameters = 0
        for i in a.weights.indices where !restoring.usedA[i] {
            result.unpairedA += 1
            if RestoredPairing.isParameter(a.weights[i]) {
                removedParameters += 1
                result.tensors.removed.append(a.weights[i].name)
            } else {
                result.tensors.nonParameters.removed += 1
                result.tensors.nonParameters.removedElements = Saturating.add(result.tensors.nonParameters.removedElements,
                                                                              elements(a.weights[i]))
                if options.allTensors { result.tensors.removed.append(a.weights[i].name) }
            }
        }
        for j in b.weights.indices where !restoring.usedB[j] {
            result.unpairedB += 1
            if restoring.isParameterB(b, j) {
                addedParameters += 1
                result.tensors.added.append(b.weights[j].name)
            } else {
                result.tensors.nonParameters.added += 1
                result.tensors.nonParameters.addedElements = Saturating.add(result.tensors.nonParameters.addedElements,
                                                                            elements(b.weights[j]))
                if options.allTensors { result.tensors.added.append(b.weights[j].name) }
            }
        }
        if options.allTensors {
            // In file order, as the matching left them.
            let removed = Set(result.tensors.removed), added = Set(result.tensors.added)
            result.tensors.removed = a.weights.filter { removed.contains($0.name) }.map(\.name)
            result.tensors.added = b.weights.filter { added.contains($0.name) }.map(\.name)
        }
        result.anyValueChanged = anyChanged
        result.parametersRestored = removedParameters == 0 && addedParameters == 0 && !paramChanged && !unexplainedReshape
        return result
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
