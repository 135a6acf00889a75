import Foundation

/// One process working on a shared apply: it claims the mail steps the coordinator offers, runs each
/// with its journal, as a plain apply would, and settles it with its outcome.
///
/// It renews its leases every third of the lease time. It appends nothing once it could not renew
/// them for two thirds of it (`LeaseGuard`), and leaves a step it could not finish in time to be taken
/// over rather than settling it. It leaves when the coordinator closes the apply or when interrupted,
/// after finishing what it holds; and with `WorkerError.stateUnreachable` when the state has not
/// answered for a whole lease time (its steps are then another worker's, or the next apply's, to
/// finish). An apply replaced by a newer one, or whose coordinator has been silent for
/// `coordinatorTimeout`, is finished the same way, and the worker joins the next apply of the plan.
/// A step it still holds under an apply that was replaced is never offered to another worker before
/// it settles it or its lease runs out (`SharedApplyQueue.claim`).
public struct Worker: Sendable {
    let workspace: Workspace
    let store: StateStore
    let queue: any SharedApplyQueue
    let parallelism: Int
    let leaseSeconds: Int
    let identity: WorkerIdentity
    let faults: FaultInjection
    let cancellation: CancellationFlag
    let mailProgress: (any MailProgress)?

    /// Seconds without a heartbeat after which a coordinator counts as gone.
    public var coordinatorTimeout: Double = 120

    /// A worker over an open shared state.
    public init(workspace: Workspace, store: StateStore, parallelism: Int, leaseSeconds: Int, identity: WorkerIdentity = .current(),
                faults: FaultInjection = FaultInjection(), cancellation: CancellationFlag = CancellationFlag(),
                mailProgress: (any MailProgress)? = nil) throws(SharedApplyUnavailable) {
        guard let queue = store as? any SharedApplyQueue else { throw SharedApplyUnavailable(location: workspace.stateBackend.location) }
        self.workspace = workspace
        self.store = store
        self.queue = queue
        self.parallelism = max(1, parallelism)
        self.leaseSeconds = max(3, leaseSeconds)
        self.identity = identity
        self.faults = faults
        self.cancellation = cancellation
        self.mailProgress = mailProgress
    }

    /// Waits up to `waitSeconds` for a shared apply of this plan, works on it until it ends, and says
    /// what it did. When the apply is replaced by a newer one (its coordinator died and the operator
    /// started apply again), or its coordinator falls silent, the worker waits again, up to
    /// `waitSeconds`, and joins the next apply of the same plan; `notice` says so.
    public func run(waitSeconds: Double, observer: (any ExecutionObserver)? = nil,
                    notice: (@Sendable (String) -> Void)? = nil) async throws -> WorkerSummary {
        var apply = try await awaitApply(waitSeconds: waitSeconds, after: nil)
        var summary = WorkerSummary(applyID: apply.applyID)
        while true {
            let ending = try await work(on: apply, summary: &summary, observer: observer)
            if cancellation.isCancelled { return summary }
            switch ending {
            case .closed, .interrupted:
                return summary
            case .replaced:
                break
            case .coordinatorSilent(let seconds):
                notice?("\(apply.coordinator) has been silent for \(Int(seconds)) s; waiting up to \(Int(waitSeconds)) s for the next apply of this plan")
            }
            let next: SharedApply
            do {
                next = try await awaitApply(waitSeconds: waitSeconds, after: apply.applyID)
            } catch let error as WorkerError {
                if case .noApply = error { throw WorkerError.coordinatorGone(coordinator: apply.coordinator, summary: summary) }
                throw error
            }
            notice?("joining the newer apply of \(next.coordinator)")
            apply = next
            summary.applyID = apply.applyID
        }
    }

    /// Why the worker stopped working on one apply.
    private enum Ending {
        /// The coordinator closed it, or it is gone from the state.
        case closed
        /// Ctrl-C.
        case interrupted
        /// A newer apply of the plan is open, or about to open: the coordinator of this one died and
        /// another apply took the plan lock.
        case replaced
        /// The coordinator stopped beating without closing the apply.
        case coordinatorSilent(seconds: Double)
    }

