import Foundation
import MailMigCore

/// Prints each step as it starts and ends: plain lines, so they read the same in a terminal and a log.
struct ApplyProgress: ExecutionObserver {
    let palette: Palette
    let json: Bool

    func stepStarted(_ step: PlannedStep) {
        if json { return }
        print("  \(palette.symbol(step.action)) \(step.address): \(step.reason)…")
    }

    func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome) {
        if json { return }
        switch outcome {
        case .done: print("  \(palette.green("✓")) \(step.address)")
        case .failed(let message): print("  \(palette.red("✗")) \(step.address): \(message)")
        case .notStarted: break
        }
    }
}

/// Asks "yes" on the terminal; refuses to guess when there is no terminal.
enum Confirmation {
    static func ask(_ question: String) throws -> Bool {
        guard isatty(STDIN_FILENO) == 1 else {
            printError("Error: apply needs a confirmation, and standard input is not a terminal: review the plan and use --auto-approve, or apply a saved plan (plan -out FILE)")
            throw ExitCodeError.failure
        }
        print("\(question) Only 'yes' will be accepted: ", terminator: "")
        fflush(nil)
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}

/// Exit status 1 without another message (it was already printed).
enum ExitCodeError: Error {
    case failure
}

/// Ctrl-C during an apply: finish what runs, start nothing new; a second Ctrl-C leaves at once.
final class InterruptHandler: @unchecked Sendable {
    let flag = CancellationFlag()
    private var source: DispatchSourceSignal?

    func install() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [flag] in
            if flag.isCancelled { exit(130) }
            flag.cancel()
            printError("Interrupted: finishing the steps in flight and starting nothing new (Ctrl-C again to stop at once).")
        }
        source.resume()
        self.source = source
    }
}
