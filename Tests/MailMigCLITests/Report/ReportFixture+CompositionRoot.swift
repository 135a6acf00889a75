import MailMigCLI
import MailMigCore
import TestSupport

extension ReportFixture {
    /// The fixture with its state in the backend the composition root gives the plan.
    convenience init() throws {
        try self.init(stateBackend: AdapterRegistry.stateBackend(forPlanAt:), dnsKinds: AdapterRegistry.standard.dns)
    }
}
