import Foundation

/// A kind of change the engine can plan, run, settle after a crash and show: an RRset, a mailbox to
/// create, a mail pass — and any kind added later.
///
/// The executor, the recovery and the plan renderer know only this protocol; a kind is one type
/// conforming to it plus one line in `StepKinds.all`. Its payload is what a saved plan and the journal
/// keep of a step, under the kind's `name`.
public protocol StepKind: Sendable {
    /// What a step of this kind carries.
    associatedtype Payload: Codable & Sendable & Equatable

    /// The name its payload is saved under (`dns`, `provision`, `mailbox`); never changes once released.
    static var name: String { get }

    /// Runs the step; returns the state changes committed with it (in the transaction that marks it done)
    /// and warnings for the operator.
    static func perform(_ payload: Payload, step: PlannedStep, in context: StepContext) async throws -> StepResult

    /// Settles a step a killed apply left pending, by asking the outside world what happened.
    static func recover(_ payload: Payload, step: PlannedStep, in context: StepContext) async throws -> StepRecovery

    /// Lines shown under the step in `mailmig plan` (values removed and added, the command run, …).
    static func detail(_ payload: Payload) -> [String]

    /// Before and after in a few words, for the Markdown plan's table.
    static func beforeAfter(_ payload: Payload) -> (before: String, after: String)

    /// The kind's fields of the step's JSON line (`mailmig plan --json`).
    static func jsonFields(_ payload: Payload) -> [String: any Sendable]

    /// The source mailbox the step works on, if any: its failure is charged to the error budget of
    /// that mailbox's batch instead of stopping the apply.
    static func mailbox(_ payload: Payload) -> String?
}

extension StepKind {
    /// Steps of kinds that work on no one mailbox (DNS) are charged to no batch.
    public static func mailbox(_ payload: Payload) -> String? { nil }
}

/// What a step did: state changes to commit with it, and warnings.
public struct StepResult: Sendable {
    /// Changes committed in the transaction that marks the step done.
    public var changes: [ResourceChange]
    /// Things the operator should know.
    public var warnings: [String]

    /// Creates a result.
    public init(changes: [ResourceChange], warnings: [String] = []) {
        self.changes = changes
        self.warnings = warnings
    }
}

/// How a step a killed apply left pending was settled.
public enum StepRecovery: Sendable {
    /// It had taken effect: record it as done with these changes.
    case done(changes: [ResourceChange], note: String)
    /// It had not, or cannot be known: mark it failed with this error; the next plan plans it again.
    case failed(error: String, note: String)
    /// It cannot be settled now (e.g. its provider left the plan): leave it pending.
    case leftPending(note: String)
}

/// Everything a step needs from the run: the state, the systems, the run's clock and observers.
public struct StepContext: Sendable {
    /// The state.
    public let store: StateStore
    /// DNS providers by name.
    public let dnsProviders: [String: any DNSZoneProvider]
    /// The mail stores and the plan, when the run has them.
    public let mail: MailContext?
    /// Receives mail progress.
    public let mailProgress: (any MailProgress)?
    /// Crash points for resilience tests.
    public let faults: FaultInjection
    /// The run's clock.
    public let now: @Sendable () -> Date
    /// Asks the operator at a terminal to set records by hand; `nil` without one (the step then waits
    /// for a later apply).
    public let operatorPrompt: (any OperatorPrompt)?
    /// The leases of a worker that runs the step for a shared apply; nil in a plain apply.
    public let lease: LeaseGuard?

    /// Creates a context.
    public init(store: StateStore, dnsProviders: [String: any DNSZoneProvider], mail: MailContext?, mailProgress: (any MailProgress)?,
                faults: FaultInjection, now: @escaping @Sendable () -> Date, operatorPrompt: (any OperatorPrompt)? = nil,
                lease: LeaseGuard? = nil) {
        self.operatorPrompt = operatorPrompt
        self.lease = lease
        self.store = store
        self.dnsProviders = dnsProviders
        self.mail = mail
        self.mailProgress = mailProgress
        self.faults = faults
        self.now = now
    }

    /// The mail context, or an error saying the run has none.
    func mailContext() throws -> MailContext {
        guard let mail else {
            throw MailError(side: .source, server: "", mailbox: "", reason: "this run has no mail connections configured")
        }
        return mail
    }
}
