/// `{name}` placeholders in plan strings (login formats, provisioning commands, secret paths).
public enum Template {
    /// The placeholders a mailbox fills in.
    public static func mailboxValues(source: EmailAddress, target: EmailAddress) -> [String: String] {
        [
            "address": source.description, "source": source.description, "target": target.description,
            "localpart": source.localPart, "domain": source.domain,
            "target_localpart": target.localPart, "target_domain": target.domain,
        ]
    }

    /// Replaces every `{key}` whose key is in `values`; leaves other braces as they are. `{{` and `}}`
    /// stand for a literal `{` and `}` (a command word such as `jq '{{token: .access_token}}'`).
    public static func fill(_ template: String, with values: [String: String]) -> String {
        var result = ""
        scan(template) { piece in
            switch piece {
            case .text(let text): result += text
            case .placeholder(let key, let written): result += values[key] ?? String(written)
            }
        }
        return result
    }

    /// The `{keys}` a template uses (escaped braces are not placeholders).
    public static func placeholders(in template: String) -> [String] {
        var keys: [String] = []
        scan(template) { piece in
            if case .placeholder(let key, _) = piece { keys.append(key) }
        }
        return keys
    }

    private enum Piece {
        case text(Substring)
        case placeholder(key: String, written: Substring)
    }

    /// Splits a template into literal text (escapes resolved) and `{key}` placeholders; a `{` without
    /// a closing `}` is text.
    private static func scan(_ template: String, _ visit: (Piece) -> Void) {
        var rest = Substring(template)
        while let brace = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            visit(.text(rest[..<brace]))
            let after = rest.index(after: brace)
            if after < rest.endIndex, rest[after] == rest[brace] {
                // `{{` or `}}`: one literal brace.
                visit(.text(rest[brace...brace]))
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard rest[brace] == "{", let close = rest[after...].firstIndex(of: "}") else {
                visit(.text(rest[brace...brace]))
                rest = rest[after...]
                continue
            }
            visit(.placeholder(key: String(rest[after..<close]), written: rest[brace...close]))
            rest = rest[rest.index(after: close)...]
        }
        visit(.text(rest))
    }

    /// A placeholder's value as one file name, for paths (`backups/{source}`): lower-cased, as addresses
    /// compare, with `/`, `%` and control characters (which a local part may hold) written as `%XX`.
    /// An address always holds `@`, so it is never `.` or `..`.
    public static func fileName(_ value: String) -> String {
        var name: [UInt8] = []
        for byte in value.lowercased().utf8 {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "%") || byte < 0x20 || byte == 0x7F {
                let hex = String(byte, radix: 16, uppercase: true)
                name += Array(("%" + (hex.count < 2 ? "0" : "") + hex).utf8)
            } else {
                name.append(byte)
            }
        }
        return String(decoding: name, as: UTF8.self)
    }

    /// Placeholders accepted wherever a mailbox is substituted.
    public static let mailboxKeys: Set<String> = [
        "address", "source", "target", "localpart", "domain", "target_localpart", "target_domain",
    ]
}
