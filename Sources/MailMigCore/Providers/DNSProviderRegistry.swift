import Foundation

/// The DNS provider kinds this build can drive, by their plan key (`dns.providers.NAME.<kind>`).
///
/// The engine and the plan loader know no DNS protocol: the composition root registers one
/// `DNSProviderKind` per adapter (RFC 2136 today). The loader asks the registry which keys exist and
/// lets each kind read its settings, `mailmig schema` adds each kind's schema, and the workspace asks
/// it for the providers a plan declares.
public struct DNSProviderRegistry: Sendable {
    private var registered: [String: DNSProviderKind] = [:]

    /// An empty registry.
    public init() {}

    /// Registers `kind` under its plan key; a later registration of the same key replaces it.
    public mutating func register(_ kind: DNSProviderKind) {
        registered[kind.key] = kind
    }

    /// The plan keys registered, sorted.
    public var kinds: [String] { registered.keys.sorted() }

    /// Every registered kind, sorted by plan key.
    public var all: [DNSProviderKind] { kinds.compactMap { registered[$0] } }

    /// The kind registered under the plan key `key`, if any.
    public func kind(_ key: String) -> DNSProviderKind? { registered[key] }

    /// The providers a plan declares, by name; a provider whose kind this build does not know is left
    /// out, and using it fails with an error naming it (`Engine.plan`).
    public func providers(for plan: Plan, context: AdapterContext) -> [String: any DNSZoneProvider] {
        var providers: [String: any DNSZoneProvider] = [:]
        for (name, provider) in plan.dns.providers {
            if let made = registered[provider.kind]?.provider(for: provider, context: context) { providers[name] = made }
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
    /// Contact and calendar store kinds.
    public var collections: CollectionStoreRegistry

    /// A registry with the given parts.
    public init(dns: DNSProviderRegistry = DNSProviderRegistry(), mail: MailStoreRegistry = MailStoreRegistry(),
                collections: CollectionStoreRegistry = CollectionStoreRegistry()) {
        self.dns = dns
        self.mail = mail
        self.collections = collections
    }
}
