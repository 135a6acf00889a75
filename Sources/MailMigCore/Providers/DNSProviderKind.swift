/// One kind of DNS provider as an adapter brings it: its plan key, how it reads its settings, the JSON
/// Schema of those settings, and how it makes the provider.
///
/// The composition root registers each kind in `DNSProviderRegistry`. The plan loader then knows which
/// keys may appear under `dns.providers.NAME` and lets the kind read what is written there; `mailmig
/// schema` adds each kind's schema; the workspace makes the providers. Neither the loader nor the
/// engine knows any kind.
public struct DNSProviderKind: Sendable {
    /// What reading a provider's settings found: whether the provider can be made, and every
    /// finding with its position.
    public struct Reading: Sendable {
        /// Whether the settings describe a provider (they may still carry errors elsewhere in them).
        public var accepted: Bool
        /// Errors and warnings, each at its `file:line:col`.
        public var diagnostics: [Diagnostic]
    }

    /// The plan key (`rfc2136` in `dns.providers.NAME.rfc2136`).
    public let key: String
    /// The JSON Schema of the settings, as JSON text: one schema object, placed at `#/$defs/<key>` of
    /// the plan's schema, whose `description` also describes the key. It may refer to the plan
    /// schema's shared definitions (`#/$defs/secret`, `#/$defs/duration`, `#/$defs/hostPort`,
    /// `#/$defs/nonEmptyString`).
    public let schema: String
    /// Whether the key may be written without settings (`manual:`); the kind then reads an empty mapping.
    public let settingsOptional: Bool
    private let reader: @Sendable (PlanNode, String) -> Reading
    private let factory: @Sendable (DNSProvider, AdapterContext) -> (any DNSZoneProvider)?

    /// Creates a kind from its settings decoder and its factory.
    ///
    /// - Parameters:
    ///   - key: the plan key.
    ///   - schema: the JSON Schema of the settings (see `schema`).
    ///   - decode: reads the settings node at the path messages name (`dns.providers.NAME.<key>`); returns
    ///     the settings when a provider can be made from them, and every finding, as `PlanNodeDecoding`
    ///     collects them.
    ///   - settingsOptional: whether the key may be written without settings.
    ///   - make: makes the provider named `name` from its decoded settings.
    public init<Settings>(
        key: String,
        schema: String,
        settingsOptional: Bool = false,
        decode: @escaping @Sendable (_ settings: PlanNode, _ path: String) -> (settings: Settings?, diagnostics: [Diagnostic]),
        make: @escaping @Sendable (_ name: String, _ settings: Settings, _ context: AdapterContext) -> any DNSZoneProvider
    ) {
        self.key = key
        self.schema = schema
        self.settingsOptional = settingsOptional
        self.reader = { node, path in
            let result = decode(node, path)
            return Reading(accepted: result.settings != nil, diagnostics: result.diagnostics)
        }
        self.factory = { provider, context in
            guard let settings = decode(provider.settings, provider.settingsPath).settings else { return nil }
            return make(provider.name, settings, context)
        }
    }

    /// Reads the settings written under this kind's key at `path`, as the plan loader does.
    public func read(_ settings: PlanNode, path: String) -> Reading {
        reader(settings, path)
    }

    /// The provider a plan declares with this kind; nil when its settings do not decode.
    public func provider(for provider: DNSProvider, context: AdapterContext) -> (any DNSZoneProvider)? {
        factory(provider, context)
    }
}
