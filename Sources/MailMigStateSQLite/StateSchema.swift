import GRDB

/// The versioned schema of the state database. Migrations are only ever appended.
enum StateSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE resources (
                    address TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    attributes BLOB NOT NULL,
                    serial INTEGER NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE TABLE history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    serial INTEGER NOT NULL,
                    address TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    action TEXT NOT NULL,
                    before BLOB,
                    after BLOB,
                    apply_id TEXT,
                    at TEXT NOT NULL
                );
                CREATE INDEX history_by_address ON history (address, serial);
                CREATE TABLE applies (
                    id TEXT PRIMARY KEY NOT NULL,
                    operation TEXT NOT NULL,
                    status TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    serial_before INTEGER NOT NULL,
                    serial_after INTEGER,
                    summary TEXT
                );
                CREATE TABLE journal (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    apply_id TEXT NOT NULL REFERENCES applies(id),
                    step_id TEXT NOT NULL,
                    address TEXT NOT NULL,
                    status TEXT NOT NULL,
                    step BLOB NOT NULL,
                    error TEXT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    UNIQUE (apply_id, step_id)
                );
                CREATE INDEX journal_by_status ON journal (status);
                """)
        }
        migrator.registerMigration("v2-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE ledger (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid INTEGER NOT NULL,
                    message_id TEXT,
                    size INTEGER NOT NULL,
                    internal_date TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    flags TEXT NOT NULL,
                    target_folder TEXT NOT NULL,
                    target_uidvalidity INTEGER,
                    target_uid INTEGER,
                    copied_at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid)
                ) WITHOUT ROWID;
                CREATE INDEX ledger_by_message ON ledger (mailbox, folder, message_id);
                CREATE TABLE copy_pending (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid INTEGER NOT NULL,
                    message_id TEXT,
                    size INTEGER NOT NULL,
                    internal_date TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    flags TEXT NOT NULL,
                    target_folder TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid)
                ) WITHOUT ROWID;
                CREATE TABLE skipped (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    internal_date TEXT,
                    message_id TEXT,
                    reason TEXT NOT NULL,
                    at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-target-rewrites") { db in
            try db.execute(sql: """
                CREATE TABLE target_rewrite (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid INTEGER NOT NULL,
                    attribute TEXT NOT NULL,
                    sent TEXT NOT NULL,
                    stored TEXT NOT NULL,
                    at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid, attribute)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4-message-keys") { db in
            // Messages are named by their store's unique identifier (`MessageKey.storageText`): an IMAP
            // UID as digits, a store-defined name after `=`. The tables are rebuilt with text columns,
            // the UIDs of earlier releases converted to their digits, so no copy is made twice.
            for table in ["ledger", "copy_pending", "skipped", "target_rewrite"] {
                try db.execute(sql: "ALTER TABLE \(table) RENAME TO \(table)_v3")
            }
            try db.execute(sql: """
                CREATE TABLE ledger (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid TEXT NOT NULL,
                    message_id TEXT,
                    size INTEGER NOT NULL,
                    internal_date TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    flags TEXT NOT NULL,
                    target_folder TEXT NOT NULL,
                    target_uidvalidity INTEGER,
                    target_uid TEXT,
                    copied_at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid)
                ) WITHOUT ROWID;
                INSERT INTO ledger SELECT mailbox, folder, uidvalidity, CAST(uid AS TEXT), message_id, size, internal_date, sha256,
                    flags, target_folder, target_uidvalidity, CAST(target_uid AS TEXT), copied_at FROM ledger_v3;
                DROP INDEX ledger_by_message;
                CREATE INDEX ledger_by_message ON ledger (mailbox, folder, message_id);
                CREATE INDEX ledger_by_target ON ledger (mailbox, target_folder, target_uidvalidity);
                CREATE TABLE copy_pending (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid TEXT NOT NULL,
                    message_id TEXT,
                    size INTEGER NOT NULL,
                    internal_date TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    flags TEXT NOT NULL,
                    target_folder TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid)
                ) WITHOUT ROWID;
                INSERT INTO copy_pending SELECT mailbox, folder, uidvalidity, CAST(uid AS TEXT), message_id, size, internal_date, sha256,
                    flags, target_folder, started_at FROM copy_pending_v3;
                CREATE TABLE skipped (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    internal_date TEXT,
                    message_id TEXT,
                    reason TEXT NOT NULL,
                    at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid)
                ) WITHOUT ROWID;
                INSERT INTO skipped SELECT mailbox, folder, uidvalidity, CAST(uid AS TEXT), size, internal_date, message_id, reason, at
                    FROM skipped_v3;
                CREATE TABLE target_rewrite (
                    mailbox TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL,
                    uid TEXT NOT NULL,
                    attribute TEXT NOT NULL,
                    sent TEXT NOT NULL,
                    stored TEXT NOT NULL,
                    at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, folder, uidvalidity, uid, attribute)
                ) WITHOUT ROWID;
                INSERT INTO target_rewrite SELECT mailbox, folder, uidvalidity, CAST(uid AS TEXT), attribute, sent, stored, at
                    FROM target_rewrite_v3;
                DROP TABLE ledger_v3;
                DROP TABLE copy_pending_v3;
                DROP TABLE skipped_v3;
                DROP TABLE target_rewrite_v3;
                """)
        }
        migrator.registerMigration("v5-global-id") { db in
            // The source's own id of a message across folders (Gmail's X-GM-MSGID), where it has one.
            try db.execute(sql: """
                ALTER TABLE ledger ADD COLUMN global_id TEXT;
                ALTER TABLE copy_pending ADD COLUMN global_id TEXT;
                """)
        }
        migrator.registerMigration("v6-item-ledger") { db in
            // Contacts, events and tasks copied between CardDAV/CalDAV collections.
            try db.execute(sql: """
                CREATE TABLE item_ledger (
                    mailbox TEXT NOT NULL,
                    collection TEXT NOT NULL,
                    href TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    uid TEXT NOT NULL,
                    source_etag TEXT NOT NULL,
                    target_collection TEXT NOT NULL,
                    target_href TEXT NOT NULL,
                    target_etag TEXT,
                    pending INTEGER NOT NULL,
                    conflict TEXT,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (mailbox, collection, href)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
