import ConsoleKitTerminal
import Foundation

/// A display redrawn in place at the bottom of a terminal, with permanent lines printed above it.
///
/// The terminal work (styles, erasing the previous frame, the window's size) is ConsoleKit's; the
/// frame's text comes from `frame(width)` at every redraw, four times a second. Lines are cut to
/// the window's width as it is at each redraw, so a frame line never wraps. A window made narrower
/// while a frame is shown may reflow that frame's lines before the next redraw erases them, leaving
/// a fragment above the display; nothing below it is affected.
package final class LiveProgressView: @unchecked Sendable {
    /// Redraws per second.
    package static let refreshInterval: DispatchTimeInterval = .milliseconds(250)

    private let terminal = Terminal()
    private let lock = NSLock()
    private let frame: @Sendable (_ width: Int, _ height: Int) -> [ConsoleText]
    private let queue = DispatchQueue(label: "mailmig.progress")
    private var timer: (any DispatchSourceTimer)?
    private var drawn = false
    private var stopped = false

    /// A view whose frame comes from `frame(width, height)`.
    package init(frame: @escaping @Sendable (_ width: Int, _ height: Int) -> [ConsoleText]) {
        self.frame = frame
    }

    /// Whether standard output is a terminal that can redraw in place, and no log goes to the same
    /// terminal (`MAILMIG_LOG` with standard error on a terminal), whose lines a redraw would erase.
    package static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        let logsToTerminal = !(environment[LogRouter.environmentVariable] ?? "").isEmpty && isatty(STDERR_FILENO) == 1
        return isatty(STDOUT_FILENO) == 1 && environment["TERM"] != "dumb" && !logsToTerminal
    }

    /// Draws the first frame and redraws it from now on.
    package func start() {
        lock.lock()
        defer { lock.unlock() }
        guard timer == nil, !stopped else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Self.refreshInterval, repeating: Self.refreshInterval)
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
        self.timer = timer
        drawLocked()
    }

    /// Prints `line` (already styled) above the frame, where it stays.
    package func printAbove(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        eraseLocked()
        Swift.print(line)
        fflush(nil)
        if timer != nil, !stopped { drawLocked() }
    }

    /// Draws the frame again with fresh figures.
    package func redraw() {
        lock.lock()
        defer { lock.unlock() }
        guard timer != nil, !stopped else { return }
        eraseLocked()
        drawLocked()
    }

    /// Erases the frame and stops redrawing; what follows prints as usual.
    package func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        timer?.cancel()
        timer = nil
        eraseLocked()
    }

    private func eraseLocked() {
        guard drawn else { return }
        terminal.popEphemeral()
        drawn = false
    }

    private func drawLocked() {
        let size = terminal.size
        // A zero size (no window, as under some test harnesses) falls back to the classic 80×24.
        let width = size.width > 0 ? size.width : 80
        let height = size.height > 0 ? size.height : 24
        terminal.pushEphemeral()
        for line in frame(width, height) {
            terminal.output(Self.cut(line, to: width - 1))
        }
        drawn = true
    }

    /// `text` shortened to `width` characters, keeping each fragment's style.
    package static func cut(_ text: ConsoleText, to width: Int) -> ConsoleText {
        var remaining = max(1, width)
        var fragments: [ConsoleTextFragment] = []
        for fragment in text.fragments where remaining > 0 {
            let kept = String(fragment.string.prefix(remaining))
            remaining -= kept.count
            fragments.append(ConsoleTextFragment(string: kept, style: fragment.style))
        }
        return ConsoleText(fragments: fragments)
    }
}
