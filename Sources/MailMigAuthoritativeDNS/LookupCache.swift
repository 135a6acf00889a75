/// What a provider looked up once per run (a domain's zone, a zone's servers), by name.
public actor LookupCache<Value: Sendable> {
    private var values: [String: Value] = [:]

    /// An empty cache.
    public init() {}

    /// The value found for `name`, if any.
    public func value(for name: String) -> Value? { values[name] }

    /// Keeps `value` for `name`.
    public func store(_ value: Value, for name: String) { values[name] = value }
}
