/// The formats every report renders to.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned text for a terminal.
    case table
    /// JSON with sorted keys and a `schemaVersion`; one object per line for several files.
    case json
    /// GitHub-flavoured Markdown, for pull-request comments.
    case markdown
}
