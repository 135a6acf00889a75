import Foundation

/// A mailbox a worker of an earlier shared apply still copies: the apply whose coordinator died left
/// the worker running, and a plain apply must not make a second pass beside it (both would append
/// the same messages). The step waits until the worker settles it or its lease runs out.
struct HeldStep: Sendable {
    let queue: any SharedApplyQueue
    let cancellation: CancellationFlag
    let progress: (any MailProgress)?
    /// Seconds between two looks at the queue.
    var interval: Double = 2

    /// Waits while another apply's worker holds `step`; false when interrupted meanwhile. A state that
    /// cannot be read lets the step go on: the step's own first write then fails with the state's error.
    func awaitRelease(_ step: PlannedStep, applyID: String) async -> Bool {
        var told = false
        while true {
            guard let holder = try? queue.holder(of: step.id, otherThan: applyID) else { return true }
            if !told, let mailbox = step.work.mailbox {
                told = true
                progress?.heldElsewhere(mailbox: mailbox, by: holder)
            }
            if cancellation.isCancelled { return false }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}
