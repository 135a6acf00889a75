/// Runs one step with its journal: written as pending before it touches anything outside, marked done
/// in the transaction that commits its resource changes, or marked failed with its reason.
///
/// The executor runs every step of a plain apply through it, and a worker every step it claims in a
/// shared apply, so both journal alike and `Recovery` settles what either left pending.
struct StepRunner: Sendable {
    let store: StateStore
    let context: StepContext
    /// Told when the state fails under the step, so that the caller starts nothing more.
    var outage: StateOutage?

    /// Runs the step; never throws: the outcome says what happened.
    func run(_ step: PlannedStep, applyID: String) async -> ApplyReport.Outcome {
        do {
            try store.journalPending(applyID: applyID, stepID: step.id, address: step.address, step: StateCoding.encoder.encode(step))
        } catch {
            outage?.record(error)
            return .failed("cannot write the journal: \(error)")
        }
        do {
            let result = try await step.work.perform(step: step, in: context)
            try store.journalDone(applyID: applyID, stepID: step.id, changes: result.changes)
            return .done(warnings: result.warnings)
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
            if let state = error as? StateError, state.isUnreachable { outage?.record(state) }
            let message = SecretRedaction.redact("\(error)")
            try? store.journalFinish(applyID: applyID, stepID: step.id, status: .failed, error: message)
            return .failed(message)
        }
    }
}
