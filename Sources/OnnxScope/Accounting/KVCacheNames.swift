/// Past-key-value inputs and present-key-value outputs, recognized by the names exporters
/// give them: optimum and the onnxruntime-genai builder write `past_key_values.N.key` /
/// `.value` in and `present.N.key` / `.value` out; optimum's seq2seq decoders add `.decoder.`
/// (the self-attention cache) or `.encoder.` (the cross-attention cache) after the layer.
enum KVCacheNames {
    /// The cache role of a graph input or output named `name`, or nil when it is none.
    static func role(of name: String) -> InspectReport.KVCache? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4 else { return nil }
        let role: String
        switch parts[0] {
        case "past_key_values": role = "past"
        case "present", "present_key_values": role = "present"
        default: return nil
        }
        guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let layer = Int(parts[1]) else { return nil }
        let part = String(parts[parts.count - 1])
        guard part == "key" || part == "value" else { return nil }
        var attention = "self"
        if parts.count == 4 {
            switch parts[2] {
            case "decoder": attention = "self"
            case "encoder": attention = "cross"
            default: return nil
            }
        }
        return InspectReport.KVCache(role: role, part: part, layer: layer, attention: attention)
    }
}
