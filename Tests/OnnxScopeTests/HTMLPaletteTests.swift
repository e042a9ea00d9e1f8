import Foundation
import Testing
@testable import OnnxScope

/// The kind colours of the HTML report: text on every fill meets WCAG AA (4.5:1), also on
/// the translucent group fills, in both schemes, and the 13 layer kinds are told apart
/// (CIELAB ΔE of at least 20 between any two, where 2.3 is a just-noticeable difference).
@Suite("HTML report colours")
struct HTMLPaletteTests {
    typealias RGB = (r: Double, g: Double, b: Double)

    static func rgb(_ hex: String) -> RGB {
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        return (Double(v >> 16 & 0xFF) / 255, Double(v >> 8 & 0xFF) / 255, Double(v & 0xFF) / 255)
    }

    /// WCAG 2 relative luminance.
    static func luminance(_ c: RGB) -> Double {
        func channel(_ x: Double) -> Double { x <= 0.03928 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4) }
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }

    static func contrast(_ a: RGB, _ b: RGB) -> Double {
        let (la, lb) = (luminance(a), luminance(b))
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    static func blend(_ c: RGB, over bg: RGB, opacity: Double) -> RGB {
        (c.r * opacity + bg.r * (1 - opacity), c.g * opacity + bg.g * (1 - opacity), c.b * opacity + bg.b * (1 - opacity))
    }

    /// CIELAB (D65) of an sRGB colour.
    static func lab(_ c: RGB) -> (Double, Double, Double) {
        func linear(_ x: Double) -> Double { x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4) }
        let (r, g, b) = (linear(c.r), linear(c.g), linear(c.b))
        let x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047, y = r * 0.2126 + g * 0.7152 + b * 0.0722
        let z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    static func deltaE(_ a: RGB, _ b: RGB) -> Double {
        let (p, q) = (lab(a), lab(b))
        return ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1) + (p.2 - q.2) * (p.2 - q.2)).squareRoot()
    }

    @Test func everyKindHasAColourInBothSchemes() {
        #expect(HTMLDocument.light.count == HTMLDocument.kinds.count)
        #expect(HTMLDocument.dark.count == HTMLDocument.kinds.count)
        for kind in LayerKind.allCases { #expect(HTMLDocument.kinds.contains(kind.rawValue), "\(kind)") }
    }

    @Test("text contrast meets WCAG AA", arguments: ["light", "dark"])
    func contrastMeetsAA(scheme: String) {
        let fills = scheme == "light" ? HTMLDocument.light : HTMLDocument.dark
        let text = Self.rgb(scheme == "light" ? HTMLDocument.lightText : HTMLDocument.darkText)
        let card = Self.rgb(scheme == "light" ? HTMLDocument.lightCard : HTMLDocument.darkCard)
        for (kind, fill) in zip(HTMLDocument.kinds, fills) {
            let solid = Self.rgb(fill)
            #expect(Self.contrast(solid, text) >= 4.5, "\(scheme) \(kind) \(fill)")
            let group = Self.blend(solid, over: card, opacity: HTMLDocument.groupOpacity)
            #expect(Self.contrast(group, text) >= 4.5, "\(scheme) \(kind) as a group")
        }
    }

    @Test("layer kinds are distinct", arguments: ["light", "dark"])
    func kindsAreDistinct(scheme: String) {
        let fills = (scheme == "light" ? HTMLDocument.light : HTMLDocument.dark).prefix(LayerKind.allCases.count).map(Self.rgb)
        var closest = Double.infinity
        for i in fills.indices {
            for j in fills.indices where j > i { closest = min(closest, Self.deltaE(fills[i], fills[j])) }
        }
        #expect(closest >= 20, "\(scheme): two kinds only ΔE \(closest) apart")
        // The complaint: MultiHeadAttention and Dense were two nearly identical blues.
        let dense = HTMLDocument.kinds.firstIndex(of: "Dense")!, mha = HTMLDocument.kinds.firstIndex(of: "MultiHeadAttention")!
        #expect(Self.deltaE(fills[dense], fills[mha]) >= 40)
    }
}
