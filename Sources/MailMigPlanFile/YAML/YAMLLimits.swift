/// Bounds that keep a hostile or broken plan file from exhausting time, memory or stack.
struct YAMLLimits: Sendable {
    /// Largest plan or import file read, in bytes.
    var maxFileSize = 16 * 1024 * 1024
    /// Deepest nesting of mappings and lists. Real plans need fewer than 10 levels.
    var maxDepth = 64
    /// Most nodes after aliases are expanded; stops "billion laughs" documents.
    var maxNodes = 2_000_000

    static let standard = YAMLLimits()
}
