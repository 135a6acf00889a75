import MailMigAuthoritativeDNS
import MailMigCore
import MailMigDNS

/// A DNS host mailmig cannot drive (a registrar's web form, a provider without an API): the operator
/// sets the records from the checklist an apply prints, and mailmig reads them at the zone's servers.
///
/// Reading asks the first check server (or the zone's first authoritative server); a change counts
/// as made once every one of them answers it.
public struct ManualZoneProvider: PresentationFormatProvider {
    /// The provider's name in the plan.
    public let name: String
    let settings: ManualSettings
    let servers: ZoneServers
    let resolver: DNSServer
    let nameServerPort: Int
    let found = LookupCache<[DNSServer]>()

    /// Creates a provider; `resolver` finds the zone's servers when the plan lists none, and they are
    /// asked on `nameServerPort`.
    public init(name: String, settings: ManualSettings, resolver: DNSServer = ZoneServers.systemResolver(), nameServerPort: Int = 53) {
        self.name = name
        self.settings = settings
        self.servers = ZoneServers(provider: name, timeoutSeconds: settings.timeoutSeconds)
        self.resolver = resolver
        self.nameServerPort = nameServerPort
    }

    /// Nothing is written by mailmig: the operator sets the records.
    public var capabilities: DNSProviderCapabilities { DNSProviderCapabilities(writes: .byOperator) }

    public func read(_ key: RRsetKey) async throws -> RRsetSnapshot? {
        let checked = try await checkServers(for: key)
        var lastError: (any Error)?
        // The first server that answers decides; the others are asked only when it does not.
        for server in checked {
            do {
                return try await servers.read(key, at: server)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ProviderError(.server("no server to ask"), provider: name, key: key)
    }

    public func write(_ change: DNSChange) async throws {
        throw ProviderError(.unsupported("mailmig cannot write to this DNS host; the operator sets the records"), provider: name, key: change.key)
    }

    public func waitUntilVisible(_ key: RRsetKey, _ snapshot: RRsetSnapshot?) async throws -> Bool {
        try await servers.waitUntilAnswered(key, snapshot, servers: try await checkServers(for: key), seconds: max(5, settings.timeoutSeconds))
    }

    private func checkServers(for key: RRsetKey) async throws -> [DNSServer] {
        if !settings.checkServers.isEmpty { return ZoneServers.servers(settings.checkServers) }
        if let known = await found.value(for: key.domain) { return known }
        let authoritative = try await servers.authoritativeServers(of: key.domain, resolver: resolver, port: nameServerPort)
        await found.store(authoritative, for: key.domain)
        return authoritative
    }
}
