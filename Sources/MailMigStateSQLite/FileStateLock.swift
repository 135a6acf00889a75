import Foundation
import MailMigCore

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a state folder: an OS file lock the kernel releases if the process dies,
/// plus a record of the holder written into the lock file, for messages.
public final class FileStateLock: StateLock, @unchecked Sendable {
    // The descriptor is only touched by `release()`, which is idempotent under `mutex`.
    private var descriptor: Int32
    private let mutex = NSLock()
    /// The holder's details.
    public let info: LockInfo
    private let path: String

    private init(descriptor: Int32, info: LockInfo, path: String) {
        self.descriptor = descriptor
        self.info = info
        self.path = path
    }

    deinit { release() }

    /// Takes the lock, waiting up to `timeout` seconds (0: fail at once) for another holder to finish.
    public static func acquire(at path: String, operation: String, timeout: Int = 0) throws(StateError) -> FileStateLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw .unreadable(path: path, reason: reason)
            }
            if Date() >= deadline {
                let holder = readInfo(descriptor: descriptor) ?? LockInfo(id: "unknown", operation: "another process", who: "unknown", pid: 0, since: Date())
                close(descriptor)
                throw timeout > 0 ? .lockTimeout(holder, seconds: timeout) : .locked(holder)
            }
            usleep(200_000)
        }
        let info = LockInfo(id: UUID().uuidString.lowercased(), operation: operation, who: LockInfo.currentUserAndHost(), pid: getpid(), since: Date())
        writeInfo(info, descriptor: descriptor)
        return FileStateLock(descriptor: descriptor, info: info, path: path)
    }

    /// The current holder, if any process holds the lock now.
    public static func holder(at path: String) -> LockInfo? {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        return readInfo(descriptor: descriptor)
    }

    /// `force-unlock`: clears a leftover lock record; refuses while a live process holds the lock.
    public static func forceUnlock(at path: String, id: String) throws(StateError) {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw .lockMismatch(given: id, current: nil) }
        defer { close(descriptor) }
        let recorded = readInfo(descriptor: descriptor)
        guard let recorded, recorded.id == id else { throw .lockMismatch(given: id, current: recorded?.id) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { throw .lockHeld(recorded) }
        ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
    }

    /// Releases the lock and clears the holder record. Safe to call more than once.
    public func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard descriptor >= 0 else { return }
        ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    private static func writeInfo(_ info: LockInfo, descriptor: Int32) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(info) else { return }
        ftruncate(descriptor, 0)
        _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        fsync(descriptor)
    }

    private static func readInfo(descriptor: Int32) -> LockInfo? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(LockInfo.self, from: Data(buffer[0..<count]))
    }
}
