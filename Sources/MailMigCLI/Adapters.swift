import Foundation
import MailMigCore
import MailMigDAVStore
import MailMigIMAPStore
import MailMigMaildirStore
import MailMigPOP3Store
import MailMigRFC2136
import MailMigPowerDNS
import MailMigManualDNS
import MailMigStatePostgres
import MailMigStateSQLite

extension AdapterRegistry {
    /// Every system this build speaks: the composition root, one registration line per adapter.
    package static let standard: AdapterRegistry = {
        var registry = AdapterRegistry()
        IMAPMailStore.register(in: &registry.mail)
        MaildirMailStore.register(in: &registry.mail)
        POP3MailStore.register(in: &registry.mail)
        DAVCollectionStore.register(in: &registry.collections)
        RFC2136ZoneProvider.register(in: &registry.dns)
        PowerDNSZoneProvider.register(in: &registry.dns)
        ManualZoneProvider.register(in: &registry.dns)
        return registry
    }()

    /// Where the state of `plan`, read from the file at `path`, lives: the one place the program chooses
    /// its storage. `state: local` is the SQLite file in `.mailmig/` next to the plan; `state: postgres`
    /// reads its URL secret here, so a missing one fails before anything is planned.
    package static func stateBackend(for plan: Plan, at path: String,
                                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any StateBackend {
        switch plan.state {
        case .local:
            return SQLiteStateBackend(folder: Workspace.stateFolder(forPlanAt: path))
        case .postgres(let settings):
            let url = try settings.url.resolve(baseDirectory: plan.baseDirectory, environment: environment)
            return try PostgresStateBackend(url: url, schema: settings.schema ?? PostgresStateSettings.defaultSchema(planName: plan.name))
        }
    }
}
