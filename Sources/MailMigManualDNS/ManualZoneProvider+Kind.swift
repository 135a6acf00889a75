import MailMigCore

extension ManualZoneProvider {
    /// The `manual` kind: its settings decoder, its schema and its factory.
    public static let kind = DNSProviderKind(
        key: "manual",
        schema: ManualSchema.json,
        settingsOptional: true,
        decode: ManualSettings.decode,
        make: { name, settings, _ in ManualZoneProvider(name: name, settings: settings) }
    )

    /// Registers this kind under its plan key `manual`: the one line the composition root adds.
    public static func register(in registry: inout DNSProviderRegistry) {
        registry.register(kind)
    }
}
