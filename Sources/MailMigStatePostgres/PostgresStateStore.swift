import Foundation
import MailMigCore
import PostgresNIO

/// A plan's state in a PostgreSQL schema, with the SQLite state's tables and guarantees.
///
/// Every call is one transaction (BEGIN … COMMIT, ROLLBACK on any error). Changes of resources lock
/// the serial's row first, so concurrent commits take turns: each committed change increments the
/// serial once and is kept in the history with it, as in the SQLite state, where writers take turns
/// on the database. Calls block their thread until the server answers (see `PostgresSession`), on
/// one of a few pooled connections, so concurrent mailbox copies do not wait for one another.
public final class PostgresStateStore: StateStore {
    /// The newest schema this build reads and writes.
    public static var schemaVersion: Int { PostgresSchema.currentVersion }

    let endpoint: PostgresEndpoint
    let pool: PostgresConnectionPool
    /// The migrations this store knows.
    let migrations: [PostgresMigration]
    /// Set for a state of an older schema opened for reading: the version it is at. Each call then
    /// runs the missing migrations in its transaction and rolls everything back.
    let convertedFrom: Int?

    init(endpoint: PostgresEndpoint, migrations: [PostgresMigration], readsFrom convertedFrom: Int?, first: PostgresSession?) {
        self.endpoint = endpoint
        self.migrations = migrations
        self.convertedFrom = convertedFrom
        self.pool = PostgresConnectionPool(endpoint: endpoint, first: first)
    }

    /// How many times a transaction the server aborted as a deadlock or serialization failure is run.
    static let transactionAttempts = 4

    /// Runs `body` in a read transaction (a consistent snapshot), turning failures into `StateError`.
    @discardableResult
    func read<T>(_ body: (PostgresSession) throws -> T) throws(StateError) -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    /// Runs `body` in a write transaction, turning failures into `StateError`.
    @discardableResult
    func write<T>(_ body: (PostgresSession) throws -> T) throws(StateError) -> T {
        try transaction(begin: "BEGIN", body)
    }

    private func transaction<T>(begin: PostgresQuery, _ body: (PostgresSession) throws -> T) throws(StateError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try pool.withSession { session, reused in
                    try run(begin: begin, body, in: session, reused: reused)
                }
            } catch is StaleConnection where attempt == 1 {
                // A pooled connection the server closed meanwhile: the other idle ones were opened
                // before the same outage, so once more on a new connection, not on the next stale one.
                pool.discardIdle()
                continue
            } catch {
                if let state = PostgresFailure.sqlState(error), PostgresFailure.retryableStates.contains(state),
                   attempt < Self.transactionAttempts {
                    continue
                }
                let cause = (error as? StaleConnection)?.cause ?? error
                throw endpoint.failure(cause)
            }
        }
    }

    private func run<T>(begin: PostgresQuery, _ body: (PostgresSession) throws -> T, in session: PostgresSession, reused: Bool) throws -> T {
        let keeps = convertedFrom == nil
        do {
            // A converted read changes the schema (then throws it all away): it cannot be READ ONLY.
            try session.query(keeps ? begin : "BEGIN")
        } catch {
            if reused, PostgresFailure.isConnectionLost(error) {
                session.close()
                throw StaleConnection(cause: error)
            }
            throw error
        }
        do {
            if let convertedFrom { try PostgresSchema.apply(migrations, after: convertedFrom, in: session) }
            let result = try body(session)
            try session.query(keeps ? "COMMIT" : "ROLLBACK")
            return result
        } catch {
            session.rollback()
            throw error
        }
    }

    /// A pooled connection turned out closed before anything was sent on it.
    private struct StaleConnection: Error {
        let cause: any Error
    }

    /// Lineage, serial and schema version.
    public func meta() throws(StateError) -> StateMeta {
        try read { session in
            var values: [String: String] = [:]
            for row in try session.query("SELECT key, value FROM meta") {
                let (key, value) = try row.decode((String, String).self)
                values[key] = value
            }
            return StateMeta(lineage: values["lineage"] ?? "", serial: Int(values["serial"] ?? "0") ?? 0,
                             schemaVersion: Int(values["schema_version"] ?? "0") ?? 0)
        }
    }

    /// The serial of the last committed change; `forUpdate` locks its row until the transaction ends,
    /// so that concurrent commits take turns.
    static func serial(in session: PostgresSession, forUpdate: Bool = false) throws -> Int {
        let rows = forUpdate
            ? try session.query("SELECT value FROM meta WHERE key = 'serial' FOR UPDATE")
            : try session.query("SELECT value FROM meta WHERE key = 'serial'")
        return try rows.first.flatMap { Int(try $0.decode(String.self)) } ?? 0
    }
}
