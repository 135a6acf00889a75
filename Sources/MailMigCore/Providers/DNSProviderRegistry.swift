import Foundation

/// The DNS provider kinds this build can drive, by their plan key (`dns.providers.NAME.<kind>`).
///
/// The engine knows no DNS protocol: the composition root registers one factory per kind (RFC 2136
/// today) and the workspace asks the registry for the providers a plan declares.
public struct DNSProviderRegistry: Sendable {
    /// Makes the provider a plan declares, from its settings and the plan's surroundings; nil when the
    /// settings are not of the factory's kind.
    public typealias Factory = @Sendable (_ provider: DNSProvider, _ context: AdapterContext) -> (any DNSZoneProvider)?

    private var factories: [String: Factory] = [:]

    /// An empty registry.
    public init() {}

    /// Registers `factory` for the plan key `kind`; a later registration of the same key replaces it.
    public mutating func register(_ kind: String, _ factory: @escaping Factory) {
        factories[kind] = factory
    }

    /// The plan keys registered, sorted.
    public var kinds: [String] { factories.keys.sorted() }

    /// The providers a plan declares, by name; a provider whose kind this build does not know is left
    /// out, and using it fails with an error naming it (`Engine.plan`).
    public func providers(for plan: Plan, context: AdapterContext) -> [String: any DNSZoneProvider] {
        var providers: [String: any DNSZoneProvider] = [:]
        for (name, provider) in plan.dns.providers {
            if let made = factories[provider.kind.key]?(provider, context) { providers[name] = made }
        }
        return providers
    }
}

/// What an adapter may need from the plan's surroundings: where relative paths start and where
/// secrets (`env:`) are read.
public struct AdapterContext: Sendable {
    /// The plan file's folder; relative paths in the plan (`file:`, `ca_file`) start here.
    public var baseDirectory: URL
    /// The environment `env:` secrets and commands are resolved in.
    public var environment: [String: String]

    /// Creates a context.
    public init(baseDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.baseDirectory = baseDirectory
        self.environment = environment
    }
}

/// Every adapter this build registers: the composition root fills it, the workspace uses it.
public struct AdapterRegistry: Sendable {
    /// DNS provider kinds.
    public var dns: DNSProviderRegistry
    /// Mail store kinds.
    public var mail: MailStoreRegistry

    /// A registry with the given parts.
    public init(dns: DNSProviderRegistry = DNSProviderRegistry(), mail: MailStoreRegistry = MailStoreRegistry()) {
        self.dns = dns
        self.mail = mail
    }
}
