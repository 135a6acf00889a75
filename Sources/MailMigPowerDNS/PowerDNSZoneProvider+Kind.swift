import MailMigCore

extension PowerDNSZoneProvider {
    /// The `powerdns` kind: its settings decoder, its schema and its factory.
    public static let kind = DNSProviderKind(
        key: "powerdns",
        schema: PowerDNSSchema.json,
        decode: PowerDNSSettings.decode,
        make: { name, settings, context in
            PowerDNSZoneProvider(name: name, settings: settings, baseDirectory: context.baseDirectory, environment: context.environment)
        }
    )

    /// Registers this kind under its plan key `powerdns`: the one line the composition root adds.
    public static func register(in registry: inout DNSProviderRegistry) {
        registry.register(kind)
    }
}
