import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigCLI
import TestSupport

@Suite("Report: every format")
struct ReportFormatTests {
    @Test("the report of an empty state renders in every format")
    func emptyState() throws {
        let fixture = try ReportFixture()
        let planPath = fixture.folder.appendingPathComponent("empty/mailmig.yaml").path
        let store = try AdapterRegistry.stateBackend(for: fixture.plan, at: planPath).open()
        let report = try ReportBuilder(plan: fixture.plan, store: store, now: fixture.now).closeout()
        for format in ReportFormat.allCases { #expect(!format.render(report).isEmpty, "\(format) is empty") }
    }
}
