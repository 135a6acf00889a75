/// Plans the mail side: mailboxes to create and passes to run (`MailPlanner`).
struct MailResourcePlanner: ResourcePlanner {
    func plan(_ context: PlanningContext) async throws -> ExecutionPlan {
        let dnsStates = try DNSRecordState.recorded(in: context.store)
        let mail = try await MailPlanner(context: context.workspace.mail, store: context.store, dnsStates: dnsStates,
                                         refresh: context.refresh, checkInPass: context.checkInPass, now: context.now).makeSteps(filter: context.filter)
        return ExecutionPlan(steps: mail.steps, drift: [], blocked: mail.blocked, warnings: [])
    }
}
