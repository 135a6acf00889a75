import Foundation
import MailMigCore

/// What `mailmig worker` prints: one line as each mailbox starts and ends, flushed at once, so that a
/// worker whose output goes to a pipe or a log file (under a service manager, `| tee`) shows its
/// progress as it happens.
package struct WorkerLines: ExecutionObserver {
    let palette: Palette

    /// Lines in `palette`'s colours.
    package init(palette: Palette) {
        self.palette = palette
    }

    package func stepStarted(_ step: PlannedStep) {
        line("  \(palette.dim("…")) \(step.address)")
    }

    package func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome) {
        switch outcome {
        case .done: line("  \(palette.green("✓")) \(step.address)")
        case .failed(let message): line("  \(palette.red("✗")) \(step.address): \(message)")
        case .waiting, .notStarted: break
        }
    }

    /// Prints `text` and flushes it.
    package func line(_ text: String) {
        print(text)
        fflush(nil)
    }
}
