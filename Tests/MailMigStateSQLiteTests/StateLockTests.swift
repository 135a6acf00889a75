import Foundation
import Testing
@testable import MailMigCore
import MailMigStateSQLite

/// Whether two lock records name the same holder; `since` is stored to the second.
func sameHolder(_ lhs: LockInfo?, _ rhs: LockInfo) -> Bool {
    guard let lhs else { return false }
    return lhs.id == rhs.id && lhs.operation == rhs.operation && lhs.who == rhs.who && lhs.pid == rhs.pid
        && abs(lhs.since.timeIntervalSince(rhs.since)) < 1
}

/// The state lock: one holder at a time, named in every refusal.
@Suite("State lock")
struct StateLockTests {
    /// A lock file path in a fresh temporary folder.
    static func lockPath() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("state.lock").path
    }

    @Test("a second acquire fails with .locked naming the operation, the pid and the lock id")
    func secondAcquire() throws {
        let path = try Self.lockPath()
        let held = try FileStateLock.acquire(at: path, operation: "apply")
        defer { held.release() }
        #expect(held.info.operation == "apply")
        #expect(held.info.pid == getpid())
        do {
            _ = try FileStateLock.acquire(at: path, operation: "plan")
            Issue.record("the second acquire succeeded")
        } catch {
            guard case .locked(let holder) = error else { Issue.record("not .locked: \(error)"); return }
            #expect(sameHolder(holder, held.info))
            let message = error.description
            #expect(message.hasPrefix("state is locked by apply (id \(held.info.id), \(held.info.who), pid \(getpid()), since "))
            #expect(message.hasSuffix("run `mailmig force-unlock \(held.info.id)`"))
        }
        #expect(sameHolder(FileStateLock.holder(at: path), held.info))
    }

    @Test("release frees the lock and clears the record")
    func release() throws {
        let path = try Self.lockPath()
        let held = try FileStateLock.acquire(at: path, operation: "apply")
        held.release()
        held.release()
        #expect(FileStateLock.holder(at: path) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        let again = try FileStateLock.acquire(at: path, operation: "rollback")
        #expect(again.info.operation == "rollback")
        again.release()
    }

    @Test("with a timeout, acquire waits for the holder to finish")
    func waitsForRelease() throws {
        let path = try Self.lockPath()
        let held = try FileStateLock.acquire(at: path, operation: "apply")
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(600)) { held.release() }
        let started = Date()
        let second = try FileStateLock.acquire(at: path, operation: "plan", timeout: 5)
        #expect(Date().timeIntervalSince(started) >= 0.5)
        #expect(FileStateLock.holder(at: path)?.operation == "plan")
        second.release()
    }

    @Test("with a timeout, acquire gives up after it with .lockTimeout")
    func timesOut() throws {
        let path = try Self.lockPath()
        let held = try FileStateLock.acquire(at: path, operation: "apply")
        defer { held.release() }
        let started = Date()
        let error = #expect(throws: StateError.self) { try FileStateLock.acquire(at: path, operation: "plan", timeout: 1) }
        guard case .lockTimeout(let holder, let seconds) = error else { Issue.record("not .lockTimeout: \(String(describing: error))"); return }
        #expect(sameHolder(holder, held.info))
        #expect(seconds == 1)
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(StateError.lockTimeout(held.info, seconds: 1).description.hasSuffix("after waiting 1s"))
    }

    @Test("force-unlock refuses a lock a live holder has, and a wrong id")
    func forceUnlockHeld() throws {
        let path = try Self.lockPath()
        let held = try FileStateLock.acquire(at: path, operation: "apply")
        defer { held.release() }
        let error = #expect(throws: StateError.self) { try FileStateLock.forceUnlock(at: path, id: held.info.id) }
        guard case .lockHeld(let holder) = error else { Issue.record("not .lockHeld: \(String(describing: error))"); return }
        #expect(sameHolder(holder, held.info))
        #expect(throws: StateError.lockMismatch(given: "nope", current: held.info.id)) { try FileStateLock.forceUnlock(at: path, id: "nope") }
        #expect(sameHolder(FileStateLock.holder(at: path), held.info))
    }

    @Test("force-unlock clears a stale record left by a process that is gone")
    func forceUnlockStale() throws {
        let path = try Self.lockPath()
        let stale = LockInfo(id: "0d5e7b1c-stale", operation: "apply", who: "ops@host", pid: 999_999, since: Date(timeIntervalSince1970: 1_700_000_000))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(stale).write(to: URL(fileURLWithPath: path))
        #expect(FileStateLock.holder(at: path) == nil)
        try FileStateLock.forceUnlock(at: path, id: stale.id)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        #expect(throws: StateError.lockMismatch(given: stale.id, current: nil)) { try FileStateLock.forceUnlock(at: path, id: stale.id) }
    }
}
