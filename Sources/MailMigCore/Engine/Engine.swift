import Foundation

/// Plan, apply and rollback over one workspace: the operations behind the CLI's commands.
public struct Engine: Sendable {
    /// The workspace.
    public let workspace: Workspace
    /// The state.
    public let store: StateStore
    let now: @Sendable () -> Date

    /// Creates an engine over an open state.
    public init(workspace: Workspace, store: StateStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.workspace = workspace
        self.store = store
        self.now = now
    }

    /// Settles steps a killed apply left pending; call under the lock.
    public func recover() async throws -> [String] {
        try await Recovery(store: store, dnsProviders: workspace.dnsProviders, now: now).run()
    }

    /// Reads the live systems and compares them with the plan and the state.
    ///
    /// With `refresh` false, mail is planned from the state alone (no server is asked about mailboxes).
    public func plan(force: Bool = false, filter: ResourceFilter = ResourceFilter(), refresh: Bool = true) async throws -> ExecutionPlan {
        let recorded = try recordedDNS()
        var keys: [RRsetKey: String] = [:]
        for domain in workspace.plan.domains {
            for key in DNSPlanner.managedKeys(of: domain) { keys[key] = domain.dnsProvider }
        }
        for state in recorded.values where keys[state.key] == nil { keys[state.key] = state.provider }
        var live: [RRsetKey: RRsetSnapshot?] = [:]
        for (key, providerName) in keys.sorted(by: { $0.key < $1.key }) {
            guard let provider = workspace.dnsProviders[providerName] else {
                throw ProviderError.undefined(providerName, key: key)
            }
            live[key] = .some(try await provider.read(key))
        }
        let planner = DNSPlanner(plan: workspace.plan, recorded: recorded, live: live, facts: try gateFacts(), now: now(), force: force,
                                 syntax: workspace.dnsProviders.mapValues { $0 })
        var result = try planner.makePlan()
        let mail = try await MailPlanner(context: workspace.mail, store: store, dnsStates: recorded, refresh: refresh, now: now())
            .makeSteps(filter: filter)
        result.steps += mail.steps
        result.blocked += mail.blocked
        result = filter.apply(to: result)
        if filter.isActive {
            result.warnings.append("only part of the plan is considered (--target/--exclude); the state may not match the plan afterwards")
        }
        return result
    }

    /// Runs a plan's steps.
    public func apply(_ plan: ExecutionPlan, operation: String = "apply", parallelism: Int = 4,
                      cancellation: CancellationFlag = CancellationFlag(), observer: (any ExecutionObserver)? = nil,
                      mailProgress: (any MailProgress)? = nil) async -> ApplyReport {
        let executor = Executor(store: store, dnsProviders: workspace.dnsProviders, mail: workspace.mail, mailProgress: mailProgress,
                                cancellation: cancellation, parallelism: parallelism, now: now)
        return await executor.run(plan, applyID: UUID().uuidString.lowercased(), operation: operation, observer: observer)
    }

    /// The recorded DNS RRsets by address.
    public func recordedDNS() throws -> [String: DNSRecordState] {
        var result: [String: DNSRecordState] = [:]
        for record in try store.resources() where record.kind == DNSRecordState.kind {
            result[record.address] = try record.decode(DNSRecordState.self)
        }
        return result
    }

    /// What the mail side has recorded: the stage every member of each batch has reached, and verification.
    func gateFacts() throws -> CutoverGateFacts {
        var facts = CutoverGateFacts()
        var reached: [String: Stage] = [:]
        for record in try store.resources(prefix: "mailbox.") where record.kind == MailboxRecord.kind {
            let mailbox = try record.decode(MailboxRecord.self)
            if let stage = mailbox.reached { reached[mailbox.source] = stage }
        }
        for batch in workspace.plan.batches {
            let stages = (workspace.plan.batchMembers[batch.name] ?? []).map { reached[$0.description] }
            guard !stages.isEmpty, !stages.contains(where: { $0 == nil }) else { continue }
            facts.batchStages[batch.name] = stages.compactMap { $0 }.min()
        }
        if let record = try store.resource("verification"), let result = try? record.decode(VerificationSummary.self) {
            facts.failedVerification = Set(result.failedDomains)
        }
        return facts
    }
}

/// The outcome of the last `mailmig verify` (resource `verification`).
public struct VerificationSummary: Sendable, Codable, Equatable {
    /// When it ran.
    public var at: Date
    /// Domains with at least one mailbox that did not verify.
    public var failedDomains: [String]
}