    /// Claims and runs the apply's steps until it ends; counts what it did in `summary`.
    private func work(on apply: SharedApply, summary: inout WorkerSummary, observer: (any ExecutionObserver)?) async throws -> Ending {
        let lease = LeaseGuard(leaseSeconds: leaseSeconds)
        let context = StepContext(store: store, dnsProviders: [:], mail: workspace.mail, mailProgress: mailProgress, faults: faults,
                                  now: Date.init, lease: lease)
        let runner = StepRunner(store: store, context: context)
        let outage = StateOutage()
        _ = try queue.renewLeases(applyID: apply.applyID, worker: identity, leaseSeconds: leaseSeconds)
        let heartbeat = Heartbeat(every: Double(leaseSeconds) / 3, name: "mailmig lease renewal") { [queue, identity, leaseSeconds] in
            let askedAt = lease.now()
            do {
                _ = try queue.renewLeases(applyID: apply.applyID, worker: identity, leaseSeconds: leaseSeconds)
                lease.renewed(askedAt: askedAt)
                outage.clear()
            } catch {
                outage.record(error)
            }
        }
        defer { heartbeat.stop() }

        var unreachable: StateError?
        var ending: Ending?
        var counted = summary
        await withTaskGroup(of: Event.self) { group in
            var inFlight = 0
            var ticking = false
            while true {
                if unreachable == nil, lease.secondsSinceRenewal > Double(leaseSeconds), let failure = outage.current {
                    unreachable = failure
                    ending = .closed
                }
                while ending == nil, !cancellation.isCancelled, inFlight < parallelism, lease.isValid,
                      let claimed = try? queue.claim(applyID: apply.applyID, worker: identity, leaseSeconds: leaseSeconds) {
                    inFlight += 1
                    group.addTask { await self.work(on: claimed, applyID: apply.applyID, runner: runner, lease: lease, observer: observer) }
                }
                if ending == nil { ending = cancellation.isCancelled ? .interrupted : whetherOver(apply) }
                if ending != nil, inFlight == 0 { break }
                if !ticking {
                    ticking = true
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(500))
                        return .tick
                    }
                }
                guard let event = await group.next() else { break }
                switch event {
                case .tick:
                    ticking = false
                case .settled(let outcome, let takenOver):
                    inFlight -= 1
                    counted.count(outcome, takenOver: takenOver)
                }
            }
            group.cancelAll()
        }
        summary = counted
        if let unreachable {
            throw WorkerError.stateUnreachable(summary: summary, seconds: Int(lease.secondsSinceRenewal), failure: unreachable)
        }
        return ending ?? .closed
    }

    private enum Event: Sendable {
        case tick
        case settled(ApplyReport.Outcome?, takenOver: Bool)
    }

    /// Runs one claimed step and settles it; a step it no longer holds safely is left to be taken over.
    private func work(on claimed: ClaimedStep, applyID: String, runner: StepRunner, lease: LeaseGuard,
                      observer: (any ExecutionObserver)?) async -> Event {
        let step: PlannedStep
        do {
            step = try StateCoding.decoder.decode(PlannedStep.self, from: claimed.step)
        } catch {
            let outcome = QueuedOutcome.failed("\(identity) cannot read step \(claimed.stepID) (is it an older mailmig?): \(error)")
            _ = try? queue.settle(applyID: applyID, stepID: claimed.stepID, worker: identity.id, outcome: outcome)
            return .settled(outcome.outcome, takenOver: false)
        }
        observer?.stepStarted(step)
        let outcome = await runner.run(step, applyID: applyID)
        observer?.stepFinished(step, outcome)
        guard lease.isValid else { return .settled(nil, takenOver: claimed.attempt > 1) }
        let queued: QueuedOutcome
        switch outcome {
        case .done(let warnings): queued = .done(warnings: warnings)
        case .failed(let message): queued = .failed(message)
        case .waiting, .notStarted: queued = .failed("\(step.address): a step that waits for the operator cannot run on a worker")
        }
        let settled = (try? queue.settle(applyID: applyID, stepID: claimed.stepID, worker: identity.id, outcome: queued)) ?? false
        return .settled(settled ? outcome : nil, takenOver: claimed.attempt > 1)
    }

    /// Whether the apply is over for this worker, and why; nil while it goes on.
    private func whetherOver(_ apply: SharedApply) -> Ending? {
        do {
            // Closed under a dead coordinator by the apply that replaces it, which may still be planning.
            guard let open = try queue.openSharedApply() else { return try queue.wasAbandoned(applyID: apply.applyID) ? .replaced : .closed }
            if open.applyID != apply.applyID { return .replaced }
            return open.coordinatorSilence > coordinatorTimeout ? .coordinatorSilent(seconds: open.coordinatorSilence) : nil
        } catch {
            // The state cannot be read just now: the leases say whether to go on.
            return nil
        }
    }

    /// Polls for an open shared apply of this plan whose coordinator is alive (it beat within a lease
    /// time), other than `finished`.
    private func awaitApply(waitSeconds: Double, after finished: String?) async throws -> SharedApply {
        let deadline = Date().addingTimeInterval(waitSeconds)
        while true {
            if let open = try queue.openSharedApply(), open.applyID != finished,
               open.coordinatorSilence <= min(coordinatorTimeout, Double(leaseSeconds)) {
                guard open.planSHA256 == workspace.planSHA256 else {
                    throw WorkerError.planDiffers(coordinator: open.coordinator, plan: workspace.planPath)
                }
                return open
            }
            if cancellation.isCancelled || Date() >= deadline {
                throw WorkerError.noApply(location: workspace.stateBackend.location, waited: waitSeconds)
            }
            try await Task.sleep(for: .seconds(1))
        }
    }
}

