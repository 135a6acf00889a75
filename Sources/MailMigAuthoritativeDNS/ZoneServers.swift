import Foundation
import MailMigCore
import MailMigDNS

/// Asks a zone's servers for RRsets over the DNS protocol: what a provider reads when it has no API
/// of its own to read from, and how every provider checks that a change is answered everywhere.
public struct ZoneServers: Sendable {
    /// The provider's name in the plan, for errors.
    public let provider: String
    let client: DNSClient

    /// Servers asked with `timeoutSeconds` for all of a query's attempts together.
    public init(provider: String, timeoutSeconds: Int) {
        self.provider = provider
        self.client = DNSClient(timeout: .seconds(max(1, timeoutSeconds) / 3 + 1), attempts: 3)
    }

    /// `host` or `host:port` entries of a plan's `check_servers` (port 53 when absent).
    public static func servers(_ entries: [String]) -> [DNSServer] {
        entries.map { entry in
            let parts = entry.split(separator: ":")
            if parts.count == 2, let port = Int(parts[1]) { return DNSServer(host: String(parts[0]), port: port) }
            return DNSServer(host: entry, port: 53)
        }
    }

    /// The owner name of `key` as the DNS library names it.
    public func owner(_ key: RRsetKey) throws(ProviderError) -> DNSName {
        do {
            return try DNSName(key.fqdn)
        } catch {
            throw ProviderError(.invalidValue("'\(key.fqdn)' is not a valid DNS name"), provider: provider, key: key)
        }
    }

    /// The RRset `server` answers for `key` (`nil`: none); throws when it does not answer or answers
    /// neither NOERROR nor NXDOMAIN.
    public func read(_ key: RRsetKey, at server: DNSServer) async throws -> RRsetSnapshot? {
        let name = try owner(key)
        let result: DNSQueryResult
        do {
            result = try await client.query(name, type: PresentationFormat.wireType(key.type), server: server)
        } catch let error as DNSError {
            throw ProviderError(.server(error.description), provider: provider, key: key)
        }
        guard result.rcode == .noError || result.rcode == .nameError else {
            throw ProviderError(.server("the server \(server) answered \(result.rcode) to a query for \(key)"), provider: provider, key: key)
        }
        return PresentationFormat.snapshot(result.rrset)
    }

    /// Waits until every server in `servers` answers `snapshot` for `key` (`nil`: no records), asking
    /// every half second for at most `seconds`; `false` if one still did not by then.
    public func waitUntilAnswered(_ key: RRsetKey, _ snapshot: RRsetSnapshot?, servers: [DNSServer], seconds: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var pending = Set(servers)
        while !pending.isEmpty {
            for server in pending where (try? await read(key, at: server)) == .some(snapshot) {
                pending.remove(server)
            }
            if pending.isEmpty { break }
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(500))
        }
        return true
    }

    /// The authoritative servers of the zone holding `domain`, found through the recursive resolver
    /// `resolver` from the zone's NS records and their addresses, asked on `port` (53 but in tests).
    public func authoritativeServers(of domain: String, resolver: DNSServer, port: Int = 53) async throws -> [DNSServer] {
        var recursive = client
        recursive.recursionDesired = true
        let key = RRsetKey(domain: domain, owner: "@", type: .NS)
        do {
            let authority = try await recursive.findAuthority(for: try owner(key), server: resolver)
            let servers = authority.servers(port: port)
            guard !servers.isEmpty else {
                throw ProviderError(.server("the resolver \(resolver) knows no address of a name server of \(authority.zone); list the zone's servers in check_servers"),
                                    provider: provider, key: nil)
            }
            return servers
        } catch let error as DNSError {
            throw ProviderError(.server("finding the name servers of \(domain): \(error.description); list the zone's servers in check_servers"), provider: provider, key: nil)
        }
    }

    /// The first `nameserver` of `/etc/resolv.conf`, or 127.0.0.1.
    public static func systemResolver(resolvConf: String = "/etc/resolv.conf") -> DNSServer {
        let text = (try? String(contentsOfFile: resolvConf, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, fields[0] == "nameserver" { return DNSServer(host: String(fields[1]), port: 53) }
        }
        return DNSServer(host: "127.0.0.1", port: 53)
    }
}
