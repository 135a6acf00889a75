import Foundation
import Logging
import MailMigCore

/// Prints each step as it starts and ends, and while mail is copied, periodic totals with the rate.
///
/// Plain lines, so they read the same in a terminal and in a log file; on a terminal the totals come
/// every 2 seconds, otherwise every 10.
final class ApplyProgress: ExecutionObserver, MailProgress, @unchecked Sendable {
    private let palette: Palette
    private let quiet: Bool
    private let lock = NSLock()
    private var perMailbox: [String: (count: Int, bytes: Int64)] = [:]
    private var total: (count: Int, bytes: Int64) = (0, 0)
    private var started = Date()
    private var lastPrint = Date()
    private let interval: TimeInterval
    private let logger = Logger(label: "mailmig")

    init(palette: Palette, quiet: Bool) {
        self.palette = palette
        self.quiet = quiet
        self.interval = isatty(STDOUT_FILENO) == 1 ? 2 : 10
    }

    func stepStarted(_ step: PlannedStep) {
        logger.info("step started", metadata: ["address": "\(step.address)", "action": "\(step.action.rawValue)", "reason": "\(step.reason)"])
        lock.lock()
        defer { lock.unlock() }
        if total.count == 0 { started = Date() }
        guard !quiet else { return }
        emit("  \(palette.symbol(step.action)) \(step.address): \(step.reason)…")
    }

    func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome) {
        lock.lock()
        defer { lock.unlock() }
        var detail = ""
        if case .mailbox(let work) = step.work, let copied = perMailbox[work.source] {
            detail = ": \(Formatting.count(copied.count)) message\(copied.count == 1 ? "" : "s") (\(Formatting.bytes(copied.bytes))) copied"
        }
        switch outcome {
        case .done:
            logger.info("step done", metadata: ["address": "\(step.address)", "copied": "\(detail)"])
            if !quiet { emit("  \(palette.green("✓")) \(step.address)\(detail)") }
        case .failed(let message):
            logger.error("step failed", metadata: ["address": "\(step.address)", "error": "\(message)"])
            if !quiet { emit("  \(palette.red("✗")) \(step.address): \(message)") }
        case .notStarted:
            break
        }
    }

    func copied(mailbox: String, count: Int, bytes: Int64) {
        lock.lock()
        defer { lock.unlock() }
        logger.debug("copied", metadata: ["mailbox": "\(mailbox)", "messages": "\(count)", "bytes": "\(bytes)"])
        let previous = perMailbox[mailbox] ?? (0, 0)
        perMailbox[mailbox] = (previous.count + count, previous.bytes + bytes)
        total = (total.count + count, total.bytes + bytes)
        guard !quiet, Date().timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = Date()
        let seconds = max(0.001, Date().timeIntervalSince(started))
        let rate = Double(total.bytes) / seconds
        emit("    … \(Formatting.count(total.count)) messages, \(Formatting.bytes(total.bytes)) copied "
              + "(\(String(format: "%.0f", Double(total.count) / seconds)) msg/s, \(Formatting.bytes(Int64(rate)))/s)")
    }

    /// Prints a line and flushes it, so progress reaches a pipe or a log file as it happens.
    private func emit(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// `72 messages (2.9 MiB) copied in 1.2 s (60 msg/s, 2.4 MiB/s)`, or nil when no mail moved.
    var summary: String? {
        lock.lock()
        defer { lock.unlock() }
        guard total.count > 0 else { return nil }
        let seconds = max(0.001, Date().timeIntervalSince(started))
        return "\(Formatting.count(total.count)) messages (\(Formatting.bytes(total.bytes))) copied in \(String(format: "%.1f", seconds)) s "
            + "(\(String(format: "%.0f", Double(total.count) / seconds)) msg/s, \(Formatting.bytes(Int64(Double(total.bytes) / seconds)))/s)"
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