/// What a worker did on one apply.
public struct WorkerSummary: Sendable, Equatable {
    /// The apply.
    public var applyID: String
    /// Steps it finished and settled.
    public var done = 0
    /// Steps that failed.
    public var failed = 0
    /// Steps it took over from a worker that stopped renewing its lease.
    public var takenOver = 0
    /// Steps it could not settle because its lease ran out; another worker takes them over.
    public var leftToOthers = 0

    mutating func count(_ outcome: ApplyReport.Outcome?, takenOver: Bool) {
        if takenOver { self.takenOver += 1 }
        switch outcome {
        case .done?: done += 1
        case .failed?: failed += 1
        case nil: leftToOthers += 1
        default: break
        }
    }

    /// `Worker: 12 steps done, 1 failed, 2 taken over from a stopped worker`.
    public var line: String {
        var line = "Worker: \(done) step\(done == 1 ? "" : "s") done, \(failed) failed"
        if takenOver > 0 { line += ", \(takenOver) taken over from a stopped worker" }
        if leftToOthers > 0 { line += ", \(leftToOthers) left to other workers (lease lost)" }
        return line
    }
}

/// Why a worker could not join.
public enum WorkerError: Error, Sendable, CustomStringConvertible {
    /// No shared apply opened within the wait.
    case noApply(location: String, waited: Double)
    /// The apply runs a different plan file.
    case planDiffers(coordinator: String, plan: String)
    /// The state did not answer for a whole lease time, so the worker left what it held to others.
    case stateUnreachable(summary: WorkerSummary, seconds: Int, failure: StateError)
    /// The coordinator fell silent without closing its apply, and no newer apply started within the wait.
    case coordinatorGone(coordinator: String, summary: WorkerSummary)

    /// One sentence.
    public var description: String {
        switch self {
        case .noApply(let location, let waited):
            return "no shared apply of this plan started at \(location) within \(Int(waited)) s; start one with mailmig apply --workers N"
        case .planDiffers(let coordinator, let plan):
            return "\(coordinator) uses a different version of \(plan); give every worker the same plan file"
        case .stateUnreachable(let summary, let seconds, let failure):
            return "this worker stopped: \(failure) (no answer for \(seconds) s, longer than its lease); "
                + "its steps go to other workers or the next apply. \(summary.line)"
        case .coordinatorGone(let coordinator, let summary):
            return "\(coordinator) stopped without ending its apply, and no new apply of this plan started; "
                + "run mailmig apply again (with --workers) and start this worker again. \(summary.line)"
        }
    }
}
