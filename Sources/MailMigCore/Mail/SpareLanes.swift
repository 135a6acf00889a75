/// The mailbox passes an apply could run and has no mailbox for: lent to passes still running, so
/// that a large mailbox copies several folders at once instead of leaving connections idle while it
/// finishes alone (the last mailboxes of an apply, or an apply of fewer mailboxes than its parallelism).
///
/// The executor says how many passes it may run (`--parallelism`), how many it runs, and whether mail
/// steps are still waiting to start; a lane is lent only when none is, so lanes never delay a mailbox.
/// Each lane is one more session per side, still bounded by each server's connection limiter.
public actor SpareLanes {
    private var capacity = 0
    private var running = 0
    private var waiting = false
    private var lent = 0

    /// No lanes until the executor says how many passes it may run.
    public init() {}

    /// The executor's view: `capacity` passes at once, `running` in flight, `waiting` whether mail
    /// steps are still to start (then nothing is lent).
    public func update(capacity: Int, running: Int, waiting: Bool) {
        self.capacity = capacity
        self.running = running
        self.waiting = waiting
    }

    /// Lends one lane if the apply has one to spare; give it back with `giveBack()`.
    func take() -> Bool {
        guard !waiting, running + lent < capacity else { return false }
        lent += 1
        return true
    }

    /// Returns a lane lent by `take()`.
    func giveBack() {
        lent = max(0, lent - 1)
    }

    /// Lanes lent now.
    var inUse: Int { lent }
}
