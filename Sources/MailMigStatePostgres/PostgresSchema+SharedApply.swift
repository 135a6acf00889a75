/// Schema version 2: the queue of a shared apply (`apply --workers`, `mailmig worker`).
extension PostgresSchema {
    static let version2 = PostgresMigration(version: 2, statements: [
        // The apply that offers steps, and whether its coordinator is alive.
        """
        CREATE TABLE shared_applies (
            apply_id text PRIMARY KEY,
            plan_sha256 text NOT NULL,
            coordinator text NOT NULL,
            opened_at timestamptz NOT NULL DEFAULT now(),
            heartbeat_at timestamptz NOT NULL DEFAULT now(),
            closed_at timestamptz
        )
        """,
        // Its steps: offered, claimed by a worker until lease_until (the database's clock), settled.
        """
        CREATE TABLE apply_queue (
            apply_id text NOT NULL,
            step_id text NOT NULL,
            seq bigserial NOT NULL,
            step bytea NOT NULL,
            status text NOT NULL,
            worker text,
            lease_until timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            outcome text,
            PRIMARY KEY (apply_id, step_id)
        )
        """,
        "CREATE INDEX apply_queue_by_status ON apply_queue (apply_id, status, seq)",
        // The workers seen on each apply.
        """
        CREATE TABLE apply_workers (
            apply_id text NOT NULL,
            worker text NOT NULL,
            host text NOT NULL,
            pid integer NOT NULL,
            seen_at timestamptz NOT NULL,
            settled integer NOT NULL DEFAULT 0,
            PRIMARY KEY (apply_id, worker)
        )
        """,
    ])

    /// Schema version 3: a shared apply closed because a newer apply took the plan lock from its dead
    /// coordinator, which its workers tell from one its coordinator ended: they wait for the newer one.
    static let version3 = PostgresMigration(version: 3, statements: [
        "ALTER TABLE shared_applies ADD COLUMN abandoned boolean NOT NULL DEFAULT false",
    ])

    /// Schema version 4: the source's own id of a message across folders (Gmail's X-GM-MSGID), where
    /// it has one, in the ledger and the pending chunk.
    static let version4 = PostgresMigration(version: 4, statements: [
        "ALTER TABLE ledger ADD COLUMN global_id text",
        "ALTER TABLE copy_pending ADD COLUMN global_id text",
    ])

    /// Schema version 5: the ledger of contacts, events and tasks copied between CardDAV/CalDAV collections.
    static let version5 = PostgresMigration(version: 5, statements: [
        """
        CREATE TABLE item_ledger (
            mailbox text COLLATE "C" NOT NULL,
            collection text COLLATE "C" NOT NULL,
            href text COLLATE "C" NOT NULL,
            kind text NOT NULL,
            uid text NOT NULL,
            source_etag text NOT NULL,
            target_collection text NOT NULL,
            target_href text NOT NULL,
            target_etag text,
            pending bigint NOT NULL,
            conflict text,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (mailbox, collection, href)
        )
        """,
    ])
}
