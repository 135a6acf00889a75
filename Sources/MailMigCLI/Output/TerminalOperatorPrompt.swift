import Foundation
import MailMigCore

/// Asks the operator at the terminal to set records by hand, one RRset at a time.
///
/// Only made when standard input and output are terminals; steps run in parallel, so one question
/// is asked at a time. Enter means "set, check it now"; `later` (or end of input) leaves the step
/// waiting for a later apply.
package actor TerminalOperatorPrompt: OperatorPrompt {
    private let palette: Palette
    private let notice: @Sendable (String) -> Void

    /// A prompt printing through `notice` (so a live progress view stays intact).
    package init(palette: Palette, notice: @escaping @Sendable (String) -> Void) {
        self.palette = palette
        self.notice = notice
    }

    /// A prompt when both standard input and output are terminals; `nil` otherwise.
    package static func ifInteractive(palette: Palette, notice: @escaping @Sendable (String) -> Void) -> TerminalOperatorPrompt? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        return TerminalOperatorPrompt(palette: palette, notice: notice)
    }

    package func confirm(_ item: DNSChecklistItem, stillDiffers: RRsetSnapshot??) async -> Bool {
        var text = ""
        if let now = stillDiffers {
            text += palette.red("  The zone's servers do not answer them yet: now \(now?.description ?? "no records").") + "\n"
        } else {
            text += ChecklistRenderer.human([item], palette: palette).split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        }
        text += "  Press Enter once they are set to check them now, or type 'later' to leave this for a later apply: "
        notice(text)
        let answer = await Self.readAnswer()
        guard let answer else { return false }
        return answer.trimmingCharacters(in: .whitespaces).lowercased() != "later"
    }

    /// One line from standard input, read off the concurrency pool so the other steps keep running.
    private static func readAnswer() async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: readLine()) }
        }
    }
}
