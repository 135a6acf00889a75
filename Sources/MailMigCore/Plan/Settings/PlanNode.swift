/// A value as a plan wrote it, with the position of every part: a scalar, a mapping or a list.
///
/// The plan file format reads its text into this tree; the plan decoder and the adapters that read
/// their own settings (a DNS provider kind's `dns.providers.NAME.<kind>`) walk it with
/// `PlanNodeDecoding`. The tree is a plain value: it crosses threads, compares, and is saved with the
/// plan, so an adapter can read its settings again when it is made.
public struct PlanNode: Sendable, Hashable, Codable {
    /// What a scalar resolved to under YAML 1.1 rules (the rules editors and PyYAML apply too).
    public enum ScalarKind: String, Sendable, Hashable, Codable {
        /// Text.
        case string
        /// A whole number.
        case int
        /// A decimal number.
        case float
        /// `true`/`false` (also `yes`/`no`, `on`/`off`).
        case bool
        /// `~`, `null` or nothing at all.
        case null
        /// A date or a date and time.
        case timestamp
    }

    /// One entry of a mapping: the key node and its value, in the order written.
    public struct Pair: Sendable, Hashable, Codable {
        /// The key as written (usually a plain string scalar).
        public var key: PlanNode
        /// The value written for the key.
        public var value: PlanNode

        /// Creates an entry.
        public init(key: PlanNode, value: PlanNode) {
            self.key = key
            self.value = value
        }
    }

    /// The shape of a node.
    public enum Content: Sendable, Hashable, Codable {
        /// A single value and what it resolved to.
        case scalar(text: String, kind: ScalarKind)
        /// Keys and values, in the order written.
        case mapping([Pair])
        /// Items, in the order written.
        case sequence([PlanNode])
    }

    /// The node's shape and value.
    public var content: Content
    /// Where the node starts.
    public var location: SourceLocation

    /// Creates a node.
    public init(content: Content, location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// The kind of node in the words an error message uses ("a mapping", "a list", "a string"…).
    public var kindDescription: String {
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
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// Whether the node is an explicit or implicit null (`~`, `null`, or no value at all).
    public var isNull: Bool {
        if case .scalar(_, .null) = content { return true }
        return false
    }
}
