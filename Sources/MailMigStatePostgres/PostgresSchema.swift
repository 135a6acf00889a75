import Foundation
import MailMigCore
import PostgresNIO

/// One numbered step of the state's schema: statements run in one transaction with the version
/// recorded, so a state is always at exactly one version.
struct PostgresMigration: Sendable {
    /// The version a state has after this step.
    let version: Int
    /// The statements, run in order against the plan's schema (the connection's search path).
    let statements: [String]
}

/// The versioned schema of a PostgreSQL state, and bringing a state up to it.
///
/// The tables are the SQLite state's, in PostgreSQL's types: attributes and steps as `bytea`, times
/// as `timestamptz`, message keys as their `storageText`, flags as the same JSON text. Addresses sort
/// byte by byte (`COLLATE "C"`), as SQLite sorts them, whatever the database's locale. Migrations are
/// only ever appended; `meta.schema_version` records how far a state is.
enum PostgresSchema {
    /// Every migration, in order.
    static let migrations: [PostgresMigration] = [version1, version2, version3, version4, version5]

    /// The newest version this build reads and writes.
    static var currentVersion: Int { migrations.last?.version ?? 0 }

    static let version1 = PostgresMigration(version: 1, statements: [
        "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
        """
        CREATE TABLE resources (
            address text COLLATE "C" PRIMARY KEY,
            kind text NOT NULL,
            attributes bytea NOT NULL,
            serial bigint NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE history (
            id bigserial PRIMARY KEY,
            serial bigint NOT NULL,
            address text COLLATE "C" NOT NULL,
            kind text NOT NULL,
            action text NOT NULL,
            before bytea,
            after bytea,
            apply_id text,
            at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX history_by_address ON history (address, serial)",
        "CREATE INDEX history_by_kind ON history (kind, id)",
        """
        CREATE TABLE applies (
            id text PRIMARY KEY,
            seq bigserial NOT NULL,
            operation text NOT NULL,
            status text NOT NULL,
            started_at timestamptz NOT NULL,
            finished_at timestamptz,
            serial_before bigint NOT NULL,
            serial_after bigint,
            summary text
        )
        """,
        """
        CREATE TABLE journal (
            id bigserial PRIMARY KEY,
            apply_id text NOT NULL REFERENCES applies (id),
            step_id text NOT NULL,
            address text NOT NULL,
            status text NOT NULL,
            step bytea NOT NULL,
            error text,
            started_at timestamptz NOT NULL,
            finished_at timestamptz,
            UNIQUE (apply_id, step_id)
        )
        """,
        "CREATE INDEX journal_by_status ON journal (status)",
        """
        CREATE TABLE ledger (
            mailbox text NOT NULL,
            folder text NOT NULL,
            uidvalidity bigint NOT NULL,
            uid text NOT NULL,
            message_id text,
            size bigint NOT NULL,
            internal_date text NOT NULL,
            sha256 text NOT NULL,
            flags text NOT NULL,
            target_folder text NOT NULL,
            target_uidvalidity bigint,
            target_uid text,
            copied_at timestamptz NOT NULL,
            PRIMARY KEY (mailbox, folder, uidvalidity, uid)
        )
        """,
        "CREATE INDEX ledger_by_message ON ledger (mailbox, folder, message_id)",
        "CREATE INDEX ledger_by_target ON ledger (mailbox, target_folder, target_uidvalidity)",
        """
        CREATE TABLE copy_pending (
            mailbox text NOT NULL,
            folder text NOT NULL,
            uidvalidity bigint NOT NULL,
            uid text NOT NULL,
            message_id text,
            size bigint NOT NULL,
            internal_date text NOT NULL,
            sha256 text NOT NULL,
            flags text NOT NULL,
            target_folder text NOT NULL,
            started_at timestamptz NOT NULL,
            PRIMARY KEY (mailbox, folder, uidvalidity, uid)
        )
        """,
        """
        CREATE TABLE skipped (
            mailbox text NOT NULL,
            folder text NOT NULL,
            uidvalidity bigint NOT NULL,
            uid text NOT NULL,
            size bigint NOT NULL,
            internal_date text,
            message_id text,
            reason text NOT NULL,
            at timestamptz NOT NULL,
            PRIMARY KEY (mailbox, folder, uidvalidity, uid)
        )
        """,
        """
        CREATE TABLE target_rewrite (
            mailbox text NOT NULL,
            folder text NOT NULL,
            uidvalidity bigint NOT NULL,
            uid text NOT NULL,
            attribute text NOT NULL,
            sent text NOT NULL,
            stored text NOT NULL,
            at timestamptz NOT NULL,
            PRIMARY KEY (mailbox, folder, uidvalidity, uid, attribute)
        )
        """,
        // Who holds the plan lock (the lock itself is a session advisory lock): at most one row.
        """
        CREATE TABLE lock_holder (
            id text PRIMARY KEY,
            operation text NOT NULL,
            who text NOT NULL,
            pid integer NOT NULL,
            since timestamptz NOT NULL
        )
        """,
    ])

    /// `name` as a quoted SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Whether `name` can name a plan's schema: a letter or `_`, then letters, digits and `_`, at most
    /// 63 bytes (PostgreSQL's limit), and not one of PostgreSQL's own (`pg_…`, `information_schema`).
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        let rest = letters.union(CharacterSet(charactersIn: "0123456789"))
        guard letters.contains(first), name.unicodeScalars.allSatisfy({ rest.contains($0) }) else { return false }
        let lower = name.lowercased()
        return !lower.hasPrefix("pg_") && lower != "information_schema"
    }

    /// The version recorded in the schema; nil when the schema holds no state (or does not exist).
    static func recordedVersion(schema: String, in session: PostgresSession) throws -> Int? {
        let present = try session.query("""
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = \(schema) AND tablename = 'meta')
            """)
        guard let row = present.first, try row.decode(Bool.self) else { return nil }
        let recorded = try session.query("SELECT value FROM meta WHERE key = 'schema_version'")
        return try recorded.first.map { Int(try $0.decode(String.self)) ?? 0 } ?? 0
    }

    /// Creates the schema and its tables, or brings an older state up to date, in one transaction under
    /// an advisory lock (so two processes opening a new state at once do not both create it).
    ///
    /// Throws `StateError.newerSchema` for a state written by a newer build, changing nothing.
    static func migrate(schema: String, migrations: [PostgresMigration], in session: PostgresSession) throws {
        try session.query("BEGIN")
        do {
            try session.query("SELECT pg_advisory_xact_lock(\(PostgresLockKey.migration(schema: schema)))")
            let exists = try session.query("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = \(schema))")
            if let row = exists.first, try !row.decode(Bool.self) {
                // Checked first: a role that may use an existing schema need not be allowed to create one.
                try session.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(quoted(schema))"))
            }
            let found = try recordedVersion(schema: schema, in: session) ?? 0
            let supported = migrations.last?.version ?? 0
            if found > supported { throw StateError.newerSchema(found: found, supported: supported) }
            try apply(migrations, after: found, in: session)
            try session.query("""
                INSERT INTO meta (key, value) VALUES ('lineage', \(UUID().uuidString.lowercased())), ('serial', '0')
                ON CONFLICT (key) DO NOTHING
                """)
            try session.query("COMMIT")
        } catch {
            session.rollback()
            throw error
        }
    }

    /// Runs the migrations newer than `version` inside the caller's transaction and records the last.
    static func apply(_ migrations: [PostgresMigration], after version: Int, in session: PostgresSession) throws {
        let pending = migrations.filter { $0.version > version }
        guard let last = pending.last else { return }
        for migration in pending {
            for statement in migration.statements {
                try session.query(PostgresQuery(unsafeSQL: statement))
            }
        }
        try session.query("""
            INSERT INTO meta (key, value) VALUES ('schema_version', \(String(last.version)))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """)
    }
}
