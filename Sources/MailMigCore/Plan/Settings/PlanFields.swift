/// The entries of one mapping of a plan, looked up by key, with the path used in messages.
public struct PlanFields: Sendable {
    /// The mapping node itself, where "missing key" errors point.
    public let node: PlanNode
    /// The dotted path of the mapping in the plan (`source.imap`, `domains[0]`).
    public let path: String
    private var entries: [String: PlanNode.Pair]

    /// Creates the fields of `node` from its entries by key.
    public init(node: PlanNode, path: String, entries: [String: PlanNode.Pair]) {
        self.node = node
        self.path = path
        self.entries = entries
    }

    /// The value written for `key`, if any.
    public subscript(key: String) -> PlanNode? { entries[key]?.value }

    /// Whether `key` was written (even with an empty value).
    public func has(_ key: String) -> Bool { entries[key] != nil }

    /// The path of a child key, for messages.
    public func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The location of a key itself (not its value).
    public func keyLocation(_ key: String) -> SourceLocation { entries[key]?.key.location ?? node.location }
}
