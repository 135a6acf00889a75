import MailMigCore
import MailMigIMAPStore
import MailMigMaildirStore
import MailMigPOP3Store
import MailMigRFC2136
import MailMigPowerDNS
import MailMigManualDNS
import MailMigStateSQLite

extension AdapterRegistry {
    /// Every system this build speaks: the composition root, one registration line per adapter.
    package static let standard: AdapterRegistry = {
        var registry = AdapterRegistry()
        IMAPMailStore.register(in: &registry.mail)
        MaildirMailStore.register(in: &registry.mail)
        POP3MailStore.register(in: &registry.mail)
        RFC2136ZoneProvider.register(in: &registry.dns)
        PowerDNSZoneProvider.register(in: &registry.dns)
        ManualZoneProvider.register(in: &registry.dns)
        return registry
    }()

    /// Where the state of the plan at `plan` lives: the one place the program chooses its storage.
    package static func stateBackend(forPlanAt plan: String) -> any StateBackend {
        SQLiteStateBackend(folder: Workspace.stateFolder(forPlanAt: plan))
    }
}
