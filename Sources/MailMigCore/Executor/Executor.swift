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
/// from which the next run finds out what happened (`Recovery`). After a failure or an interruption,
/// what is in flight finishes and nothing new starts.
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

    /// Creates an executor; `operatorPrompt` asks the operator at a terminal to set records by hand.
    public init(store: StateStore, dnsProviders: [String: any DNSZoneProvider], mail: MailContext? = nil,
                mailProgress: (any MailProgress)? = nil, faults: FaultInjection = FaultInjection(),
                cancellation: CancellationFlag = CancellationFlag(), parallelism: Int = 4, now: @escaping @Sendable () -> Date = Date.init,
                operatorPrompt: (any OperatorPrompt)? = nil) {
        self.operatorPrompt = operatorPrompt
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
        var stop = false
        await withTaskGroup(of: (String, ApplyReport.Outcome).self) { group in
            var inFlight = 0
            while true {
                while !stop, !cancellation.isCancelled, inFlight < parallelism,
                      let index = remaining.firstIndex(where: { step in step.dependsOn.allSatisfy { outcomes[$0].map(Self.isDone) ?? false } }) {
                    let step = remaining.remove(at: index)
                    observer?.stepStarted(step)
                    inFlight += 1
                    group.addTask { (step.id, await execute(step, applyID: applyID)) }
                }
                guard inFlight > 0, let (id, outcome) = await group.next() else { break }
                inFlight -= 1
                outcomes[id] = outcome
                if let step = plan.steps.first(where: { $0.id == id }) { observer?.stepFinished(step, outcome) }
                if case .failed = outcome { stop = true }
            }
        }
        let entries = plan.steps.map { ApplyReport.Entry(step: $0, outcome: outcomes[$0.id] ?? .notStarted) }
        var report = ApplyReport(applyID: applyID, entries: entries, interrupted: cancellation.isCancelled)
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
        do {
            try store.journalPending(applyID: applyID, stepID: step.id, address: step.address, step: StateCoding.encoder.encode(step))
        } catch {
            return .failed("cannot write the journal: \(error)")
        }
        do {
            let (changes, warnings) = try await perform(step)
            try store.journalDone(applyID: applyID, stepID: step.id, changes: changes)
            return .done(warnings: warnings)
        } catch let waiting as OperatorActionRequired {
            // Not a failure: the state keeps what the RRset held before, and a later apply checks it.
            do {
                try store.journalDone(applyID: applyID, stepID: step.id, changes: waiting.changes)
                try store.journalFinish(applyID: applyID, stepID: step.id, status: .waiting, error: waiting.description)
            } catch {
                return .failed(SecretRedaction.redact("\(error)"))
            }
            return .waiting(waiting.item)
        } catch {
            let message = SecretRedaction.redact("\(error)")
            try? store.journalFinish(applyID: applyID, stepID: step.id, status: .failed, error: message)
            return .failed(message)
        }
    }

    private func perform(_ step: PlannedStep) async throws -> ([ResourceChange], [String]) {
        let context = StepContext(store: store, dnsProviders: dnsProviders, mail: mail, mailProgress: mailProgress, faults: faults, now: now,
                                  operatorPrompt: operatorPrompt)
        let result = try await step.work.perform(step: step, in: context)
        return (result.changes, result.warnings)
    }
}
