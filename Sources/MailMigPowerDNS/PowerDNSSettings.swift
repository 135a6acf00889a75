import MailMigAuthoritativeDNS
import MailMigCore

/// Settings of a PowerDNS Authoritative server's HTTP API: what `dns.providers.NAME.powerdns` holds.
public struct PowerDNSSettings: Sendable, Hashable {
    /// The API's base address (`http://127.0.0.1:8081`), without `/api/v1`.
    public var apiURL: String
    /// The API key (`X-API-Key`), by reference.
    public var apiKey: SecretReference
    /// The server id in API paths (`localhost` for the server answering).
    public var serverID: String
    /// Servers asked to confirm that changes are answered (`host` or `host:port`); when empty the
    /// API itself is read back.
    public var checkServers: [String]
    /// Seconds to wait for one answer.
    public var timeoutSeconds: Int
    /// A CA certificate (PEM) to trust for an `https` API, relative to the plan file's folder.
    public var caFile: String?

    /// The keys of `powerdns:`.
    static let keys = ["api_url", "api_key", "server_id", "check_servers", "timeout", "ca_file"]

    /// Creates PowerDNS settings.
    public init(apiURL: String, apiKey: SecretReference, serverID: String = "localhost", checkServers: [String] = [],
                timeoutSeconds: Int = 10, caFile: String? = nil) {
        self.apiURL = apiURL
        self.apiKey = apiKey
        self.serverID = serverID
        self.checkServers = checkServers
        self.timeoutSeconds = timeoutSeconds
        self.caFile = caFile
    }

    /// Reads `dns.providers.NAME.powerdns` at `path`: the settings when a provider can be made from
    /// them, and every finding at its `file:line:col`.
    public static func decode(_ node: PlanNode, path: String) -> (settings: PowerDNSSettings?, diagnostics: [Diagnostic]) {
        var decoder = PowerDNSSettingsDecoder()
        let settings = decoder.decode(node, path: path)
        return (settings, decoder.diagnostics.items)
    }
}

/// Reads the settings of a PowerDNS provider with the loader's wording.
struct PowerDNSSettingsDecoder: PlanNodeDecoding {
    var diagnostics = DiagnosticBag()

    mutating func decode(_ node: PlanNode, path: String) -> PowerDNSSettings? {
        guard let settings = fields(node, path: path, allowed: PowerDNSSettings.keys) else { return nil }
        var valid = true
        var apiURL: String?
        if let node = required(settings, "api_url"), let text = nonEmptyString(node, path: settings.path("api_url")) {
            let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
            if (trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://")), !trimmed.hasSuffix("/api/v1"), trimmed.split(separator: "/").count >= 2 {
                apiURL = trimmed
            } else if trimmed.hasSuffix("/api/v1") {
                diagnostics.error(node.location, "\(settings.path("api_url")) is the server's address without /api/v1, like http://127.0.0.1:8081; found '\(text)'")
            } else {
                diagnostics.error(node.location, "\(settings.path("api_url")) must be an http:// or https:// address like http://127.0.0.1:8081, found '\(text)'")
            }
        }
        if let apiURL, apiURL.hasPrefix("http://"), !Self.isLoopback(apiURL) {
            diagnostics.warning(settings.keyLocation("api_url"), "\(settings.path("api_url")) is plain http to another machine: the API key crosses the network unencrypted; use https://")
        }
        let apiKey = required(settings, "api_key").flatMap { secret($0, path: settings.path("api_key")) }
        var serverID = "localhost"
        if let node = settings["server_id"], let text = nonEmptyString(node, path: settings.path("server_id")) { serverID = text }
        let checkServers = checkServers(in: settings)
        let timeout = timeoutSeconds(in: settings)
        let caFile = settings["ca_file"].flatMap { nonEmptyString($0, path: settings.path("ca_file")) }
        if caFile != nil, let apiURL, apiURL.hasPrefix("http://") {
            diagnostics.error(settings.keyLocation("ca_file"), "\(settings.path("ca_file")) is for an https:// api_url; \(apiURL) is plain http")
            valid = false
        }
        guard valid, let apiURL, let apiKey, let checkServers, let timeout else { return nil }
        return PowerDNSSettings(apiURL: apiURL, apiKey: apiKey, serverID: serverID, checkServers: checkServers, timeoutSeconds: timeout, caFile: caFile)
    }

    /// Whether the address's host is this machine.
    static func isLoopback(_ url: String) -> Bool {
        let rest = url.drop(while: { $0 != "/" }).dropFirst(2)
        let authority = rest.prefix(while: { $0 != "/" })
        let host = authority.hasPrefix("[") ? String(authority.dropFirst().prefix(while: { $0 != "]" })) : String(authority.prefix(while: { $0 != ":" }))
        return LoopbackHost.contains(host)
    }
}
