import ArgumentParser
import Foundation
import OnnxScope

extension LayersView.Grouping: ExpressibleByArgument {}

/// `layers` table options, torchinfo-style: depth, grouping by module, filters, sorting,
/// and the sizes of symbolic dimensions for MACs.
struct LayersViewArguments: ParsableArguments {
    enum SortOrder: String, ExpressibleByArgument, CaseIterable {
        case graph, params
    }

    @Option(help: "Levels of the table to show (1: top level only); deeper rows are folded into their parent's total.")
    var depth: Int?

    @Option(name: .customLong("by"), help: "Rows by layer (as recognized) or by module (name path, with subtotals).")
    var grouping: LayersView.Grouping = .layer

    @Option(help: "Only layers of this kind, e.g. Conv.")
    var kind: String?

    @Option(help: "Only layers whose name matches this regular expression.")
    var name: String?

    @Option(help: "Row order among siblings: graph (as in the file) or params (largest first).")
    var sort: SortOrder = .graph

    @Option(help: "Sizes of symbolic dimensions for MACs, e.g. batch=1,sequence=128 (repeatable).")
    var assume: [String] = []

    func validate() throws {
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
        if let kind, !AuditExpectations.validKinds.contains(kind) {
            let hint = NameSuggestion.closest(to: kind, among: AuditExpectations.validKinds).map { " (did you mean '\($0)'?)" } ?? ""
            throw ValidationError("unknown layer kind '\(kind)' in --kind\(hint); valid: \(AuditExpectations.validKinds.joined(separator: ", "))")
        }
        if let name, (try? NSRegularExpression(pattern: name)) == nil {
            throw ValidationError("--name takes a regular expression; '\(name)' is not one")
        }
        _ = try assumptions()
    }

    /// The view options these arguments ask for; MACs are always computed.
    func options() throws -> LayersView.Options {
        var options = LayersView.Options()
        options.depth = depth
        options.grouping = grouping
        options.kind = kind
        options.name = try name.map { try NSRegularExpression(pattern: $0) }
        options.sortByParameters = sort == .params
        options.macs = true
        options.assumptions = try assumptions()
        return options
    }

    private func assumptions() throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for item in assume.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let size = Int64(parts[1]), size >= 0 else {
                throw ValidationError("--assume takes NAME=N[,NAME=N...], e.g. batch=1,sequence=128; got '\(item)'")
            }
            result[parts[0]] = size
        }
        return result
    }
}
