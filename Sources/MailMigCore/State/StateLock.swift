/// An exclusive hold on a plan's state: one engine command at a time may change it.
///
/// The holder is recorded so that every refusal can name it. A lock must not outlive its process, so a
/// crash never leaves the state locked for good (`force-unlock` only clears a leftover record).
public protocol StateLock: AnyObject, Sendable {
    /// The holder's details.
    var info: LockInfo { get }

    /// Releases the lock and clears the holder record. Safe to call more than once.
    func release()

    /// Calls `handler` once, with a sentence saying why, if the lock is lost while held: a lock that
    /// lives in a server's session ends with that session. A lock that cannot be lost never calls it.
    func whenLost(_ handler: @escaping @Sendable (String) -> Void)
}

extension StateLock {
    /// A lock that lives as long as its process (a file lock) is never lost.
    public func whenLost(_ handler: @escaping @Sendable (String) -> Void) {}
}
