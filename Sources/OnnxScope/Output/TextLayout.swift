/// How wide text tables may be: the terminal's width (`COLUMNS`), and whether names are
/// kept whole (`--wide`).
public struct TextLayout: Sendable {
    /// Columns available; nil keeps the fixed name limit (pipes, files, golden tests).
    public var width: Int?
    /// Names whole, however wide the table gets.
    public var wide: Bool

    /// A layout `width` columns wide (nil: no limit), with names whole when `wide`.
    public init(width: Int? = nil, wide: Bool = false) {
        self.width = width
        self.wide = wide
    }

    /// Longest name cell when no width is known.
    static let defaultNameLimit = 48
    /// Names are never cut below this to fit a narrow terminal.
    static let minimumNameLimit = 16
}
