/// The shared frame of OnnxScope's HTML reports: escaping, the page skeleton and its
/// stylesheet (inline, no scripts, no network fonts), with light and dark schemes that
/// follow `prefers-color-scheme` and colours chosen for WCAG AA contrast.
enum HTMLDocument {
    /// Text from a model made safe for HTML: control characters escaped as in the
    /// terminal output, then `&`, `<`, `>`, `"` and `'` as entities.
    static func escape(_ text: String, limit: Int = 10_000) -> String {
        var out = ""
        for c in TextFormatting.safe(text, limit: limit) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A complete page.
    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="onnxscope">
        <title>\(escape(title, limit: 200))</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        \(body)
        <footer>Made by onnxscope. Numbers are element counts unless marked as bytes.</footer>
        </body>
        </html>

        """
    }

    /// Kind → CSS class suffix.
    static func kindClass(_ kind: String) -> String {
        "k-" + kind.filter { $0.isLetter || $0.isNumber }
    }

    /// The colour classes: every layer kind, then weights and unattributed weights.
    private static let swatches: [(name: String, light: String, dark: String)] =
        LayerKind.allCases.map { ($0.rawValue, $0.descriptor.colour.light, $0.descriptor.colour.dark) }
        + [("Weight", "#ffffff", "#3a3a3a"), ("Unattributed", "#d9d9d9", "#454545")]

    /// The kinds with a colour, in the stylesheet's order (``LayerKind`` order, then weights).
    static var kinds: [String] { swatches.map(\.name) }
    /// Light-scheme fills, in ``kinds`` order: dark text on each has at least 7:1 contrast
    /// (WCAG AAA, so AA with room for the translucent group fills), and the layer kinds are
    /// at least ΔE 20 (CIELAB) apart (`HTMLPaletteTests`).
    static var light: [String] { swatches.map(\.light) }
    /// Dark-scheme fills, in ``kinds`` order: light text on each has at least 7:1 contrast.
    static var dark: [String] { swatches.map(\.dark) }
    /// Text colours of the two schemes (`--fg`), and the background the treemap sits on (`--card`).
    static let lightText = "#1a1a1a", darkText = "#ececec", lightCard = "#f6f6f6", darkCard = "#1e1e1e"
    /// Opacity of a group rectangle's fill (a block behind its layers).
    static let groupOpacity = 0.55

    private static var kindRules: String {
        let lightRules = swatches.map { ".\(kindClass($0.name)){fill:\($0.light);--swatch:\($0.light)}" }.joined()
        let darkRules = swatches.map { ".\(kindClass($0.name)){fill:\($0.dark);--swatch:\($0.dark)}" }.joined()
        return lightRules + "@media (prefers-color-scheme: dark){\(darkRules)}"
    }

    private static let baseStyle = """
    :root{color-scheme:light dark;--bg:#ffffff;--fg:#1a1a1a;--muted:#555555;--line:#d0d0d0;--card:#f6f6f6;\
    --ok:#1b6e20;--warn:#8a5300;--bad:#b00020;--accent:#0b5cad;--added:#1b6e20;--changed:#b35900}
    @media (prefers-color-scheme: dark){:root{--bg:#121212;--fg:#ececec;--muted:#b8b8b8;--line:#3a3a3a;\
    --card:#1e1e1e;--ok:#7bd88f;--warn:#ffc66d;--bad:#ff8a80;--accent:#8ab4f8;--added:#7bd88f;--changed:#ffb74d}}
    *{box-sizing:border-box}
    body{margin:0 auto;max-width:1240px;padding:16px;background:var(--bg);color:var(--fg);\
    font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
    h1{font-size:1.45rem;margin:.2em 0;word-break:break-all}h2{font-size:1.15rem;margin:1.6em 0 .5em}
    p.facts{color:var(--muted);margin:.2em 0}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px;margin:14px 0}
    .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
    .card .v{font-size:1.35rem;font-weight:600}.card .l{color:var(--muted);font-size:.85rem}
    .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
    table{border-collapse:collapse;width:100%;font-size:.9rem}
    th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
    th{font-weight:600;white-space:nowrap}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.name{word-break:break-all;min-width:12em}code{font-size:.85em}
    .s-match{color:var(--ok)}.s-explained{color:var(--warn)}.s-mismatch{color:var(--bad);font-weight:600}
    .sev-error{color:var(--bad);font-weight:600}.sev-warning{color:var(--warn)}.sev-info{color:var(--muted)}
    .ch-added{color:var(--added)}.ch-removed{color:var(--bad)}.ch-resized{color:var(--changed)}
    svg.treemap{width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:6px;background:var(--card)}
    svg.treemap rect{stroke:var(--bg);stroke-width:1}
    svg.treemap rect.group{fill-opacity:.55}svg.treemap rect.module{fill:var(--card);stroke:var(--muted);stroke-width:1.2}
    svg.treemap rect.weight{fill-opacity:0;stroke:var(--fg);stroke-opacity:.25;stroke-width:.6}
    svg.treemap rect.hl-added{stroke:var(--added);stroke-width:3}svg.treemap rect.hl-resized{stroke:var(--changed);stroke-width:3}
    svg.treemap text{font:11px system-ui,"DejaVu Sans",sans-serif;fill:var(--fg);pointer-events:none}
    svg.treemap text.g{font-weight:600}
    .bars{display:grid;grid-template-columns:minmax(6em,16em) 1fr auto;gap:6px 10px;align-items:center;font-size:.9rem}
    .bars .bl{word-break:break-all}.bars .bt{display:block}.bars .bf{display:block;height:14px;border-radius:2px;    background:var(--swatch);border:1px solid var(--line)}.bars .bv{text-align:right;font-variant-numeric:tabular-nums}.bars .bf.dtype{--swatch:var(--accent)}
    .treemap-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}svg.treemap.narrow{display:none}
    svg.treemap text.c{font-weight:400;opacity:.8}
    #layer-search{display:none;margin:6px 0;padding:6px 8px;width:min(100%,28em);font:inherit;color:var(--fg);    background:var(--bg);border:1px solid var(--line);border-radius:6px}
    .js #layer-search{display:block}button.fold{font:inherit;font-size:.8em;margin-right:4px;padding:0 4px;cursor:pointer;    color:var(--fg);background:var(--card);border:1px solid var(--line);border-radius:4px}
    tr.collapsed-away,tr.filtered-away{display:none}
    .legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:8px 0;font-size:.85rem}
    .legend span::before{content:"";display:inline-block;width:.9em;height:.9em;margin-right:.35em;\
    vertical-align:-.1em;border:1px solid var(--line);background:var(--swatch)}
    footer{margin:2em 0 1em;color:var(--muted);font-size:.8rem}
    details summary{cursor:pointer;margin:.4em 0}
    @media (max-width:600px){body{padding:10px;font-size:14px}td,th{padding:3px 5px}.card .v{font-size:1.15rem}    svg.treemap.wide{display:none}svg.treemap.narrow{display:block}    td,th{word-break:break-word}th{white-space:normal}td.name{min-width:0}    table.stack thead{display:none}table.stack,table.stack tbody,table.stack tfoot,table.stack tr{display:block;width:100%}    table.stack tr{border-bottom:1px solid var(--line);padding:4px 0}    table.stack td,table.stack tfoot th{display:flex;gap:8px;justify-content:space-between;border:0;padding:1px 4px;text-align:right}    table.stack td::before{content:attr(data-label);color:var(--muted);text-align:left;flex:none}    table.stack td.name{display:block;text-align:left;font-weight:600}table.stack td.name::before{content:none}    table.stack td:empty{display:none}.bars{grid-template-columns:minmax(5em,9em) 1fr auto}}
    """

    private static var stylesheet: String { baseStyle + kindRules }

    /// A legend of the kinds that appear.
    static func legend(_ kinds: [String]) -> String {
        "<div class=\"legend\">" + kinds.map { "<span class=\"\(kindClass($0))\">\(escape($0))</span>" }.joined() + "</div>"
    }

    /// A summary card.
    static func card(_ value: String, _ label: String) -> String {
        "<div class=\"card\"><div class=\"v\">\(value)</div><div class=\"l\">\(escape(label))</div></div>"
    }
}
