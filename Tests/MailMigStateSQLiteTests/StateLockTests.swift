import Foundation
import Testing
@testable import MailMigCore
import MailMigStateSQLite

/// What the file lock adds to the conformance suite: a record left by a process that is gone.
@Suite("State lock")
struct StateLockTests {
    /// A lock file path in a fresh temporary folder.
    static func lockPath() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("state.lock").path
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
