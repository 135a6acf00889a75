import MailMigCLI
import MailMigCore
import TestSupport

extension ReportFixture {
    /// The fixture with its state in the backend the composition root gives the plan.
    convenience init() throws {
        try self.init(stateBackend: { plan, path in try AdapterRegistry.stateBackend(for: plan, at: path) }, dnsKinds: AdapterRegistry.standard.dns)
    }
}
