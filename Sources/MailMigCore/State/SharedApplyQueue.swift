import Foundation

/// A state several processes share while one apply runs: the coordinator (`mailmig apply --workers`)
/// offers the apply's mail steps in a queue, and workers (`mailmig worker`, on this machine or others)
/// claim them with leases they renew while they work.
///
/// A claim is a lease: a worker that dies stops renewing it, and after `leaseSeconds` the step is
/// offered again and another worker takes it over; the mail pass then settles the dead worker's
/// pending chunk through the ledger, so nothing is copied twice. Lease times are the database's clock,
/// so the machines' clocks need not agree. Every call is one transaction.
public protocol SharedApplyQueue: AnyObject, Sendable {
    /// Opens the queue of an apply; only workers whose plan file has `planSHA256` join it. An older
    /// apply still open is closed: under the plan lock, its coordinator is gone.
    func openQueue(applyID: String, planSHA256: String, coordinator: WorkerIdentity) throws(StateError)

    /// Closes every open apply (the caller holds the plan lock, so their coordinators are gone): their
    /// workers claim nothing more from them and finish only what they hold.
    func closeAbandonedApplies() throws(StateError)

    /// Whether the apply was closed by `closeAbandonedApplies` (or a newer apply's queue), not by its
    /// own coordinator: its workers then wait for the newer apply.
    func wasAbandoned(applyID: String) throws(StateError) -> Bool

    /// Offers a step (its `PlannedStep` as JSON) to the workers.
    func offer(applyID: String, stepID: String, step: Data) throws(StateError)

    /// Claims the oldest offered step of the apply, or one whose lease ran out, for `leaseSeconds`;
    /// nil when none is free. Concurrent claims never return the same step (`FOR UPDATE SKIP LOCKED`),
    /// and never a step that a worker of an earlier apply still holds under a live lease: that worker
    /// is still copying the mailbox, and a second pass beside it would append the same messages.
    func claim(applyID: String, worker: WorkerIdentity, leaseSeconds: Int) throws(StateError) -> ClaimedStep?

    /// Renews every lease the worker holds on the apply and records that it is alive; returns the
    /// steps it still holds (a step missing from the answer was taken over).
    func renewLeases(applyID: String, worker: WorkerIdentity, leaseSeconds: Int) throws(StateError) -> Set<String>

    /// Records the outcome of a step the worker holds; false (and nothing recorded) when it no longer holds it.
    func settle(applyID: String, stepID: String, worker: String, outcome: QueuedOutcome) throws(StateError) -> Bool

    /// The outcomes of those of `stepIDs` that are settled, by step id.
    func settledSteps(applyID: String, stepIDs: [String]) throws(StateError) -> [String: QueuedOutcome]

    /// The open shared apply workers may join, if any.
    func openSharedApply() throws(StateError) -> SharedApply?

    /// Records that the coordinator is alive; workers stop claiming when it has been silent too long.
    func coordinatorHeartbeat(applyID: String) throws(StateError)

    /// Takes back every step of the apply that no worker has claimed; returns their ids. The apply
    /// was interrupted: those steps are not started, and the next apply plans them again.
    func withdraw(applyID: String) throws(StateError) -> [String]

    /// Closes the queue: workers finish what they hold and leave.
    func closeQueue(applyID: String) throws(StateError)

    /// The worker of another apply than `applyID` that still holds `stepID` under a live lease, if
    /// any: a worker of an apply whose coordinator died, finishing the mailbox it had claimed.
    func holder(of stepID: String, otherThan applyID: String) throws(StateError) -> StepHolder?

    /// The workers seen on the apply, with the steps each settled.
    func workers(applyID: String) throws(StateError) -> [WorkerRecord]
}

/// Who a worker is, as the queue and the messages show it.
public struct WorkerIdentity: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Unique per process: `host:pid:random`.
    public var id: String
    /// The machine.
    public var host: String
    /// The process.
    public var pid: Int32

    /// This process.
    public static func current() -> WorkerIdentity {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        return WorkerIdentity(id: "\(host):\(pid):\(UUID().uuidString.prefix(8).lowercased())", host: host, pid: pid)
    }

    /// Creates an identity.
    public init(id: String, host: String, pid: Int32) {
        self.id = id
        self.host = host
        self.pid = pid
    }

    /// `worker 4711 on mig-02`.
    public var description: String { "worker \(pid) on \(host)" }

    /// `mailmig apply (pid 4711 on mig-02)`: the same process as the coordinator of a shared apply.
    public var asCoordinator: String { "mailmig apply (pid \(pid) on \(host))" }
}

/// A worker holding a step under a lease.
public struct StepHolder: Sendable, Equatable {
    /// The worker.
    public var worker: WorkerIdentity
    /// Seconds its lease has still to run unless it renews it.
    public var leaseLeft: Double

    /// Creates a record.
    public init(worker: WorkerIdentity, leaseLeft: Double) {
        self.worker = worker
        self.leaseLeft = leaseLeft
    }
}

/// A step a worker claimed.
public struct ClaimedStep: Sendable {
    /// The step's id.
    public var stepID: String
    /// The `PlannedStep` as JSON.
    public var step: Data
    /// How many times it was claimed, this claim included (more than 1: taken over).
    public var attempt: Int

    /// Creates a claim.
    public init(stepID: String, step: Data, attempt: Int) {
        self.stepID = stepID
        self.step = step
        self.attempt = attempt
    }
}

/// What became of a step a worker ran.
public enum QueuedOutcome: Sendable, Equatable, Codable {
    /// Done, with warnings for the operator.
    case done(warnings: [String])
    /// Failed, with the sentence the operator reads.
    case failed(String)

    /// The apply report's outcome.
    public var outcome: ApplyReport.Outcome {
        switch self {
        case .done(let warnings): return .done(warnings: warnings)
        case .failed(let message): return .failed(message)
        }
    }
}

/// The open shared apply, as a worker sees it.
public struct SharedApply: Sendable, Equatable {
    /// The apply's id.
    public var applyID: String
    /// SHA-256 of the plan file the coordinator applies.
    public var planSHA256: String
    /// The coordinator, as `WorkerIdentity.asCoordinator` names it.
    public var coordinator: String
    /// Seconds since the coordinator's last heartbeat.
    public var coordinatorSilence: Double

    /// Creates a record.
    public init(applyID: String, planSHA256: String, coordinator: String, coordinatorSilence: Double) {
        self.applyID = applyID
        self.planSHA256 = planSHA256
        self.coordinator = coordinator
        self.coordinatorSilence = coordinatorSilence
    }
}

/// A worker seen on a shared apply.
public struct WorkerRecord: Sendable, Equatable {
    /// Its identity.
    public var worker: WorkerIdentity
    /// Seconds since it last renewed its leases.
    public var silence: Double
    /// Steps it settled.
    public var settled: Int

    /// Creates a record.
    public init(worker: WorkerIdentity, silence: Double, settled: Int) {
        self.worker = worker
        self.silence = silence
        self.settled = settled
    }
}
