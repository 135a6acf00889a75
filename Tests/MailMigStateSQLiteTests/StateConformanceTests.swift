import Foundation
import MailMigCore
import MailMigStateSQLite
import Testing
import TestSupport

/// The SQLite state passes the checks every state backend must pass, each in a fresh state folder.
@Suite("State backend conformance: SQLite")
struct StateConformanceTests {
    @Test(arguments: StateBackendConformance.allCases)
    func conformance(_ check: StateBackendConformance) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-conformance-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try check.run(on: SQLiteStateBackend(folder: root.appendingPathComponent(".mailmig")))
    }
}
