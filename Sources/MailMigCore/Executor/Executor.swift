import Foundation

/// Receives progress while an apply runs (the CLI prints it; tests record it).
public protocol ExecutionObserver: Sendable {
    /// A step is about to change something.
    func stepStarted(_ step: PlannedStep)
    /// A step ended.
    func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome)
}

/// Runs an execution plan: dependency order, bounded parallelism, every step journaled.
///
/// A step is written to the journal as pending before it touches anything outside, and marked done in
/// the same transaction that commits its resource changes, so a crash at any point leaves a journal
/// from which the next run finds out what happened (`Recovery`). A failed mailbox step is charged to
/// its batch's error budget (`ErrorBudgets`): the batch goes on until the budget is spent, then starts
/// nothing new while the other batches go on. After any other failure, an interruption, or the state
/// failing under it (`StateOutage`), what is in flight finishes and nothing new starts.
public struct Executor: Sendable {
    let store: StateStore
    let dnsProviders: [String: any DNSZoneProvider]
    let mail: MailContext?
    let mailProgress: (any MailProgress)?
    let faults: FaultInjection
    let cancellation: CancellationFlag
    let parallelism: Int
    let now: @Sendable () -> Date
    let operatorPrompt: (any OperatorPrompt)?
    let budgets: ErrorBudgets
    let remote: RemoteSteps?
    let outage: StateOutage

    /// Creates an executor; `operatorPrompt` asks the operator at a terminal to set records by hand;
    /// `budgets` says which failures stop only their batch (`.none`: every failure stops the run);
    /// with `remote`, mail steps are offered to workers and DNS steps run here, one at a time.
    public init(store: StateStore, dnsProviders: [String: any DNSZoneProvider], mail: MailContext? = nil,
                mailProgress: (any MailProgress)? = nil, faults: FaultInjection = FaultInjection(),
                cancellation: CancellationFlag = CancellationFlag(), parallelism: Int = 4, now: @escaping @Sendable () -> Date = Date.init,
                operatorPrompt: (any OperatorPrompt)? = nil, budgets: ErrorBudgets = .none, remote: RemoteSteps? = nil) {
        self.remote = remote
        outage = remote?.outage ?? StateOutage()
        self.operatorPrompt = operatorPrompt
        self.budgets = budgets
        self.store = store
        self.dnsProviders = dnsProviders
        self.mail = mail
        self.mailProgress = mailProgress
        self.faults = faults
        self.cancellation = cancellation
        self.parallelism = max(1, parallelism)
        self.now = now
    }

    /// Runs every step it can; never throws: the report says what happened to each step.
    public func run(_ plan: ExecutionPlan, applyID: String, operation: String, observer: (any ExecutionObserver)? = nil) async -> ApplyReport {
        var outcomes: [String: ApplyReport.Outcome] = [:]
        do {
            try store.beginApply(id: applyID, operation: operation)
        } catch {
            let entries = plan.steps.map { ApplyReport.Entry(step: $0, outcome: $0 == plan.steps.first ? .failed(SecretRedaction.redact("\(error)")) : .notStarted) }
            return ApplyReport(applyID: applyID, entries: entries, interrupted: false)
        }
        // Messages the steps skip are counted from the state, so a skip in a pass that later failed counts too.
        let skippedBefore = try? store.skipped().count
        var remaining = plan.steps
        var ledger = BudgetLedger(budgets: budgets)
        await withTaskGroup(of: (String, ApplyReport.Outcome).self) { group in
            var inFlight = 0
            while true {
                while !cancellation.isCancelled, outage.current == nil, inFlight < parallelism,
                      let index = remaining.firstIndex(where: { step in
                          ledger.mayStart(step) && step.dependsOn.allSatisfy { outcomes[$0].map(Self.isDone) ?? false }
                      }) {
                    let step = remaining.remove(at: index)
                    observer?.stepStarted(step)
                    inFlight += 1
                    if let remote, step.work.mailbox != nil {
                        group.addTask { (step.id, await remote.run(step)) }
                    } else {
                        group.addTask { (step.id, await execute(step, applyID: applyID)) }
                    }
                }
                // Workers of a shared apply run passes of their own: lanes are lent only by a local apply,
                // and never beyond the servers' connections, which a lane would otherwise wait for.
                if let mail {
                    let capacity = remote == nil ? min(parallelism, mail.plan.source.connections, mail.plan.target.connections) : 0
                    await mail.lanes.update(capacity: capacity, running: inFlight, waiting: remaining.contains { $0.work.mailbox != nil })
                }
                guard inFlight > 0, let (id, outcome) = await group.next() else { break }
                inFlight -= 1
                outcomes[id] = outcome
                guard let step = plan.steps.first(where: { $0.id == id }) else { continue }
                observer?.stepFinished(step, outcome)
                if case .failed = outcome { ledger.charge(step) }
            }
        }
        await mail?.lanes.update(capacity: 0, running: 0, waiting: false)
        let entries = plan.steps.map { ApplyReport.Entry(step: $0, outcome: outcomes[$0.id] ?? .notStarted) }
        var report = ApplyReport(applyID: applyID, entries: entries, interrupted: cancellation.isCancelled)
        report.exhaustedBudgets = ledger.exhaustions
        report.stateFailure = outage.current?.description
        report.throttling = await ServerThrottling.collect(mail)
        if let skippedBefore, let skippedAfter = try? store.skipped().count { report.skippedMessages = max(0, skippedAfter - skippedBefore) }
        let status = report.succeeded ? "succeeded" : report.interrupted ? "interrupted" : "failed"
        try? store.finishApply(id: applyID, status: status, summary: report.summaryLine)
        return report
    }

    private static func isDone(_ outcome: ApplyReport.Outcome) -> Bool {
        if case .done = outcome { return true }
        return false
    }

    private func execute(_ step: PlannedStep, applyID: String) async -> ApplyReport.Outcome {
        if step.work.mailbox != nil, let queue = store as? any SharedApplyQueue {
            guard await HeldStep(queue: queue, cancellation: cancellation, progress: mailProgress).awaitRelease(step, applyID: applyID) else {
                return .notStarted
            }
        }
        let context = StepContext(store: store, dnsProviders: dnsProviders, mail: mail, mailProgress: mailProgress, faults: faults, now: now,
                                  operatorPrompt: operatorPrompt)
        return await StepRunner(store: store, context: context, outage: outage).run(step, applyID: applyID)
    }
}
