import MailMigCore

/// A DNS provider kind that exists only in the tests: `dns.providers.NAME.fake: { endpoint, zones }`.
///
/// It brings its own settings decoder, schema and factory, as an adapter does, so the tests prove that
/// the loader reads a kind it was never told about.
enum TestDNSKind {
    /// What `fake:` holds.
    struct Settings: Equatable {
        var endpoint: String
        var zones: Int
        var token: SecretReference?
    }

    /// The settings decoder, with the loader's wording and positions.
    struct Decoder: PlanNodeDecoding {
        var diagnostics = DiagnosticBag()

        mutating func decode(_ node: PlanNode, path: String) -> Settings? {
            guard let fields = fields(node, path: path, allowed: ["endpoint", "zones", "token"]) else { return nil }
            let endpoint = required(fields, "endpoint").flatMap { nonEmptyString($0, path: fields.path("endpoint")) }
            let zones = required(fields, "zones").flatMap { int($0, path: fields.path("zones"), range: 1...10) }
            let token = fields["token"].flatMap { secret($0, path: fields.path("token")) }
            if let endpoint, !endpoint.hasPrefix("https://") {
                diagnostics.error(fields["endpoint"]?.location ?? node.location, "\(fields.path("endpoint")) must start with https://, found '\(endpoint)'")
                return nil
            }
            guard let endpoint, let zones else { return nil }
            return Settings(endpoint: endpoint, zones: zones, token: token)
        }
    }

    /// A provider that remembers the settings it was made from.
    struct Provider: DNSZoneProvider {
        let name: String
        let settings: Settings
        var capabilities: DNSProviderCapabilities { DNSProviderCapabilities(writes: .compareAndSwap) }

        func read(_ key: RRsetKey) async throws -> RRsetSnapshot? { nil }
        func write(_ change: DNSChange) async throws {}
        func waitUntilVisible(_ key: RRsetKey, _ snapshot: RRsetSnapshot?) async throws -> Bool { true }
        func normalize(_ value: String, type: DNSRecordType) throws(ProviderError) -> String { value }
        func text(ofTXT value: String) -> String { value }
    }

    static let schema = """
        {
          "description": "A DNS system that exists only in the tests.",
          "type": "object",
          "additionalProperties": false,
          "required": ["endpoint", "zones"],
          "properties": {
            "endpoint": { "type": "string", "pattern": "^https://" },
            "zones": { "type": "integer", "minimum": 1, "maximum": 10 },
            "token": { "$ref": "#/$defs/secret" }
          }
        }
        """

    /// Reads `fake:` at `path`.
    @Sendable static func decode(_ node: PlanNode, path: String) -> (settings: Settings?, diagnostics: [Diagnostic]) {
        var decoder = Decoder()
        let settings = decoder.decode(node, path: path)
        return (settings, decoder.diagnostics.items)
    }

    /// Makes the provider named `name`.
    @Sendable static func make(_ name: String, _ settings: Settings, _ context: AdapterContext) -> any DNSZoneProvider {
        Provider(name: name, settings: settings)
    }

    /// The kind, as an adapter would declare it.
    static let kind = DNSProviderKind(key: "fake", schema: schema, decode: decode, make: make)
}
