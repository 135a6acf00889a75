import MailMigCore

extension RFC2136ZoneProvider {
    /// The `rfc2136` kind: its settings decoder, its schema and its factory.
    public static let kind = DNSProviderKind(
        key: "rfc2136",
        schema: RFC2136Schema.json,
        decode: RFC2136Settings.decode,
        make: { name, settings, context in
            RFC2136ZoneProvider(name: name, settings: settings, baseDirectory: context.baseDirectory, environment: context.environment)
        }
    )

    /// Registers this kind under its plan key `rfc2136`: the one line the composition root adds.
    public static func register(in registry: inout DNSProviderRegistry) {
        registry.register(kind)
    }
}
