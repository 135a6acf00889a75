import Foundation
import MailMigCore
import MailMigCLI
import MailMigStatePostgres
import MailMigStateSQLite
import Testing
import TestSupport

/// `mailmig state push|pull` moves a whole state between SQLite and PostgreSQL: every row of every
/// table arrives, in order, with its serials, and a second copy into a state that is not empty is refused.
@Suite("State: moving a state between SQLite and PostgreSQL", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct StateTransferTests {
    /// Every row of every table but the schema version, as each state exports it.
    static func rows(of state: any StateTransfer) throws -> [String: [[StateValue]]] {
        var tables: [String: [[StateValue]]] = [:]
        for table in StateTable.all {
            var rows = try state.exportRows(of: table, offset: 0, limit: 1_000_000)
            if table.name == "meta" { rows.removeAll { $0.first == .text("schema_version") } }
            // Times travel at the precision both keep (SQLite: milliseconds).
            tables[table.name] = rows.map { row in
                row.map { value in
                    if case .date(let date) = value { return .date(Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000).rounded() / 1_000)) }
                    return value
                }
            }
        }
        return tables
    }

    @Test("SQLite → PostgreSQL → SQLite: the same rows in every table; a second push into the same schema is refused")
    func roundTrip() throws {
        let fixture = try ReportFixture(stateBackend: { _, path in SQLiteStateBackend(folder: Workspace.stateFolder(forPlanAt: path)) },
                                        dnsKinds: AdapterRegistry.standard.dns)
        // A journal entry, and a chunk left pending, beside what the fixture records.
        try fixture.store.journalPending(applyID: "apply-1", stepID: "mail:alice", address: "mailbox.alice@acme.test", step: Data("{}".utf8))
        try fixture.store.journalFinish(applyID: "apply-1", stepID: "mail:alice", status: StepStatus.failed, error: "NO [OVERQUOTA] \u{2603}")
        try fixture.store.recordPendingCopies([LedgerEntry(mailbox: "carol@acme.test", folder: "INBOX", uidValidity: 5, uid: .name("0000002a0000007b"),
                                                           messageID: nil, size: 12, internalDate: "01-Feb-2026 10:00:00 +0000",
                                                           sha256: String(repeating: "b", count: 64), flags: [], targetFolder: "INBOX",
                                                           targetUIDValidity: nil, targetUID: nil)])
        try fixture.store.recordTargetRewrites([TargetRewrite(mailbox: "alice@acme.test", folder: "INBOX", uidValidity: 11, uid: 1,
                                                              attribute: .internalDate, sent: "01-Feb-2026 10:00:00 +0000",
                                                              stored: "01-Feb-2026 11:00:00 +0100")])
        try fixture.store.recordItems([ItemLedgerEntry(mailbox: "alice@acme.test", collection: "/alice/calendar/", href: "/alice/calendar/e1.ics",
                                                       kind: .calendars, uid: "e1", sourceETag: "\"s\"", targetCollection: "/alice/calendar/",
                                                       targetHref: "/alice/calendar/e1.ics", targetETag: "\"t\"", pending: false,
                                                       updatedAt: Date(timeIntervalSince1970: 1_780_000_000))])
        let original = try #require(fixture.store as? any StateTransfer)
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let postgres = try #require(try schema.backend().open() as? any StateTransfer)

        let pushed = try StateCopy.copy(from: original, to: postgres, destinationName: "postgres")
        #expect(pushed.first { $0.table == "ledger" }?.rows == ReportFixture.ledger.count)
        let expected = try Self.rows(of: original)
        for table in StateTable.all { #expect(expected[table.name]?.isEmpty == false, "no \(table.name) row to move") }
        #expect(try Self.rows(of: postgres) == expected)
        #expect(try (postgres as! any StateStore).meta().serial == (fixture.store.meta().serial))
        #expect(try (postgres as! any StateStore).meta().lineage == (fixture.store.meta().lineage))

        #expect(throws: StateTransferError.self) { try StateCopy.copy(from: original, to: postgres, destinationName: "postgres") }

        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let back = try #require(try SQLiteStateBackend(folder: folder).open() as? any StateTransfer)
        _ = try StateCopy.copy(from: postgres, to: back, destinationName: folder.path)
        #expect(try Self.rows(of: back) == expected)
    }
}
