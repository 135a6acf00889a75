import MailMigCore
import MailMigIMAPStore
import MailMigRFC2136

extension AdapterRegistry {
    /// Every system this build speaks: the composition root, one registration line per adapter.
    static let standard: AdapterRegistry = {
        var registry = AdapterRegistry()
        IMAPMailStore.register(in: &registry.mail)
        RFC2136ZoneProvider.register(in: &registry.dns)
        return registry
    }()
}
