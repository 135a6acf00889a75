import Foundation
import GRDB
import MailMigCore

/// The embedded state: one SQLite database next to the plan, `.mailmig/state.sqlite`, mode 0600.
///
/// Every write is a transaction; every committed resource change increments the serial and is kept
/// in the history with that serial. The schema and its migrations are those of every release so far:
/// a state written by an earlier mailmig opens and is migrated forward.
public final class SQLiteStateStore: StateStore {
    /// The newest schema this build reads and writes.
    public static let schemaVersion = 6

    /// The database file.
    public let path: String
    let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Opens (creating if needed) the state in `folder`, refusing a schema newer than this build knows.
    public static func open(folder: URL) throws(StateError) -> SQLiteStateStore {
        let path = folder.appendingPathComponent("state.sqlite").path
        return try opening(path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if !FileManager.default.fileExists(atPath: path) {
                // Create the file with restrictive permissions before SQLite writes anything into it.
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw StateError.unreadable(path: path, reason: "cannot create the file")
                }
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.journalMode = .wal
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let store = SQLiteStateStore(path: path, queue: queue)
            try store.migrate()
            return store
        }
    }

    /// Opens an existing state without creating one; `nil` when there is none yet.
    public static func openIfPresent(folder: URL) throws(StateError) -> SQLiteStateStore? {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("state.sqlite").path) else { return nil }
        return try open(folder: folder)
    }

    /// Opens an existing state for reading only; `nil` when there is none yet. Nothing is created and
    /// the file is not changed: a state of an older schema is copied into memory (SQLite's online
    /// backup, which sees a consistent snapshot) and the copy is converted, so `status` on a state an
    /// earlier release wrote neither upgrades it behind a running apply's back nor races that apply.
    public static func openForReading(folder: URL) throws(StateError) -> SQLiteStateStore? {
        let path = folder.appendingPathComponent("state.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try opening(path) {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let found = try schemaVersion(in: queue)
            if let found, found > Self.schemaVersion {
                throw StateError.newerSchema(found: found, supported: Self.schemaVersion)
            }
            if found == Self.schemaVersion { return SQLiteStateStore(path: path, queue: queue) }
            let copy = try DatabaseQueue()
            try queue.backup(to: copy)
            let store = SQLiteStateStore(path: path, queue: copy)
            try store.migrate()
            return store
        }
    }

    /// Runs the opening of the database at `path`, reporting any failure as `StateError`.
    private static func opening<T>(_ path: String, _ body: () throws -> T) throws(StateError) -> T {
        do {
            return try body()
        } catch let error as StateError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// The schema version recorded in the database; nil for a database without one (new or empty).
    private static func schemaVersion(in queue: DatabaseQueue) throws -> Int? {
        try queue.read { db -> Int? in
            guard try db.tableExists("meta") else { return nil }
            return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'").flatMap(Int.init)
        }
    }

    private func migrate() throws {
        let found = try Self.schemaVersion(in: queue)
        if let found, found > Self.schemaVersion {
            throw StateError.newerSchema(found: found, supported: Self.schemaVersion)
        }
        // An up-to-date state is only read: status and report never write to it.
        if found == Self.schemaVersion { return }
        try StateSchema.migrator.migrate(queue)
        try queue.write { db in
            if try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'lineage'") == nil {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('lineage', ?), ('serial', '0')",
                               arguments: [UUID().uuidString.lowercased()])
            }
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                           arguments: ["\(Self.schemaVersion)"])
        }
    }

    /// Runs a read in one transaction, so its statements see one state; turns database errors into
    /// `StateError`. Not GRDB's `read`, which switches `PRAGMA query_only` on and off around it:
    /// switching that flag expires every prepared statement of the connection, so each cached
    /// statement (the ledger's writes, the per-folder reads) would be compiled again after every read.
    func read<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do {
            return try queue.inDatabase { db in
                var result: T?
                try db.inTransaction(.deferred) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw DatabaseError(message: "the read transaction ended without a result") }
                return result
            }
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// Runs a read of one statement, which SQLite reads consistently on its own: no transaction around
    /// it, whose BEGIN and COMMIT would be compiled again for each of the thousands of such reads a
    /// pass over many folders or a plan of many mailboxes makes. The bodies given here are single SELECTs.
    func readStatement<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do {
            return try queue.inDatabase { db in try body(db) }
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// Runs a write transaction, turning database errors into `StateError`.
    func write<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do {
            return try queue.write(body)
        } catch let error as StateError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// Lineage, serial and schema version.
    public func meta() throws(StateError) -> StateMeta {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM meta")
            var values: [String: String] = [:]
            for row in rows { values[row["key"]] = row["value"] }
            return StateMeta(lineage: values["lineage"] ?? "", serial: Int(values["serial"] ?? "0") ?? 0,
                             schemaVersion: Int(values["schema_version"] ?? "0") ?? 0)
        }
    }
}
