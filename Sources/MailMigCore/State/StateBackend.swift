/// Where a plan's state lives, and how it is locked: the one thing a storage adapter provides.
///
/// The engine and the CLI's commands open the state and take its lock only through a backend, so the
/// storage (a SQLite file today) is chosen once, where the program is put together.
public protocol StateBackend: Sendable {
    /// Where the state is, as messages name it (a folder, a URL).
    var location: String { get }

    /// Opens the state, creating it on first use; refuses a state written by a newer schema.
    func open() throws(StateError) -> any StateStore

    /// Opens an existing state for reading (`status`, `report`, `state show`): creates nothing and
    /// changes nothing, not even to bring an older schema up to date (that needs the lock, which only
    /// writing commands take); `nil` when there is none yet. Writes through it are not kept.
    func openIfPresent() throws(StateError) -> (any StateStore)?

    /// Takes the lock, waiting up to `timeout` seconds (0: fail at once) for another holder to finish.
    func lock(operation: String, timeout: Int) throws(StateError) -> any StateLock

    /// The current holder, if a live process holds the lock now.
    func lockHolder() -> LockInfo?

    /// `force-unlock`: clears a leftover lock record with this id; refuses while a live process holds the lock.
    func forceUnlock(id: String) throws(StateError)

    /// Whether processes on several machines can share the state, so that an apply can take workers
    /// (its stores are `SharedApplyQueue`s). Known before anything is opened or created.
    var isShared: Bool { get }
}

extension StateBackend {
    /// A state belongs to one process unless its backend says otherwise.
    public var isShared: Bool { false }
}
