import Foundation

/// Deterministic crash points for resilience tests, driven by `MAILMIG_FAULT`.
///
/// `MAILMIG_FAULT=kill-after:dns-write:2` sends SIGKILL to the process the second time it passes the
/// point `dns-write`, the most dangerous window (the server changed, the state not yet);
/// `MAILMIG_FAULT=pause-after:dns-write:1:5` sleeps 5 seconds there instead, holding the lock, so a
/// test can start a second process meanwhile. Unset in normal use; documented in docs/engine.md.
public final class FaultInjection: @unchecked Sendable {
    private enum Action {
        case kill
        case pause(seconds: UInt32)
    }

    private let point: String?
    private let count: Int
    private let action: Action
    private var hits = 0
    private let lock = NSLock()

    /// Reads the configuration from the environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let parts = environment["MAILMIG_FAULT"]?.split(separator: ":").map(String.init) ?? []
        if parts.count == 3, parts[0] == "kill-after", let count = Int(parts[2]), count > 0 {
            (point, self.count, action) = (parts[1], count, .kill)
        } else if parts.count == 4, parts[0] == "pause-after", let count = Int(parts[2]), count > 0, let seconds = UInt32(parts[3]) {
            (point, self.count, action) = (parts[1], count, .pause(seconds: seconds))
        } else {
            (point, self.count, action) = (nil, 0, .kill)
        }
    }

    /// Marks that execution passed `name`; acts when configured to.
    public func pass(_ name: String) {
        guard name == point else { return }
        lock.lock()
        hits += 1
        let fire = hits == count
        lock.unlock()
        guard fire else { return }
        switch action {
        case .kill: kill(getpid(), SIGKILL)
        case .pause(let seconds): sleep(seconds)
        }
    }
}

/// Set when the operator interrupts (Ctrl-C): the executor finishes what runs and starts nothing new.
public final class CancellationFlag: @unchecked Sendable {
    private var cancelled = false
    private let lock = NSLock()

    /// Creates an unset flag.
    public init() {}

    /// Whether an interruption was requested.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Requests an orderly stop.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }
}
