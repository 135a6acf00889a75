import Synchronization

/// Adds up the seconds one piece of work (a mailbox's pass) was held back by throttling, per side.
///
/// The work runs with a meter as `current`; a store that waits for a throttling pause to end, and the
/// retry that pauses after a throttling answer, add their seconds to it. A task-local rather than a
/// parameter because the waits happen deep inside stores the engine reaches only through `MailStore`.
public final class ThrottleMeter: Sendable {
    /// The meter of the work running now, if it is metered.
    @TaskLocal public static var current: ThrottleMeter?

    private let seconds = Mutex<[MailSide: Double]>([:])

    /// An empty meter.
    public init() {}

    /// Adds seconds held back by `side`'s throttling.
    public func add(_ value: Double, side: MailSide) {
        guard value > 0 else { return }
        seconds.withLock { $0[side, default: 0] += value }
    }

    /// Seconds held back by `side`'s throttling so far.
    public func total(_ side: MailSide) -> Double {
        seconds.withLock { $0[side] ?? 0 }
    }
}
