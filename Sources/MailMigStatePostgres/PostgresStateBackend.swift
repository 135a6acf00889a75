import Foundation
import MailMigCore

/// A plan's state in a PostgreSQL database: its tables in a schema of their own, its lock a session
/// advisory lock.
///
/// Several plans can share one database, each in its own schema. The role needs to connect to the
/// database and to use the schema; to create the schema on first use it needs `CREATE` on the
/// database (or the schema can be made beforehand and given to the role). Connections use TLS as the
/// URL's `sslmode` says (default `prefer`: when the server offers it), always verifying the server's
/// certificate, chain and name, whenever TLS is used.
public struct PostgresStateBackend: StateBackend {
    /// The PostgreSQL schema holding this plan's tables.
    public var schema: String { endpoint.schema }
    let endpoint: PostgresEndpoint
    let migrations: [PostgresMigration]

    /// A backend for the state in `schema` of the database that `url` names.
    ///
    /// - Parameters:
    ///   - url: `postgres://USER:PASSWORD@HOST[:PORT]/DATABASE`, optionally with `?connect_timeout=S`
    ///     (seconds per connection attempt, default 10), `sslmode` (`disable`; `allow` or `prefer`, the
    ///     default: TLS when offered; `require`, `verify-ca` or `verify-full`: TLS always) and
    ///     `sslrootcert=PATH` (CA certificates to trust). The password is used
    ///     to log in and appears in no message.
    ///   - schema: the schema's name: letters, digits and `_`, not starting with a digit, at most 63 bytes.
    /// - Throws: `StateError.unreadable` for a URL or schema name that cannot be used. Nothing is
    ///   connected to until the state is opened or locked.
    public init(url: String, schema: String = "mailmig") throws(StateError) {
        let server = try PostgresServer(url: url)
        try self.init(server: server, schema: schema, migrations: PostgresSchema.migrations)
    }

    /// A backend with its own list of migrations (tests add a step to see an older state upgraded).
    init(server: PostgresServer, schema: String, migrations: [PostgresMigration]) throws(StateError) {
        guard PostgresSchema.isValidName(schema) else {
            throw .unreadable(path: "postgres://\(server.address) (schema \(schema))",
                              reason: "the schema name must be letters, digits and _, not start with a digit or pg_, and be at most 63 bytes")
        }
        self.endpoint = PostgresEndpoint(server: server, schema: schema)
        self.migrations = migrations
    }

    /// `postgres://host:port/database (schema name)`, without the login.
    public var location: String { endpoint.location }

    /// Workers on any machine share a PostgreSQL state.
    public var isShared: Bool { true }

    /// Opens the state, creating the schema and its tables on first use and bringing an older state
    /// up to date; refuses a state written by a newer schema with `StateError.newerSchema`.
    public func open() throws(StateError) -> any StateStore {
        let session = try endpoint.connect()
        do {
            let found = try PostgresSchema.recordedVersion(schema: schema, in: session)
            if found != migrations.last?.version {
                try PostgresSchema.migrate(schema: schema, migrations: migrations, in: session)
            }
        } catch {
            session.close()
            throw endpoint.failure(error)
        }
        return PostgresStateStore(endpoint: endpoint, migrations: migrations, readsFrom: nil, first: session)
    }

    /// Opens an existing state for reading: nil when the schema holds none, and nothing is created.
    /// A state of an older schema is read as converted: every call upgrades it inside its own
    /// transaction and rolls that transaction back, so the stored state does not change.
    public func openIfPresent() throws(StateError) -> (any StateStore)? {
        let session = try endpoint.connect()
        let found: Int?
        do {
            found = try PostgresSchema.recordedVersion(schema: schema, in: session)
        } catch {
            session.close()
            throw endpoint.failure(error)
        }
        let supported = migrations.last?.version ?? 0
        guard let found else {
            session.close()
            return nil
        }
        if found > supported {
            session.close()
            throw .newerSchema(found: found, supported: supported)
        }
        return PostgresStateStore(endpoint: endpoint, migrations: migrations, readsFrom: found < supported ? found : nil, first: session)
    }

    /// Takes the plan lock (a session advisory lock on a connection of its own), waiting up to
    /// `timeout` seconds; creates or upgrades the schema once it holds the lock.
    public func lock(operation: String, timeout: Int) throws(StateError) -> any StateLock {
        try PostgresStateLock.acquire(at: endpoint, operation: operation, timeout: timeout, migrations: migrations)
    }

    /// The recorded holder while a session holds the plan lock; nil otherwise, or when the server
    /// cannot be reached.
    public func lockHolder() -> LockInfo? {
        PostgresStateLock.holder(at: endpoint)
    }

    /// Clears a leftover holder record; refuses while a live session holds the lock.
    public func forceUnlock(id: String) throws(StateError) {
        try PostgresStateLock.forceUnlock(at: endpoint, id: id)
    }
}
