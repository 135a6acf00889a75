import Foundation

/// Plans the DNS side: reads every managed RRset from its provider, then lets `DNSPlanner` compare
/// plan, state and live records under the cutover gates.
struct DNSResourcePlanner: ResourcePlanner {
    func plan(_ context: PlanningContext) async throws -> ExecutionPlan {
        let workspace = context.workspace
        let recorded = try DNSRecordState.recorded(in: context.store)
        var keys: [RRsetKey: String] = [:]
        for domain in workspace.plan.domains {
            guard let provider = domain.dnsProvider else { continue }
            for key in DNSPlanner.managedKeys(of: domain) { keys[key] = provider }
        }
        for state in recorded.values where keys[state.key] == nil { keys[state.key] = state.provider }
        var live: [RRsetKey: RRsetSnapshot?] = [:]
        for (key, providerName) in keys.sorted(by: { $0.key < $1.key }) {
            guard let provider = workspace.dnsProviders[providerName] else { throw ProviderError.undefined(providerName, key: key) }
            live[key] = .some(try await provider.read(key))
        }
        let facts = try CutoverGateFacts.read(from: context.store, plan: workspace.plan)
        let planner = DNSPlanner(plan: workspace.plan, recorded: recorded, live: live, facts: facts, now: context.now, force: context.force,
                                 syntax: workspace.dnsProviders.mapValues { $0 }, capabilities: workspace.dnsProviders.mapValues(\.capabilities))
        return try planner.makePlan()
    }
}

extension DNSRecordState {
    /// The recorded DNS RRsets by address.
    static func recorded(in store: StateStore) throws -> [String: DNSRecordState] {
        var result: [String: DNSRecordState] = [:]
        for record in try store.resources() where record.kind == DNSRecordState.kind {
            result[record.address] = try record.decode(DNSRecordState.self)
        }
        return result
    }
}

extension CutoverGateFacts {
    /// What the mail side has recorded: the stage every member of each batch has reached, and verification.
    static func read(from store: StateStore, plan: Plan) throws -> CutoverGateFacts {
        var facts = CutoverGateFacts()
        var reached: [String: Stage] = [:]
        for record in try store.resources(prefix: "mailbox.") where record.kind == MailboxRecord.kind {
            let mailbox = try record.decode(MailboxRecord.self)
            if let stage = mailbox.reached { reached[mailbox.source] = stage }
        }
        for batch in plan.batches {
            let stages = (plan.batchMembers[batch.name] ?? []).map { reached[$0.description] }
            guard !stages.isEmpty, !stages.contains(where: { $0 == nil }) else { continue }
            facts.batchStages[batch.name] = stages.compactMap { $0 }.min()
        }
        if let record = try store.resource("verification"), let result = try? record.decode(VerificationSummary.self) {
            facts.failedVerification = Set(result.failedDomains)
        }
        return facts
    }
}
