import MailMigCore

/// A YAML node as the plan loader sees it: plain values with the position they were written at.
///
/// Built from Yams' parse tree on a dedicated thread, then handed to the loader; being a value
/// type with no reference to the parser, it can cross threads and be walked without limits of its own.
struct YAMLNode: Sendable {
    /// What a scalar resolved to under YAML 1.1 rules (the rules editors and PyYAML apply too).
    enum ScalarKind: Sendable, Equatable {
        case string, int, float, bool, null, timestamp
    }

    /// The shape of a node.
    enum Content: Sendable {
        case scalar(text: String, kind: ScalarKind)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    var content: Content
    var location: SourceLocation

    /// The kind of node in the words an error message uses ("a mapping", "a list", "a string"…).
    var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(_, let kind):
            switch kind {
            case .string: return "a string"
            case .int: return "a number"
            case .float: return "a decimal number"
            case .bool: return "true/false"
            case .null: return "nothing (null)"
            case .timestamp: return "a date"
            }
        }
    }

    /// The text of a scalar node, whatever it resolved to.
    var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// Whether the node is an explicit or implicit null (`~`, `null`, or no value at all).
    var isNull: Bool {
        if case .scalar(_, .null) = content { return true }
        return false
    }
}
