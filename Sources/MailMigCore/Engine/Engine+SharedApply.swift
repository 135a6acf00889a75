import Foundation

extension Engine {
    /// Runs a plan's steps as a shared apply: mail steps are offered to workers (`mailmig worker`, and
    /// those `apply --workers` starts), DNS steps run here one at a time.
    ///
    /// At most `parallelism` mail steps are in flight across every worker, and never more than the
    /// source's or the target's `connections`: a pass holds one connection to each, so the plan's limits
    /// hold however many workers join. `opened` is called once the queue is open, with its apply id.
    /// Throws `SharedApplyUnavailable` when the state cannot be shared (the local SQLite state).
    public func applyShared(_ plan: ExecutionPlan, operation: String = "apply", parallelism: Int, leaseSeconds: Int,
                            cancellation: CancellationFlag = CancellationFlag(), observer: (any ExecutionObserver)? = nil,
                            operatorPrompt: (any OperatorPrompt)? = nil,
                            opened: @Sendable (RemoteSteps) -> Void = { _ in }) async throws -> ApplyReport {
        guard let queue = store as? any SharedApplyQueue else {
            throw SharedApplyUnavailable(location: workspace.stateBackend.location)
        }
        let applyID = UUID().uuidString.lowercased()
        let remote = try RemoteSteps(queue: queue, applyID: applyID, planSHA256: workspace.planSHA256, leaseSeconds: leaseSeconds)
        defer { remote.close() }
        opened(remote)
        let limit = min(parallelism, workspace.plan.source.connections, workspace.plan.target.connections)
        let executor = Executor(store: store, dnsProviders: workspace.dnsProviders, mail: workspace.mail, cancellation: cancellation,
                                parallelism: limit, now: now, operatorPrompt: operatorPrompt, budgets: ErrorBudgets(plan: workspace.plan),
                                remote: remote)
        return await executor.run(plan, applyID: applyID, operation: operation, observer: observer)
    }
}

/// `apply --workers` or `mailmig worker` over a state that only one process can use.
public struct SharedApplyUnavailable: Error, Sendable, CustomStringConvertible {
    /// Where the state is.
    public var location: String

    /// The error for the state at `location`.
    public init(location: String) {
        self.location = location
    }

    /// One sentence.
    public var description: String {
        "the state at \(location) belongs to one process; workers need a shared state: add state: { postgres: { url: env:MAILMIG_PG_URL } } to the plan"
    }
}
