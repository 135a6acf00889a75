/// Reads a `PlanNode` tree into typed values, collecting every problem with its position instead of
/// stopping at the first.
///
/// The plan decoder and every adapter that reads its own part of a plan (a DNS provider kind's
/// settings) conform, so all of a plan's messages have one wording: `unknown key 'x' in a.b (did you
/// mean 'y'?)`, `missing value for 'k' in a.b`, `expected a string for a.b, found a list`. Each reading
/// function returns `nil` for a part it could not read and records why in `diagnostics`; the caller
/// carries on with the other parts, so one run shows all the mistakes of a file.
public protocol PlanNodeDecoding {
    /// The findings so far.
    var diagnostics: DiagnosticBag { get set }
}

extension PlanNodeDecoding {
    // MARK: - Shapes

    /// Reads a mapping, reporting keys outside `allowed` (with a suggestion) and keys that are not strings.
    public mutating func fields(_ node: PlanNode, path: String, allowed: [String]) -> PlanFields? {
        guard case .mapping(let pairs) = node.content else {
            typeMismatch(node, path: path, expected: "a mapping")
            return nil
        }
        var entries: [String: PlanNode.Pair] = [:]
        for pair in pairs {
            guard let key = pair.key.scalarText, case .scalar = pair.key.content else {
                diagnostics.error(pair.key.location, "a key in \(displayPath(path)) must be a plain name, found \(pair.key.kindDescription)")
                continue
            }
            if !allowed.contains(key) {
                var message = "unknown key '\(key)' in \(displayPath(path))"
                if let suggestion = closestMatch(to: key, in: allowed) {
                    message += " (did you mean '\(suggestion)'?)"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                diagnostics.error(pair.key.location, message)
                continue
            }
            entries[key] = pair
        }
        return PlanFields(node: node, path: path, entries: entries)
    }

    /// Reads a list; a single scalar is not silently taken as a one-element list.
    public mutating func list(_ node: PlanNode, path: String) -> [PlanNode]? {
        guard case .sequence(let items) = node.content else {
            typeMismatch(node, path: path, expected: "a list")
            return nil
        }
        return items
    }

    /// The value of a required key, or an error naming the key and its mapping.
    public mutating func required(_ fields: PlanFields, _ key: String) -> PlanNode? {
        guard let value = fields[key], !value.isNull else {
            let location = fields.has(key) ? fields.keyLocation(key) : fields.node.location
            diagnostics.error(location, "missing value for '\(key)' in \(displayPath(fields.path))")
            return nil
        }
        return value
    }

    // MARK: - Messages

    /// Records `expected … for PATH, found …` at the node.
    ///
    /// The text of what was found is shown only where it cannot be a secret: not under a key that
    /// holds credentials (`admin: "pw"`, `key: "…"`), and not where a DNS provider's own settings
    /// belong (`rfc2136: "…"`), which may hold anything its adapter reads.
    public mutating func typeMismatch(_ node: PlanNode, path: String, expected: String) {
        let reveal = !Self.mayHoldSecret(path) && !Self.isProviderSettings(path)
        diagnostics.error(node.location, "expected \(expected) for \(displayPath(path)), found \(describe(node, revealing: reveal))")
    }

    /// Whether a value at `path` may be a credential: a segment names a password, a secret, a key, a
    /// token or a login.
    public static func mayHoldSecret(_ path: String) -> Bool {
        let words = ["password", "secret", "key", "token", "login", "admin", "oauth", "credential"]
        return path.split(whereSeparator: { $0 == "." || $0 == "[" }).contains { segment in
            let name = segment.lowercased()
            return words.contains { name.contains($0) }
        }
    }

    /// Whether `path` is a DNS provider's settings node (`dns.providers.NAME.KIND`).
    static func isProviderSettings(_ path: String) -> Bool {
        let segments = path.split(separator: ".")
        return segments.count == 4 && segments[0] == "dns" && segments[1] == "providers"
    }

    /// The node's kind, with its text when it is a short scalar and `revealing`: `a string '993'`.
    public func describe(_ node: PlanNode, revealing: Bool = true) -> String {
        if revealing, case .scalar(let text, let kind) = node.content, kind != .null {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "\(node.kindDescription) '\(shown)'"
        }
        return node.kindDescription
    }

    /// A path as messages show it; the empty path is the plan itself.
    public func displayPath(_ path: String) -> String { path.isEmpty ? "the plan" : path }
}
