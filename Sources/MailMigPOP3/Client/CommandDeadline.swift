import NIOCore

/// When a command's answer must be complete: `timeout` after the command was sent, plus
/// `1 / minimumTransferRate` seconds for every byte read since. Only reading progress earns time.
struct CommandDeadline {
    /// The instant the answer must be complete by, as earned so far.
    private(set) var instant: NIODeadline
    private let nanosecondsPerByte: Double

    /// A deadline `timeout` seconds after `start`.
    init(start: NIODeadline, timeout: Double, minimumTransferRate: Int) {
        instant = start + .nanoseconds(Int64(timeout * 1e9))
        nanosecondsPerByte = 1e9 / Double(max(1, minimumTransferRate))
    }

    /// Moves the deadline on for `bytes` read.
    mutating func progress(bytes: Int) {
        instant = instant + .nanoseconds(Int64(Double(bytes) * nanosecondsPerByte))
    }

    /// Time left at `now`; zero or less once the deadline has passed.
    func remaining(at now: NIODeadline) -> TimeAmount {
        instant - now
    }
}
