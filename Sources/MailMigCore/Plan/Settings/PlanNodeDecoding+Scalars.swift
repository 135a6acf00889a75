import Foundation

extension PlanNodeDecoding {
    /// A string scalar.
    public mutating func string(_ node: PlanNode, path: String) -> String? {
        guard case .scalar(let text, let kind) = node.content, kind == .string else {
            typeMismatch(node, path: path, expected: "a string")
            return nil
        }
        return text
    }

    /// A string that must not be empty or blank.
    public mutating func nonEmptyString(_ node: PlanNode, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            diagnostics.error(node.location, "\(displayPath(path)) must not be empty")
            return nil
        }
        return text
    }

    /// A whole number within `range`.
    public mutating func int(_ node: PlanNode, path: String, range: ClosedRange<Int>) -> Int? {
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

    /// `true` or `false` (YAML 1.1 also reads yes/no and on/off as such).
    public mutating func bool(_ node: PlanNode, path: String) -> Bool? {
        guard case .scalar(let text, .bool) = node.content else {
            typeMismatch(node, path: path, expected: "true or false")
            return nil
        }
        return ["true", "yes", "on"].contains(text.lowercased())
    }

    /// One of a fixed set of words.
    public mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ node: PlanNode, path: String, as: Value.Type
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

    /// A list of non-empty strings.
    public mutating func strings(_ node: PlanNode, path: String) -> [String]? {
        guard let items = list(node, path: path) else { return nil }
        var values: [String] = []
        var ok = true
        for (index, item) in items.enumerated() {
            if let value = nonEmptyString(item, path: "\(path)[\(index)]") { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }
}
