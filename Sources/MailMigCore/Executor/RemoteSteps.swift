import Foundation

/// The coordinator's side of a shared apply: offers mail steps to the workers through the state and
/// waits for their outcomes, which one polling task collects for every step in flight.
public final class RemoteSteps: Sendable {
    let queue: any SharedApplyQueue
    /// The apply whose queue this is.
    public let applyID: String
    /// How long a worker may stay silent before its claims are taken over.
    public let leaseSeconds: Int
    /// Set when the state fails under the apply; the executor then offers nothing more.
    public let outage = StateOutage()
    private let waiter: OutcomeWaiter
    private let heartbeat: Heartbeat

    /// Opens the queue of a new apply for the workers whose plan file has `planSHA256`.
    public init(queue: any SharedApplyQueue, applyID: String, planSHA256: String, leaseSeconds: Int,
                coordinator: WorkerIdentity = .current(), pollInterval: Duration = .milliseconds(200)) throws(StateError) {
        try queue.openQueue(applyID: applyID, planSHA256: planSHA256, coordinator: coordinator)
        self.queue = queue
        self.applyID = applyID
        self.leaseSeconds = leaseSeconds
        waiter = OutcomeWaiter(queue: queue, applyID: applyID, pollInterval: pollInterval, outage: outage,
                               patience: .seconds(max(1, leaseSeconds)))
        // Workers leave an apply whose coordinator has been silent too long; DNS steps may take minutes.
        heartbeat = Heartbeat(every: Double(max(1, leaseSeconds / 3)), name: "mailmig coordinator heartbeat") {
            try? queue.coordinatorHeartbeat(applyID: applyID)
        }
    }

    /// Offers the step and waits until a worker settles it.
    func run(_ step: PlannedStep) async -> ApplyReport.Outcome {
        do {
            try queue.offer(applyID: applyID, stepID: step.id, step: StateCoding.encoder.encode(step))
        } catch {
            outage.record(error)
            return .failed("cannot offer the step to the workers: \(error)")
        }
        return await waiter.wait(for: step.id)
    }

    /// Whether any worker renewed its leases within the lease time.
    public func hasLiveWorker() -> Bool {
        ((try? queue.workers(applyID: applyID)) ?? []).contains { $0.silence < Double(leaseSeconds) }
    }

    /// Ends every wait with a failure when no worker is alive to finish it (the workers died and none
    /// took their steps over); the steps stay offered in the state and the next apply plans them again.
    public func abandon(reason: String) async {
        await waiter.abandon(reason: reason)
    }

    /// Takes back the steps no worker has claimed yet (the operator interrupted the apply): their waits
    /// end as not started; steps a worker holds go on until it settles them.
    public func withdrawUnclaimed() async {
        guard let withdrawn = try? queue.withdraw(applyID: applyID), !withdrawn.isEmpty else { return }
        await waiter.end(withdrawn, with: .notStarted)
    }

    /// Closes the queue: the workers finish and leave.
    public func close() {
        heartbeat.stop()
        try? queue.closeQueue(applyID: applyID)
    }
}

/// Steps in flight and their continuations; one task polls the state for all of them.
///
/// When the state has not answered for `patience` (the lease time: by then no worker can have
/// renewed its leases either), every wait ends with the state's error instead of waiting for a
/// server that may never come back; the steps stay in the journal and the next apply settles them.
actor OutcomeWaiter {
    let queue: any SharedApplyQueue
    let applyID: String
    let pollInterval: Duration
    let outage: StateOutage
    let patience: Duration
    private var waiting: [String: CheckedContinuation<ApplyReport.Outcome, Never>] = [:]
    private var polling = false

    init(queue: any SharedApplyQueue, applyID: String, pollInterval: Duration, outage: StateOutage, patience: Duration) {
        self.queue = queue
        self.applyID = applyID
        self.pollInterval = pollInterval
        self.outage = outage
        self.patience = patience
    }

    func wait(for stepID: String) async -> ApplyReport.Outcome {
        await withCheckedContinuation { continuation in
            waiting[stepID] = continuation
            if !polling {
                polling = true
                Task { await self.poll() }
            }
        }
    }

    func end(_ stepIDs: [String], with outcome: ApplyReport.Outcome) {
        for stepID in stepIDs { waiting.removeValue(forKey: stepID)?.resume(returning: outcome) }
    }

    func abandon(reason: String) {
        for (_, continuation) in waiting { continuation.resume(returning: .failed(reason)) }
        waiting = [:]
    }

    private func poll() async {
        let clock = ContinuousClock()
        var failingSince: ContinuousClock.Instant?
        while !waiting.isEmpty {
            do {
                let settled = try queue.settledSteps(applyID: applyID, stepIDs: Array(waiting.keys))
                failingSince = nil
                for (stepID, outcome) in settled {
                    waiting.removeValue(forKey: stepID)?.resume(returning: outcome.outcome)
                }
            } catch {
                let since = failingSince ?? clock.now
                failingSince = since
                if clock.now - since >= patience {
                    outage.record(error)
                    let seconds = Int((clock.now - since).components.seconds)
                    abandon(reason: "no outcome from the workers: the state database did not answer for \(seconds) s; "
                                + "the next apply finds out from the journal what they did")
                }
            }
            guard !waiting.isEmpty else { break }
            try? await Task.sleep(for: pollInterval)
        }
        polling = false
    }
}
