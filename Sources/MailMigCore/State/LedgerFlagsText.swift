import Foundation

/// The text in which the state backends keep a ledger row's flags: the flags sorted, as the JSON
/// array `JSONEncoder` writes (`["$Forwarded","\\Seen"]`), so that every backend reads every other's rows.
///
/// Written and read by hand for the flags seen in practice (printable ASCII without `"`, `\` or `/`,
/// which JSON leaves as they are), and through `JSONEncoder`/`JSONDecoder` otherwise: two rows are
/// written for every message copied and one read for every message compared, and the coders cost
/// more than the rest of the row.
public enum LedgerFlagsText {
    /// The stored text of `flags` (any order).
    public static func encode(_ flags: [String]) -> String {
        let sorted = flags.sorted()
        guard sorted.allSatisfy(isPlain) else {
            return (try? String(decoding: JSONEncoder().encode(sorted), as: UTF8.self)) ?? "[]"
        }
        var text = "["
        for (index, flag) in sorted.enumerated() {
            text += index == 0 ? "\"" : ",\""
            text += flag
            text += "\""
        }
        return text + "]"
    }

    /// The flags of a stored text; none for a text that is not a JSON array of strings.
    public static func decode(_ text: String) -> [String] {
        if let plain = decodePlain(text) { return plain }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// A flag JSON writes as it is: printable ASCII other than `"`, `\` and `/` (which `JSONEncoder` escapes).
    private static func isPlain(_ flag: String) -> Bool {
        flag.utf8.allSatisfy { byte in
            (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "/")
        }
    }

    /// The flags of `["a","b"]` exactly as `encode` writes it without escapes; nil for any other text.
    private static func decodePlain(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"),
              !bytes.contains(UInt8(ascii: "\\"))
        else { return nil }
        var flags: [String] = []
        var index = 1
        let end = bytes.count - 1
        while index < end {
            // Each element: a quote, bytes without a quote, a quote, then a comma unless it is the last.
            guard bytes[index] == UInt8(ascii: "\""), let close = bytes[(index + 1)..<end].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            flags.append(String(decoding: bytes[(index + 1)..<close], as: UTF8.self))
            index = close + 1
            if index < end {
                guard bytes[index] == UInt8(ascii: ","), index + 1 < end else { return nil }
                index += 1
            }
        }
        return flags
    }
}
