import MailMigCore
import MailMigStateSQLite
import TestSupport

extension ReportFixture {
    /// The fixture with its state in SQLite, in the plan's state folder.
    convenience init() throws {
        try self.init(stateBackend: { SQLiteStateBackend(folder: Workspace.stateFolder(forPlanAt: $1)) }, dnsKinds: .rfc2136)
    }
}
