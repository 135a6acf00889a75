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

    /// Replaces every `{key}` whose key is in `values`; leaves other braces as they are.
    public static func fill(_ template: String, with values: [String: String]) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                result += rest[open...]
                return result
            }
            let key = String(rest[rest.index(after: open)..<close])
            if let value = values[key] {
                result += value
            } else {
                result += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The `{keys}` a template uses.
    public static func placeholders(in template: String) -> [String] {
        var keys: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            keys.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return keys
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
