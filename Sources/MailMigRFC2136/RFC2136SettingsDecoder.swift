import MailMigAuthoritativeDNS
import MailMigCore

extension RFC2136Settings {
    /// Reads `dns.providers.NAME.rfc2136` at `path`: the settings when a provider can be made from
    /// them, and every finding at its `file:line:col`.
    public static func decode(_ node: PlanNode, path: String) -> (settings: RFC2136Settings?, diagnostics: [Diagnostic]) {
        var decoder = RFC2136SettingsDecoder()
        let settings = decoder.decode(node, path: path)
        return (settings, decoder.diagnostics.items)
    }
}

/// Reads the settings of an RFC 2136 provider from what the plan wrote, with the loader's wording.
struct RFC2136SettingsDecoder: PlanNodeDecoding {
    var diagnostics = DiagnosticBag()

    /// The keys of `rfc2136:`.
    static let keys = ["server", "key", "check_servers", "timeout"]

    mutating func decode(_ node: PlanNode, path: String) -> RFC2136Settings? {
        guard let settings = fields(node, path: path, allowed: Self.keys) else { return nil }
        let server = required(settings, "server").flatMap { hostPort($0, path: settings.path("server"), defaultPort: 53) }
        let key = required(settings, "key").flatMap { decodeTSIGKey($0, path: settings.path("key")) }
        let checkServers = checkServers(in: settings)
        let timeout = timeoutSeconds(in: settings)
        guard let server, let key, let checkServers, let timeout else { return nil }
        return RFC2136Settings(host: server.host, port: server.port, key: key, checkServers: checkServers, timeoutSeconds: timeout)
    }

    private mutating func decodeTSIGKey(_ node: PlanNode, path: String) -> TSIGKeySettings? {
        guard let fields = fields(node, path: path, allowed: ["name", "algorithm", "secret"]) else { return nil }
        let name = required(fields, "name").flatMap { nonEmptyString($0, path: fields.path("name")) }
        var algorithm = "hmac-sha256"
        if let node = fields["algorithm"], let text = string(node, path: fields.path("algorithm")) {
            if TSIGKeySettings.algorithms.contains(text) {
                algorithm = text
            } else {
                diagnostics.error(node.location, "unknown TSIG algorithm '\(text)' for \(fields.path("algorithm")); expected one of \(TSIGKeySettings.algorithms.joined(separator: ", "))")
            }
        }
        let secret = required(fields, "secret").flatMap { self.secret($0, path: fields.path("secret")) }
        guard let name, let secret else { return nil }
        return TSIGKeySettings(name: name, algorithm: algorithm, secret: secret)
    }
}
