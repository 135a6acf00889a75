import Foundation
import MailMigAuthoritativeDNS
import MailMigCore
import MailMigDNS

/// A DNS system reached by RFC 2136 dynamic updates signed with TSIG (BIND, Knot, PowerDNS, Windows DNS).
public struct RFC2136ZoneProvider: PresentationFormatProvider {
    /// The provider's name in the plan.
    public let name: String
    let settings: RFC2136Settings
    let baseDirectory: URL
    let environment: [String: String]
    let client: DNSClient
    let servers: ZoneServers
    let zones = LookupCache<DNSName>()

    /// Creates a provider; the TSIG secret is read only when an update is sent.
    public init(name: String, settings: RFC2136Settings, baseDirectory: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.name = name
        self.settings = settings
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.client = DNSClient(timeout: .seconds(max(1, settings.timeoutSeconds) / 3 + 1), attempts: 3)
        self.servers = ZoneServers(provider: name, timeoutSeconds: settings.timeoutSeconds)
    }

    /// Updates carry their own prerequisites (RFC 2136 §2.4): a change is a compare-and-swap.
    public var capabilities: DNSProviderCapabilities { DNSProviderCapabilities(writes: .compareAndSwap) }

    var primary: DNSServer { DNSServer(host: settings.host, port: settings.port) }

    public func read(_ key: RRsetKey) async throws -> RRsetSnapshot? {
        try await servers.read(key, at: primary)
    }

    public func write(_ change: DNSChange) async throws {
        let key = change.key
        let owner = try dnsName(key)
        let zone = try await zone(of: key, owner: owner)
        var update = DNSUpdate(zone: zone)
        do {
            let old = try change.expected.map { try PresentationFormat.rrset($0, name: owner, type: key.type) }
            if let desired = change.desired {
                update.replace(old, with: try PresentationFormat.rrset(desired, name: owner, type: key.type))
            } else if let old {
                update.requireExactly(old)
                update.deleteRRset(owner, type: old.type)
            } else {
                return
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError(.invalidValue("\(error)"), provider: name, key: key)
        }
        let tsig = try tsigKey()
        do {
            try await send(update, key: tsig, change: change, owner: owner)
        } catch let error as DNSError where Self.outcomeUnknown(error) {
            // The server may or may not have applied the update before the connection failed: look.
            let live = try await read(key)
            if live == change.desired { return }
            guard live == change.expected else {
                throw ProviderError(.changedSincePlanned(now: live), provider: name, key: key)
            }
            do {
                try await send(update, key: tsig, change: change, owner: owner)
            } catch let error as DNSError {
                throw ProviderError(.server(error.description), provider: name, key: key)
            }
        } catch let error as DNSError {
            throw ProviderError(.server(error.description), provider: name, key: key)
        }
    }

    /// Sends an update; a failed prerequisite becomes `changedSincePlanned` with what the server holds now.
    private func send(_ update: DNSUpdate, key tsig: TSIGKey, change: DNSChange, owner: DNSName) async throws {
        do {
            try await client.send(update, to: primary, key: tsig)
        } catch let error as DNSError {
            if case .prerequisiteFailed(_, let current) = error.kind {
                let now = current.first { $0.name == owner && $0.type == PresentationFormat.wireType(change.key.type) }
                throw ProviderError(.changedSincePlanned(now: PresentationFormat.snapshot(now)), provider: name, key: change.key)
            }
            throw error
        }
    }

    /// Failures after which the update may or may not have reached the zone.
    static func outcomeUnknown(_ error: DNSError) -> Bool {
        switch error.kind {
        case .connectionClosed, .timeout, .network: return true
        default: return false
        }
    }

    public func waitUntilVisible(_ key: RRsetKey, _ snapshot: RRsetSnapshot?) async throws -> Bool {
        let checked = Array(Set([primary] + ZoneServers.servers(settings.checkServers)))
        return try await servers.waitUntilAnswered(key, snapshot, servers: checked, seconds: max(5, settings.timeoutSeconds * 3))
    }

    private func zone(of key: RRsetKey, owner: DNSName) async throws -> DNSName {
        if let cached = await zones.value(for: key.domain) { return cached }
        let domain = try dnsName(RRsetKey(domain: key.domain, owner: "@", type: key.type))
        let authority = try await wrap(key) { try await client.findAuthority(for: domain, server: primary) }
        await zones.store(authority.zone, for: key.domain)
        return authority.zone
    }

    private func tsigKey() throws -> TSIGKey {
        let secret: String
        do {
            secret = try settings.key.secret.resolve(baseDirectory: baseDirectory, environment: environment)
        } catch {
            throw ProviderError(.secret("the TSIG key \(settings.key.name): \(error)"), provider: name, key: nil)
        }
        do {
            return try TSIGKey(name: settings.key.name, algorithm: TSIGAlgorithm(name: settings.key.algorithm), base64Secret: secret)
        } catch {
            throw ProviderError(.secret("the TSIG key \(settings.key.name) from \(settings.key.secret) is not valid base64"), provider: name, key: nil)
        }
    }

    private func dnsName(_ key: RRsetKey) throws -> DNSName {
        try servers.owner(key)
    }

    private func wrap<T: Sendable>(_ key: RRsetKey, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DNSError {
            throw ProviderError(.server(error.description), provider: name, key: key)
        }
    }
}
