import MailMigAuthoritativeDNS
import MailMigCore

/// Settings of a DNS host mailmig cannot drive: what `dns.providers.NAME.manual` holds.
public struct ManualSettings: Sendable, Hashable {
    /// Servers whose answers decide whether the operator's records are set (`host` or `host:port`);
    /// when empty, the zone's authoritative servers found through the system's resolver.
    public var checkServers: [String]
    /// Seconds to wait for one answer.
    public var timeoutSeconds: Int

    /// The keys of `manual:`.
    static let keys = ["check_servers", "timeout"]

    /// Creates manual settings.
    public init(checkServers: [String], timeoutSeconds: Int) {
        self.checkServers = checkServers
        self.timeoutSeconds = timeoutSeconds
    }

    /// Reads `dns.providers.NAME.manual` at `path` (nothing written there is an empty mapping): the
    /// settings, and every finding at its `file:line:col`.
    public static func decode(_ node: PlanNode, path: String) -> (settings: ManualSettings?, diagnostics: [Diagnostic]) {
        var decoder = ManualSettingsDecoder()
        let settings = decoder.decode(node, path: path)
        return (settings, decoder.diagnostics.items)
    }
}

/// Reads the settings of a manual provider with the loader's wording.
struct ManualSettingsDecoder: PlanNodeDecoding {
    var diagnostics = DiagnosticBag()

    mutating func decode(_ node: PlanNode, path: String) -> ManualSettings? {
        if node.isNull { return ManualSettings(checkServers: [], timeoutSeconds: ZoneServerSettings.defaultTimeout) }
        guard let settings = fields(node, path: path, allowed: ManualSettings.keys) else { return nil }
        guard let checkServers = checkServers(in: settings), let timeout = timeoutSeconds(in: settings) else { return nil }
        return ManualSettings(checkServers: checkServers, timeoutSeconds: timeout)
    }
}
