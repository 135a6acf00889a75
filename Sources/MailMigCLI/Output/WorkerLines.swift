import Foundation
import MailMigCore

/// What `mailmig worker` prints: one line as each mailbox starts and ends.
package struct WorkerLines: ExecutionObserver {
    let palette: Palette

    /// Lines in `palette`'s colours.
    package init(palette: Palette) {
        self.palette = palette
    }

    package func stepStarted(_ step: PlannedStep) {
        print("  \(palette.dim("…")) \(step.address)")
    }

    package func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome) {
        switch outcome {
        case .done: print("  \(palette.green("✓")) \(step.address)")
        case .failed(let message): print("  \(palette.red("✗")) \(step.address): \(message)")
        case .waiting, .notStarted: break
        }
    }
}
