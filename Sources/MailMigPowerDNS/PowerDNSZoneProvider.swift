import Foundation
import MailMigAuthoritativeDNS
import MailMigCore
import MailMigDNS

/// A zone at a PowerDNS Authoritative server, changed through its HTTP API.
///
/// The API replaces an RRset without a condition (`PATCH` with `changetype: REPLACE`), so the DNS
/// step reads and checks before writing and reads back after (`readCheckWrite`). Reads go to the API,
/// which answers what the backend holds; `check_servers`, when given, must answer a change too.
public struct PowerDNSZoneProvider: PresentationFormatProvider {
    /// The provider's name in the plan.
    public let name: String
    let settings: PowerDNSSettings
    let baseDirectory: URL
    let environment: [String: String]
    let servers: ZoneServers
    let zones = LookupCache<String>()

    /// Creates a provider; the API key is read only when the API is called.
    public init(name: String, settings: PowerDNSSettings, baseDirectory: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.name = name
        self.settings = settings
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.servers = ZoneServers(provider: name, timeoutSeconds: settings.timeoutSeconds)
    }

    /// PATCH has no precondition: read, check, write, read back.
    public var capabilities: DNSProviderCapabilities { DNSProviderCapabilities(writes: .readCheckWrite) }

    public func read(_ key: RRsetKey) async throws -> RRsetSnapshot? {
        let api = try client()
        let zone = try await zoneID(for: key, api: api)
        let owner = key.fqdn + "."
        let rrsets = try await wrap(key) { () async throws(PowerDNSAPI.Failure) in try await api.rrsets(zone: zone, name: owner, type: key.type.rawValue) }
        guard let rrset = rrsets.first(where: { $0.name.lowercased() == owner.lowercased() && $0.type == key.type.rawValue }) else { return nil }
        let served = rrset.records.filter { !$0.disabled }
        guard !served.isEmpty else { return nil }
        var values: [String] = []
        for record in served {
            // The API prints values its own way (quoted TXT, trailing dots): compare them in the DNS library's form.
            values.append((try? PresentationFormat.normalize(record.content, type: key.type)) ?? record.content)
        }
        return RRsetSnapshot(ttl: rrset.ttl ?? 3_600, values: values)
    }

    public func write(_ change: DNSChange) async throws {
        let api = try client()
        let key = change.key
        let zone = try await zoneID(for: key, api: api)
        var rrset = PowerDNSAPI.RRset(name: key.fqdn + ".", type: key.type.rawValue, ttl: nil, changetype: "DELETE", records: [])
        if let desired = change.desired {
            rrset.changetype = "REPLACE"
            rrset.ttl = desired.ttl
            rrset.records = desired.values.map { PowerDNSAPI.Record(content: $0, disabled: false) }
        }
        try await wrap(key) { () async throws(PowerDNSAPI.Failure) in try await api.patch(zone: zone, [rrset]) }
    }

    public func waitUntilVisible(_ key: RRsetKey, _ snapshot: RRsetSnapshot?) async throws -> Bool {
        if settings.checkServers.isEmpty { return try await read(key) == snapshot }
        return try await servers.waitUntilAnswered(key, snapshot, servers: ZoneServers.servers(settings.checkServers),
                                                   seconds: max(5, settings.timeoutSeconds * 3))
    }

    /// The id of the most specific zone of the server that holds `key`'s owner name.
    private func zoneID(for key: RRsetKey, api: PowerDNSAPI) async throws -> String {
        if let known = await zones.value(for: key.fqdn) { return known }
        let listed = try await wrap(key) { () async throws(PowerDNSAPI.Failure) in try await api.zones() }
        let owner = key.fqdn.lowercased() + "."
        let containing = listed.filter { zone in
            let apex = zone.name.lowercased()
            return owner == apex || owner.hasSuffix("." + apex)
        }
        guard let zone = containing.max(by: { $0.name.count < $1.name.count }) else {
            let names = listed.map(\.name).sorted().prefix(10).joined(separator: ", ")
            throw ProviderError(.server("server \(settings.serverID) at the PowerDNS API \(settings.apiURL) has no zone holding \(key.fqdn) (it serves \(names.isEmpty ? "no zone" : names))"),
                                provider: name, key: key)
        }
        await zones.store(zone.id, for: key.fqdn)
        return zone.id
    }

    private func client() throws -> PowerDNSAPI {
        let key: String
        do {
            key = try settings.apiKey.resolve(baseDirectory: baseDirectory, environment: environment)
        } catch {
            throw ProviderError(.secret("the API key: \(error)"), provider: name, key: nil)
        }
        return PowerDNSAPI(settings: settings, apiKey: key, baseDirectory: baseDirectory)
    }

    private func wrap<T: Sendable>(_ key: RRsetKey, _ body: () async throws(PowerDNSAPI.Failure) -> T) async throws(ProviderError) -> T {
        do {
            return try await body()
        } catch {
            throw ProviderError(.server(error.description), provider: name, key: key)
        }
    }
}
