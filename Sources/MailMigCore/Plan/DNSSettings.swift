/// The DNS systems a plan may change, by name.
public struct DNSSettings: Sendable, Hashable, Codable {
    /// Providers by the name domains refer to.
    public var providers: [String: DNSProvider]

    /// Creates DNS settings.
    public init(providers: [String: DNSProvider]) {
        self.providers = providers
    }
}

/// One DNS system mailmig can update: its name, its kind and the settings the plan gives that kind.
///
/// The engine knows no kind. The plan key of the kind (`rfc2136` in `dns.providers.NAME.rfc2136`)
/// names the `DNSProviderKind` an adapter registers; the settings stay as the plan wrote them, with
/// their positions, and that kind reads them when the plan is loaded and again when it makes the provider.
public struct DNSProvider: Sendable, Hashable, Codable {
    /// The provider's name in the plan.
    public var name: String
    /// The plan key of its kind (`rfc2136`), under which an adapter registers it.
    public var kind: String
    /// What the plan wrote under the kind's key, for the kind to read.
    public var settings: PlanNode
    /// Where it was declared.
    public var location: SourceLocation

    /// Creates a provider.
    public init(name: String, kind: String, settings: PlanNode, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.settings = settings
        self.location = location
    }

    /// Where the settings are in the plan, as messages name them: `dns.providers.NAME.KIND`.
    public var settingsPath: String { "dns.providers.\(name).\(kind)" }
}
