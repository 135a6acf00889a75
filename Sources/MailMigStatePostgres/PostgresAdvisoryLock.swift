import Crypto
import Foundation
import MailMigCore
import PostgresNIO

/// The advisory lock keys of a plan's schema: one for the plan lock, one for schema migrations.
///
/// PostgreSQL advisory locks are named by a 64-bit number within a database; each is derived from
/// the schema's name (the first 8 bytes of a SHA-256), so plans sharing a database never share a lock.
enum PostgresLockKey {
    /// The key of the plan lock (`StateBackend.lock`).
    static func plan(schema: String) -> Int64 { key("plan-lock", schema) }

    /// The key held while a schema is created or migrated.
    static func migration(schema: String) -> Int64 { key("migration", schema) }

    /// How `pg_locks` shows a bigint key: its high half as `classid`, its low half as `objid`.
    static func lockTableColumns(_ key: Int64) -> (classid: Int64, objid: Int64) {
        let bits = UInt64(bitPattern: key)
        return (Int64(bits >> 32), Int64(bits & 0xFFFF_FFFF))
    }

    private static func key(_ purpose: String, _ schema: String) -> Int64 {
        let digest = SHA256.hash(data: Data("mailmig-state:\(purpose):\(schema)".utf8))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }
}

/// The statements behind the plan lock: a session advisory lock, which PostgreSQL releases when the
/// session ends (the process exited, was killed or lost its connection), and the holder's record in
/// `lock_holder`, which only says who it is.
enum PostgresAdvisoryLock {
    /// Takes the plan lock on this session if no other session has it.
    static func tryLock(schema: String, in session: PostgresSession) throws -> Bool {
        let rows = try session.query("SELECT pg_try_advisory_lock(\(PostgresLockKey.plan(schema: schema)))")
        return try rows.first?.decode(Bool.self) ?? false
    }

    /// Releases the plan lock this session holds.
    static func unlock(schema: String, in session: PostgresSession) throws {
        try session.query("SELECT pg_advisory_unlock(\(PostgresLockKey.plan(schema: schema)))")
    }

    /// Whether any session holds the plan lock now (from `pg_locks`, without taking it).
    static func isHeld(schema: String, in session: PostgresSession) throws -> Bool {
        let (classid, objid) = PostgresLockKey.lockTableColumns(PostgresLockKey.plan(schema: schema))
        let rows = try session.query("""
            SELECT EXISTS (
                SELECT 1 FROM pg_catalog.pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 1
                  AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
                  AND classid = \(classid)::oid AND objid = \(objid)::oid
            )
            """)
        return try rows.first?.decode(Bool.self) ?? false
    }

    /// The recorded holder; nil when there is no record (or no state yet).
    static func record(schema: String, in session: PostgresSession) throws -> LockInfo? {
        let table = try session.query("""
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = \(schema) AND tablename = 'lock_holder')
            """)
        guard let present = table.first, try present.decode(Bool.self) else { return nil }
        let rows = try session.query("SELECT id, operation, who, pid, since FROM lock_holder ORDER BY since DESC LIMIT 1")
        return try rows.first.map { row in
            let (id, operation, who, pid, since) = try row.decode((String, String, String, Int32, Date).self)
            return LockInfo(id: id, operation: operation, who: who, pid: pid, since: since)
        }
    }

    /// Replaces the record with this holder's, in one transaction.
    static func write(_ info: LockInfo, in session: PostgresSession) throws {
        try session.query("BEGIN")
        do {
            try session.query("DELETE FROM lock_holder")
            try session.query("""
                INSERT INTO lock_holder (id, operation, who, pid, since)
                VALUES (\(info.id), \(info.operation), \(info.who), \(info.pid), \(info.since))
                """)
            try session.query("COMMIT")
        } catch {
            session.rollback()
            throw error
        }
    }

    /// Deletes the record of the holder with this id.
    static func clear(id: String, in session: PostgresSession) throws {
        try session.query("DELETE FROM lock_holder WHERE id = \(id)")
    }

    /// The holder named when a session holds the lock but no record says who (a process between
    /// taking the lock and writing its record, or one that is not mailmig).
    static var unknownHolder: LockInfo {
        LockInfo(id: "unknown", operation: "another process", who: "unknown", pid: 0, since: Date())
    }
}
