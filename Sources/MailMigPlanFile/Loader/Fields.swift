import MailMigCore

/// The entries of one YAML mapping, looked up by key, with the path used in messages.
struct Fields {
    /// The mapping node itself, where "missing key" errors point.
    let node: YAMLNode
    /// The dotted path of the mapping in the plan (`source.imap`, `domains[0]`).
    let path: String
    private var entries: [String: (key: YAMLNode, value: YAMLNode)]

    init(node: YAMLNode, path: String, entries: [String: (key: YAMLNode, value: YAMLNode)]) {
        self.node = node
        self.path = path
        self.entries = entries
    }

    /// The value written for `key`, if any.
    subscript(key: String) -> YAMLNode? { entries[key]?.value }

    /// Whether `key` was written (even with an empty value).
    func has(_ key: String) -> Bool { entries[key] != nil }

    /// The path of a child key, for messages.
    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The location of a key itself (not its value).
    func keyLocation(_ key: String) -> SourceLocation { entries[key]?.key.location ?? node.location }
}
