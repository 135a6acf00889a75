import Foundation
import MailMigCore

/// A plan's state as files in one folder: the SQLite database `state.sqlite` and the lock file `state.lock`.
///
/// The folder is usually `.mailmig/` next to the plan (`Workspace.stateFolder(forPlanAt:)`); tests give
/// a folder of their own.
public struct SQLiteStateBackend: StateBackend {
    /// The state folder, created with mode 0700 on first use.
    public let folder: URL

    /// A backend for the state in `folder`.
    public init(folder: URL) {
        self.folder = folder
    }

    /// The lock file; a separate file, so the lock can be taken and inspected without opening the database.
    public var lockPath: String { folder.appendingPathComponent("state.lock").path }

    /// The folder's path.
    public var location: String { folder.path }

    /// Opens the database, creating folder and file on first use.
    public func open() throws(StateError) -> any StateStore {
        try SQLiteStateStore.open(folder: folder)
    }

    /// Opens the database for reading if the file exists; creates and changes nothing. A database of
    /// an older schema is read through a copy converted in memory.
    public func openIfPresent() throws(StateError) -> (any StateStore)? {
        try SQLiteStateStore.openForReading(folder: folder)
    }

    /// Takes the file lock, creating the folder first: the lock is taken before the database exists.
    public func lock(operation: String, timeout: Int) throws(StateError) -> any StateLock {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unreadable(path: folder.path, reason: "\(error)")
        }
        return try FileStateLock.acquire(at: lockPath, operation: operation, timeout: timeout)
    }

    /// The holder recorded in the lock file, if a live process holds it.
    public func lockHolder() -> LockInfo? {
        FileStateLock.holder(at: lockPath)
    }

    /// Clears a leftover record in the lock file; refuses while a live process holds the lock.
    public func forceUnlock(id: String) throws(StateError) {
        try FileStateLock.forceUnlock(at: lockPath, id: id)
    }
}
