extension JSONValue {
    /// The value as Python's `json.dumps(value, indent=2, ensure_ascii=False)` writes it, so the schema
    /// `mailmig schema` prints and the file in the repository are the same bytes.
    var indentedText: String {
        var output = ""
        write(to: &output, level: 0)
        return output
    }

    private func write(to output: inout String, level: Int) {
        let inner = String(repeating: "  ", count: level + 1)
        let outer = String(repeating: "  ", count: level)
        switch self {
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, member) in members.enumerated() {
                output += inner + Self.quoted(member.key) + ": "
                member.value.write(to: &output, level: level + 1)
                output += index < members.count - 1 ? ",\n" : "\n"
            }
            output += outer + "}"
        case .array(let items):
            guard !items.isEmpty else { output += "[]"; return }
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                item.write(to: &output, level: level + 1)
                output += index < items.count - 1 ? ",\n" : "\n"
            }
            output += outer + "]"
        case .string(let text): output += Self.quoted(text)
        case .number(let text): output += text
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as is.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
