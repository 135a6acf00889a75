import ArgumentParser
import ConsoleKitTerminal
import Foundation
import Logging
import MailMigCore

/// Shows an apply as it happens: each step as it starts and ends, and the mail copied so far.
///
/// On a terminal (without `--quiet` or `--json`) a live display at the bottom is redrawn in place:
/// a bar of the planned bytes, messages and bytes done of the planned total, the rate, an estimate of
/// the time left, and one line per mailbox in flight (stage, folder, messages done of planned). Step
/// lines stay above it. Anywhere else (a pipe, a log file, CI) plain lines only: the totals with the
/// rate every 10 seconds, and nothing that redraws.
package final class ApplyProgress: ExecutionObserver, MailProgress, @unchecked Sendable {
    /// A mailbox pass in flight.
    package struct InFlight {
        var mailbox: String
        var stage: Stage
        var folder: String?
        var done: Int
        var planned: Int?
    }

    private let palette: Palette
    private let quiet: Bool
    private let lock = NSLock()
    private var perMailbox: [String: (count: Int, bytes: Int64)] = [:]
    private var skippedPerMailbox: [String: Int] = [:]
    /// Source folders per mailbox whose keywords that are not IMAP atoms were left out.
    private var keywordFoldersPerMailbox: [String: Set<String>] = [:]
    private var recoveredPerMailbox: [String: Int] = [:]
    /// Mailboxes whose pass asked the source and found nothing new.
    private var unchanged: Set<String> = []
    /// Why the totals are not known ahead: the passes count what they copy as they run.
    private let noTotalReason: String
    private var total: (count: Int, bytes: Int64) = (0, 0)
    private var inFlight: [InFlight] = []
    private let planned: (messages: Int, bytes: Int64)?
    private var started = Date()
    private var startedCopying = false
    private var lastPrint = Date()
    private let interval: TimeInterval = 10
    private var live: LiveProgressView?
    private let logger = Logger(label: "mailmig")

    /// Progress for `plan`: the live display when `live` and standard output is a terminal.
    package init(palette: Palette, quiet: Bool, plan: ExecutionPlan, live: Bool) {
        self.palette = palette
        self.quiet = quiet
        let mailSteps = plan.steps.compactMap(\.work.mailPass)
        let estimates = mailSteps.compactMap(\.estimate)
        // Totals are known only when planning looked at every mailbox (not with --no-refresh).
        planned = !mailSteps.isEmpty && estimates.count == mailSteps.count
            ? (estimates.reduce(0) { $0 + $1.messages }, estimates.reduce(0) { $0 + $1.bytes }) : nil
        noTotalReason = mailSteps.contains { $0.checksFirst == true } ? "new mail is counted as each pass finds it" : "planned with --no-refresh"
        if live, !quiet, LiveProgressView.isAvailable {
            self.live = LiveProgressView { [weak self] width, height in self?.frame(width: width, height: height) ?? [] }
        }
    }

    package func stepStarted(_ step: PlannedStep) {
        logger.info("step started", metadata: ["address": "\(step.address)", "action": "\(step.action.rawValue)", "reason": "\(step.reason)"])
        lock.lock()
        if let work = step.work.mailPass {
            if !startedCopying { started = Date(); startedCopying = true }
            inFlight.append(InFlight(mailbox: work.source, stage: work.settings.stage, folder: nil, done: 0, planned: work.estimate?.messages))
        }
        lock.unlock()
        guard !quiet else { return }
        emit("  \(palette.symbol(step.action)) \(step.address): \(step.reason)…")
        if step.work.mailPass != nil { live?.start() }
    }

    package func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome) {
        lock.lock()
        var detail = ""
        if let work = step.work.mailPass {
            inFlight.removeAll { $0.mailbox == work.source }
            if let copied = perMailbox[work.source] {
                detail = ": \(Formatting.count(copied.count)) message\(copied.count == 1 ? "" : "s") (\(Formatting.bytes(copied.bytes))) copied"
            }
            if let recovered = recoveredPerMailbox[work.source], recovered > 0 {
                detail += (detail.isEmpty ? ": " : "; ") + "\(Formatting.count(recovered)) found on the target from an interrupted run and recorded"
            }
            if let skipped = skippedPerMailbox[work.source], skipped > 0 {
                detail += (detail.isEmpty ? ": " : "; ") + "\(Formatting.count(skipped)) skipped on purpose (mailmig status says why)"
            }
            if unchanged.contains(work.source), detail.isEmpty { detail = ": nothing new since the last pass" }
            if let folders = keywordFoldersPerMailbox[work.source], !folders.isEmpty {
                detail += (detail.isEmpty ? ": " : "; ")
                    + "keywords that are not IMAP atoms left out in \(folders.count) folder\(folders.count == 1 ? "" : "s") (mailmig status says which)"
            }
        }
        lock.unlock()
        switch outcome {
        case .done:
            logger.info("step done", metadata: ["address": "\(step.address)", "copied": "\(detail)"])
            if !quiet { emit("  \(palette.green("✓")) \(step.address)\(detail)") }
        case .failed(let message):
            logger.error("step failed", metadata: ["address": "\(step.address)", "error": "\(message)"])
            if !quiet { emit("  \(palette.red("✗")) \(step.address): \(message)") }
        case .notStarted:
            break
        case .waiting(let item):
            logger.notice("step waits for the operator", metadata: ["address": "\(step.address)", "instruction": "\(item.instruction)"])
            if !quiet { emit("  \(palette.yellow("⧗")) \(step.address): waiting for the operator: \(item.instruction)") }
        }
    }

    package func keywordsDropped(mailbox: String, folder: String, keywords: [String]) {
        lock.lock()
        defer { lock.unlock() }
        keywordFoldersPerMailbox[mailbox, default: []].insert(folder)
    }

    package func heldElsewhere(mailbox: String, by holder: StepHolder) {
        notice("\(mailbox) waits: \(holder.worker) still copies it for an earlier apply "
               + "(its lease runs \(Int(holder.leaseLeft.rounded())) s more unless it renews it); it starts once that worker lets go")
    }

    package func nothingNew(mailbox: String) {
        lock.lock()
        defer { lock.unlock() }
        unchanged.insert(mailbox)
    }

    package func recovered(mailbox: String, count: Int) {
        lock.lock()
        defer { lock.unlock() }
        recoveredPerMailbox[mailbox, default: 0] += count
    }

    package func skipped(mailbox: String, count: Int) {
        lock.lock()
        defer { lock.unlock() }
        skippedPerMailbox[mailbox, default: 0] += count
    }

    package func folderStarted(mailbox: String, folder: String, messages: Int) {
        lock.lock()
        defer { lock.unlock() }
        if let index = inFlight.firstIndex(where: { $0.mailbox == mailbox }) { inFlight[index].folder = folder }
    }

    package func copied(mailbox: String, count: Int, bytes: Int64) {
        lock.lock()
        logger.debug("copied", metadata: ["mailbox": "\(mailbox)", "messages": "\(count)", "bytes": "\(bytes)"])
        let previous = perMailbox[mailbox] ?? (0, 0)
        perMailbox[mailbox] = (previous.count + count, previous.bytes + bytes)
        total = (total.count + count, total.bytes + bytes)
        if let index = inFlight.firstIndex(where: { $0.mailbox == mailbox }) { inFlight[index].done += count }
        let due = live == nil && !quiet && Date().timeIntervalSince(lastPrint) >= interval
        if due { lastPrint = Date() }
        let line = due ? totalsLine() : nil
        lock.unlock()
        if let line { emit("    … " + line) }
    }

    /// Ends the live display, before the summary is printed.
    package func finish() {
        live?.stop()
    }

    /// Prints a notice for the operator above the live display (or plainly), even with `--quiet`.
    package func notice(_ line: String) {
        if let live {
            live.printAbove(palette.yellow(line))
        } else {
            printError(line)
        }
    }

    /// Prints a line above the live display, or plainly, and flushes it, so progress reaches a pipe
    /// or a log file as it happens.
    private func emit(_ line: String) {
        if let live {
            live.printAbove(line)
        } else {
            print(line)
            fflush(nil)
        }
    }

    /// `1,234 messages, 45.2 MiB copied (312 msg/s, 8.1 MiB/s)`; the lock is held.
    private func totalsLine() -> String {
        let seconds = max(0.001, Date().timeIntervalSince(started))
        return "\(Formatting.count(total.count)) messages, \(Formatting.bytes(total.bytes)) copied "
            + "(\(String(format: "%.0f", Double(total.count) / seconds)) msg/s, \(Formatting.bytes(Int64(Double(total.bytes) / seconds)))/s)"
    }

    /// The live display's lines for a window of `width` × `height` characters.
    private func frame(width: Int, height: Int) -> [ConsoleText] {
        lock.lock()
        defer { lock.unlock() }
        let seconds = max(0.001, Date().timeIntervalSince(started))
        let messageRate = Double(total.count) / seconds
        let byteRate = Double(total.bytes) / seconds
        let style: (ConsoleStyle) -> ConsoleStyle = { [palette] in palette.enabled ? $0 : .plain }
        var lines: [ConsoleText] = []
        if let planned, planned.messages > 0 {
            let fraction = planned.bytes > 0 ? Double(total.bytes) / Double(planned.bytes) : Double(total.count) / Double(planned.messages)
            let clamped = min(1, max(0, fraction))
            let remaining = Double(max(0, planned.bytes - total.bytes))
            let eta = byteRate > 0 && total.bytes > 0 ? Self.duration(remaining / byteRate) : "--"
            // What matters most comes first, so a narrow window cuts the least useful part.
            let figures = " \(Int(clamped * 100))%  ETA \(eta)  \(String(format: "%.0f", messageRate)) msg/s, \(Formatting.bytes(Int64(byteRate)))/s"
            var progressBar = Self.barTemplate
            progressBar.currentProgress = clamped
            let bar = progressBar.renderActiveBar(tick: 0, width: max(10, min(40, width - 3 - figures.count)))
            lines.append(ConsoleText(fragments: bar.fragments.map { ConsoleTextFragment(string: $0.string, style: style($0.style)) }
                                     + [ConsoleTextFragment(string: figures)]))
            lines.append(ConsoleText(fragments: [ConsoleTextFragment(string:
                "  \(Formatting.count(total.count)) of \(Formatting.count(planned.messages)) messages, \(Formatting.bytes(total.bytes)) of \(Formatting.bytes(planned.bytes))")]))
        } else {
            lines.append(ConsoleText(fragments: [ConsoleTextFragment(string:
                "\(Formatting.count(total.count)) messages, \(Formatting.bytes(total.bytes)) copied  "
                + "\(String(format: "%.0f", messageRate)) msg/s, \(Formatting.bytes(Int64(byteRate)))/s  (no total: \(noTotalReason))")]))
        }
        let room = max(1, height - 4)
        for (index, mailbox) in inFlight.enumerated() {
            if index == room - 1, inFlight.count > room {
                lines.append(ConsoleText(fragments: [ConsoleTextFragment(string: "    … and \(inFlight.count - index) more mailboxes", style: style(.info))]))
                break
            }
            let done = Formatting.count(mailbox.done) + (mailbox.planned.map { " of \(Formatting.count($0))" } ?? "")
            lines.append(ConsoleText(fragments: [
                ConsoleTextFragment(string: "    \(mailbox.mailbox)  "),
                ConsoleTextFragment(string: mailbox.stage.rawValue, style: style(.info)),
                ConsoleTextFragment(string: "  \(mailbox.folder ?? "starting")  \(done)"),
            ]))
        }
        return lines
    }

    /// ConsoleKit's progress bar, whose value is set at each frame (ConsoleKit makes one only through a console).
    private static let barTemplate: ProgressBar = Terminal().progressBar(title: "").activity

    /// `42 s`, `3 min 05 s`, `2 h 07 min`.
    package static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// `72 messages (2.9 MiB) copied in 1.2 s (60 msg/s, 2.4 MiB/s); 1 message skipped on purpose …`, or nil
    /// when no mail moved and none was skipped.
    package var summary: String? {
        lock.lock()
        defer { lock.unlock() }
        let skipped = skippedPerMailbox.values.reduce(0, +)
        let skippedText = skipped > 0 ? "; \(Formatting.count(skipped)) message\(skipped == 1 ? "" : "s") skipped on purpose (mailmig status says why)" : ""
        let quietMailboxes = unchanged.count
        let nothingNew = "nothing new since the last pass in \(Formatting.count(quietMailboxes)) mailbox\(quietMailboxes == 1 ? "" : "es")"
        let nothingNewText = quietMailboxes > 0 ? "; " + nothingNew : ""
        guard total.count > 0 else {
            if skipped > 0 { return "0 messages copied" + skippedText + nothingNewText }
            return quietMailboxes > 0 ? nothingNew.prefix(1).uppercased() + nothingNew.dropFirst() : nil
        }
        let seconds = max(0.001, Date().timeIntervalSince(started))
        return "\(Formatting.count(total.count)) message\(total.count == 1 ? "" : "s") (\(Formatting.bytes(total.bytes))) copied in \(String(format: "%.1f", seconds)) s "
            + "(\(String(format: "%.0f", Double(total.count) / seconds)) msg/s, \(Formatting.bytes(Int64(Double(total.bytes) / seconds)))/s)" + skippedText + nothingNewText
    }
}

