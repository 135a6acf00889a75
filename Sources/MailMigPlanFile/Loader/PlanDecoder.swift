import Foundation
import MailMigCore

/// Turns the YAML tree of a plan into a `Plan`, collecting every problem instead of stopping at the first.
///
/// Each `decode…` function returns `nil` for a part it could not read and reports why; the caller carries
/// on with the other parts, so one run shows all mistakes of a file.
struct PlanDecoder {
    var diagnostics = DiagnosticBag()
    let file: String
    let baseDirectory: URL

    init(file: String, baseDirectory: URL) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    // MARK: - Shapes

    /// Reads a mapping, reporting keys outside `allowed` (with a suggestion) and keys that are not strings.
    mutating func fields(_ node: YAMLNode, path: String, allowed: [String]) -> Fields? {
        guard case .mapping(let pairs) = node.content else {
            typeMismatch(node, path: path, expected: "a mapping")
            return nil
        }
        var entries: [String: (key: YAMLNode, value: YAMLNode)] = [:]
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
        return Fields(node: node, path: path, entries: entries)
    }

    /// Reads a list; a single scalar is not silently taken as a one-element list.
    mutating func list(_ node: YAMLNode, path: String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.content else {
            typeMismatch(node, path: path, expected: "a list")
            return nil
        }
        return items
    }

    /// The value of a required key, or an error naming the key and its mapping.
    mutating func required(_ fields: Fields, _ key: String) -> YAMLNode? {
        guard let value = fields[key], !value.isNull else {
            let location = fields.has(key) ? fields.keyLocation(key) : fields.node.location
            diagnostics.error(location, "missing value for '\(key)' in \(displayPath(fields.path))")
            return nil
        }
        return value
    }

    // MARK: - Scalars

    mutating func string(_ node: YAMLNode, path: String) -> String? {
        guard case .scalar(let text, let kind) = node.content, kind == .string else {
            typeMismatch(node, path: path, expected: "a string")
            return nil
        }
        return text
    }

    /// A string that must not be empty or blank.
    mutating func nonEmptyString(_ node: YAMLNode, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            diagnostics.error(node.location, "\(displayPath(path)) must not be empty")
            return nil
        }
        return text
    }

    mutating func int(_ node: YAMLNode, path: String, range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let text, .int) = node.content else {
            typeMismatch(node, path: path, expected: "a whole number")
            return nil
        }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be between \(range.lowerBound) and \(range.upperBound), found \(text)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: YAMLNode, path: String) -> Bool? {
        guard case .scalar(let text, .bool) = node.content else {
            typeMismatch(node, path: path, expected: "true or false")
            return nil
        }
        return ["true", "yes", "on"].contains(text.lowercased())
    }

    /// One of a fixed set of words.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ node: YAMLNode, path: String, as: Value.Type
    ) -> Value? where Value.RawValue == String {
        let allowed = Value.allCases.map(\.rawValue)
        guard case .scalar(let text, _) = node.content else {
            typeMismatch(node, path: path, expected: "one of \(allowed.joined(separator: ", "))")
            return nil
        }
        if let value = Value(rawValue: text) { return value }
        var message = "unknown value '\(text)' for \(displayPath(path)); expected one of \(allowed.joined(separator: ", "))"
        if let suggestion = closestMatch(to: text, in: allowed) { message += " (did you mean '\(suggestion)'?)" }
        diagnostics.error(node.location, message)
        return nil
    }

    /// A list of strings.
    mutating func strings(_ node: YAMLNode, path: String) -> [String]? {
        guard let items = list(node, path: path) else { return nil }
        var values: [String] = []
        var ok = true
        for (index, item) in items.enumerated() {
            if let value = nonEmptyString(item, path: "\(path)[\(index)]") { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }

    /// A secret field: only `env:NAME` or `file:PATH` are accepted, so a secret is never written in the plan.
    mutating func secret(_ node: YAMLNode, path: String) -> SecretReference? {
        guard case .scalar(let text, _) = node.content, !node.isNull else {
            typeMismatch(node, path: path, expected: "a secret reference (env:NAME or file:PATH)")
            return nil
        }
        if let reference = SecretReference(parsing: text) {
            checkPlaceholders(text, at: node.location, path: path)
            return reference
        }
        if text.hasPrefix("env:") {
            diagnostics.error(node.location, "\(displayPath(path)) names an invalid environment variable; write env:NAME with letters, digits and _")
        } else {
            // Never echo the text: it is probably the secret itself.
            diagnostics.error(node.location, "\(displayPath(path)) must be a secret reference, not the secret itself: write env:NAME or file:PATH")
        }
        return nil
    }

    /// A duration as a whole number of seconds or text like `30d`.
    mutating func duration(_ node: YAMLNode, path: String) -> PlanDuration? {
        if case .scalar(let text, .int) = node.content, let seconds = Int64(text), seconds >= 0 {
            return PlanDuration(seconds: seconds, text: "\(seconds)s")
        }
        guard case .scalar(let text, .string) = node.content, let value = PlanDuration(parsing: text) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be a duration like 30d, 48h, 15m or 1d12h, found \(describe(node))")
            return nil
        }
        return value
    }

    /// A size as a whole number of bytes or text like `35MB`.
    mutating func byteSize(_ node: YAMLNode, path: String) -> ByteSize? {
        if case .scalar(let text, .int) = node.content, let bytes = Int64(text), bytes >= 0 {
            return ByteSize(bytes: bytes)
        }
        guard case .scalar(let text, .string) = node.content, let value = ByteSize(parsing: text) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be a size like 35MB, 512KiB or 1GB, found \(describe(node))")
            return nil
        }
        return value
    }

    /// A mailbox address.
    mutating func address(_ node: YAMLNode, path: String) -> EmailAddress? {
        guard let text = string(node, path: path) else { return nil }
        guard let address = EmailAddress(text) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be an address like user@example.com, found '\(text)'")
            return nil
        }
        return address
    }

    // MARK: - Messages

    mutating func typeMismatch(_ node: YAMLNode, path: String, expected: String) {
        diagnostics.error(node.location, "expected \(expected) for \(displayPath(path)), found \(describe(node))")
    }

    func describe(_ node: YAMLNode) -> String {
        if case .scalar(let text, let kind) = node.content, kind != .null {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "\(node.kindDescription) '\(shown)'"
        }
        return node.kindDescription
    }

    func displayPath(_ path: String) -> String { path.isEmpty ? "the plan" : path }

    func location(_ node: YAMLNode) -> SourceLocation { node.location }
}
