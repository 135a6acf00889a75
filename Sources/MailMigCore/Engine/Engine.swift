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
    /// With `checkInPass`, a mailbox already brought to its stage gets a pass that checks for new mail
    /// itself and ends without copying when nothing arrived (`PlanningContext.checkInPass`): for an
    /// apply that runs the plan at once.
    public func plan(force: Bool = false, filter: ResourceFilter = ResourceFilter(), refresh: Bool = true,
                     checkInPass: Bool = false) async throws -> ExecutionPlan {
        var context = PlanningContext(workspace: workspace, store: store, force: force, filter: filter, refresh: refresh, now: now())
        context.checkInPass = checkInPass
        var result = ExecutionPlan.empty
        for planner in ResourcePlanners.all {
            let part = try await planner.plan(context)
            result.steps += part.steps
            result.drift += part.drift
            result.blocked += part.blocked
            result.warnings += part.warnings
        }
        result = filter.apply(to: result)
        if filter.isActive {
            result.warnings.append("only part of the plan is considered (--target/--exclude); the state may not match the plan afterwards")
        }
        return result
    }

    /// Runs a plan's steps.
    public func apply(_ plan: ExecutionPlan, operation: String = "apply", parallelism: Int = 4,
                      cancellation: CancellationFlag = CancellationFlag(), observer: (any ExecutionObserver)? = nil,
                      mailProgress: (any MailProgress)? = nil, operatorPrompt: (any OperatorPrompt)? = nil) async -> ApplyReport {
        let executor = Executor(store: store, dnsProviders: workspace.dnsProviders, mail: workspace.mail, mailProgress: mailProgress,
                                cancellation: cancellation, parallelism: parallelism, now: now, operatorPrompt: operatorPrompt,
                                budgets: ErrorBudgets(plan: workspace.plan))
        return await executor.run(plan, applyID: UUID().uuidString.lowercased(), operation: operation, observer: observer)
    }

    /// The recorded DNS RRsets by address.
    public func recordedDNS() throws -> [String: DNSRecordState] { try DNSRecordState.recorded(in: store) }
}

/// The outcome of the last `mailmig verify` (resource `verification`).
public struct VerificationSummary: Sendable, Codable, Equatable {
    /// When it ran.
    public var at: Date
    /// Domains with at least one mailbox that did not verify.
    public var failedDomains: [String]
}