/// A change that needs a person's approval and has none.
package enum ConfirmationError: Error, CustomStringConvertible {
    /// `--json` shows no plan to approve, so it needs `--auto-approve` (or a saved plan).
    case jsonNeedsApproval(command: String)

    package var description: String {
        switch self {
        case .jsonNeedsApproval(let command):
            return "\(command) --json prints no plan to confirm: review it with `mailmig plan`, then use --auto-approve, or apply a saved plan (plan -out FILE)"
        }
    }
}

/// Asks "yes" on the terminal; refuses to guess when there is no terminal.
package enum Confirmation {
    package static func ask(_ question: String) throws -> Bool {
        guard isatty(STDIN_FILENO) == 1 else {
            printError("Error: apply needs a confirmation, and standard input is not a terminal: review the plan and use --auto-approve, or apply a saved plan (plan -out FILE)")
            throw ExitCode(1)
        }
        print("\(question) Only 'yes' will be accepted: ", terminator: "")
        fflush(nil)
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}

/// Ctrl-C during an apply: finish what runs, start nothing new; a second Ctrl-C leaves at once.
package final class InterruptHandler: @unchecked Sendable {
    package let flag = CancellationFlag()
    private var source: DispatchSourceSignal?
    private let lock = NSLock()
    private var notice: @Sendable (String) -> Void = { printError($0) }
    private var cleanup: @Sendable () -> Void = {}

    /// A handler not yet installed.
    package init() {}

    package func install() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self, flag] in
            guard let self else { return }
            self.lock.lock()
            let (notice, cleanup) = (self.notice, self.cleanup)
            self.lock.unlock()
            if flag.isCancelled {
                cleanup()
                exit(130)
            }
            flag.cancel()
            notice("Interrupted: finishing the steps in flight and starting nothing new (Ctrl-C again to stop at once).")
        }
        source.resume()
        self.source = source
    }

    /// Sends the notice through a live display (so a redraw does not erase it), and tidies the
    /// display before a second Ctrl-C leaves at once.
    package func route(notice: @escaping @Sendable (String) -> Void, cleanup: @escaping @Sendable () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        self.notice = notice
        self.cleanup = cleanup
    }
}
