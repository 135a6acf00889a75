import MailMigCore
import MailMigRFC2136

extension DNSProviderRegistry {
    /// The DNS provider kinds the engine's tests load plans with: RFC 2136, as the standard build has it.
    static let rfc2136: DNSProviderRegistry = {
        var registry = DNSProviderRegistry()
        RFC2136ZoneProvider.register(in: &registry)
        return registry
    }()
}
