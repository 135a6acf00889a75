import Foundation

/// Runs a beat at a fixed interval on a thread of its own.
///
/// Lease renewals and the coordinator's sign of life must keep their rhythm while every thread of
/// Swift's cooperative pool (two on a two-core machine) is busy or waits on a state server that does
/// not answer; a task would wait for a free pool thread, and the leases would run out for nothing.
/// A beat that blocks delays only the next beat.
public final class Heartbeat: @unchecked Sendable {
    // `stopped` is guarded by `condition`.
    private let condition = NSCondition()
    private var stopped = false

    /// Starts beating now and then every `interval` seconds until `stop()`.
    public init(every interval: Double, name: String, beat: @escaping @Sendable () -> Void) {
        let thread = Thread { [condition] in
            while true {
                beat()
                condition.lock()
                let until = Date().addingTimeInterval(max(0.01, interval))
                while !self.stopped, Date() < until { _ = condition.wait(until: until) }
                let stop = self.stopped
                condition.unlock()
                if stop { return }
            }
        }
        thread.name = name
        thread.start()
    }

    /// Ends the beats; a beat under way finishes on its own, and none starts after it.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
