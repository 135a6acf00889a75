import Foundation
import MailMigCore
@testable import MailMigStatePostgres

/// A schema of its own on the test server (`scripts/testenv/postgres.sh`), for one test: a random
/// name, dropped with everything in it by `drop()`. SQL the tests run beside the backend goes through
/// `psql`, a process of its own, as another client of the server would.
struct PostgresTestSchema {
    /// `MAILMIG_PG_URL`: the role, its password, the server and the database.
    let url: String
    /// The schema's name.
    let name: String

    /// A new schema name on the server `MAILMIG_PG_URL` names; nothing is created yet.
    init() throws {
        try self.init(url: TestEnvironment.require("MAILMIG_PG_URL"))
    }

    /// A new schema name on the server `url` names (a `PrivatePostgres`).
    init(url: String) {
        self.url = url
        name = "mailmig_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// The backend of this schema, optionally with a list of migrations of its own.
    func backend(migrations: [PostgresMigration]? = nil) throws -> PostgresStateBackend {
        guard let migrations else { return try PostgresStateBackend(url: url, schema: name) }
        return try PostgresStateBackend(server: PostgresServer(url: url), schema: name, migrations: migrations)
    }

    /// Drops the schema and everything in it (nothing when it does not exist).
    func drop() {
        _ = try? psql("DROP SCHEMA IF EXISTS \(name) CASCADE")
    }

    /// Runs SQL with `psql` and returns its rows, one line each, columns separated by `|`.
    @discardableResult
    func psql(_ sql: String) throws -> String {
        try Spawn.succeed("psql", [url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether the schema exists on the server.
    func exists() throws -> Bool {
        try psql("SELECT count(*) FROM pg_namespace WHERE nspname = '\(name)'") == "1"
    }

    /// The `WHERE` condition selecting, in `pg_locks`, this schema's plan lock.
    var planLockCondition: String {
        let (classid, objid) = PostgresLockKey.lockTableColumns(PostgresLockKey.plan(schema: name))
        return """
            locktype = 'advisory' AND granted AND objsubid = 1 AND classid = \(classid) AND objid = \(objid)
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
    }

    /// The plan lock's key, as `pg_advisory_lock` takes it.
    var planLockKey: Int64 { PostgresLockKey.plan(schema: name) }
}
