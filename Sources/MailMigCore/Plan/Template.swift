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

    /// Placeholders accepted wherever a mailbox is substituted.
    public static let mailboxKeys: Set<String> = [
        "address", "source", "target", "localpart", "domain", "target_localpart", "target_domain",
    ]
}
