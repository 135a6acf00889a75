import Foundation
import GRDB
import MailMigCore

extension SQLiteStateStore {
    /// Every resource, ordered by address; only those under `prefix` when given.
    public func resources(prefix: String?) throws(StateError) -> [ResourceRecord] {
        try readStatement { db in
            let rows: [Row]
            if let prefix, let end = Self.end(ofPrefix: prefix) {
                // A range of the primary key: read from its index, where a test of every address would
                // scan the whole table once per mailbox planned.
                rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM resources WHERE address >= ? AND address < ? ORDER BY address"),
                                        arguments: [prefix, end])
            } else if let prefix {
                // SQLite counts characters, not Swift's grapheme clusters: the prefix's length is its own.
                rows = try Row.fetchAll(db, sql: "SELECT * FROM resources WHERE substr(address, 1, length(?1)) = ?1 ORDER BY address",
                                        arguments: [prefix])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM resources ORDER BY address")
            }
            return rows.map(Self.resource(from:))
        }
    }

    /// The first text after every text that starts with `prefix`, in SQLite's byte order: the prefix
    /// with its last byte one higher. Nil when that byte is not ASCII (one higher would not be UTF-8).
    static func end(ofPrefix prefix: String) -> String? {
        var bytes = Array(prefix.utf8)
        guard let last = bytes.last, last < 0x7F else { return nil }
        bytes[bytes.count - 1] = last + 1
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One resource by address.
    public func resource(_ address: String) throws(StateError) -> ResourceRecord? {
        try readStatement { db in
            // Asked once per folder per pass: compiled once.
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM resources WHERE address = ?"), arguments: [address]).map(Self.resource(from:))
        }
    }

    /// Commits changes in one transaction; returns the new serial (unchanged when `changes` is empty).
    @discardableResult
    public func commit(_ changes: [ResourceChange], applyID: String?) throws(StateError) -> Int {
        try write { db in try Self.commit(changes, applyID: applyID, in: db) }
    }

    /// Commits inside an open transaction (so journal and resources change together).
    static func commit(_ changes: [ResourceChange], applyID: String?, in db: Database) throws -> Int {
        // A pass commits once per folder: the statements are compiled once.
        let current = try Int(String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'serial'")) ?? "0") ?? 0
        guard !changes.isEmpty else { return current }
        let serial = current + 1
        let now = SQLiteTimestamp.now()
        var changed = false
        for change in changes {
            let before = try Row.fetchOne(db.cachedStatement(sql: "SELECT kind, attributes FROM resources WHERE address = ?"), arguments: [change.address])
            let beforeData: Data? = before?["attributes"]
            switch change {
            case .put(let address, let kind, let attributes):
                if beforeData == attributes { continue }
                changed = true
                try db.cachedStatement(sql: """
                    INSERT INTO resources (address, kind, attributes, serial, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(address) DO UPDATE SET kind = excluded.kind, attributes = excluded.attributes,
                        serial = excluded.serial, updated_at = excluded.updated_at
                    """).execute(arguments: [address, kind, attributes, serial, now])
                try db.cachedStatement(sql: "INSERT INTO history (serial, address, kind, action, before, after, apply_id, at) VALUES (?, ?, ?, 'put', ?, ?, ?, ?)")
                    .execute(arguments: [serial, address, kind, beforeData, attributes, applyID, now])
            case .remove(let address):
                guard let before else { continue }
                changed = true
                try db.execute(sql: "DELETE FROM resources WHERE address = ?", arguments: [address])
                try db.execute(sql: "INSERT INTO history (serial, address, kind, action, before, after, apply_id, at) VALUES (?, ?, ?, 'remove', ?, NULL, ?, ?)",
                               arguments: [serial, address, before["kind"] as String, beforeData, applyID, now])
            }
        }
        // A write that changes nothing is not a change: the serial (and saved plans made from it) stay valid.
        guard changed else { return current }
        try db.cachedStatement(sql: "UPDATE meta SET value = ? WHERE key = 'serial'").execute(arguments: ["\(serial)"])
        return serial
    }

    /// The history, newest first, at most `limit` entries; of one resource when `address` is given.
    public func history(address: String?, limit: Int) throws(StateError) -> [HistoryEntry] {
        try read { db in
            let rows: [Row]
            if let address {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM history WHERE address = ? ORDER BY id DESC LIMIT ?", arguments: [address, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM history ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return rows.map { row in
                HistoryEntry(serial: row["serial"], address: row["address"], action: row["action"], before: row["before"],
                             after: row["after"], kind: row["kind"], applyID: row["apply_id"], at: row["at"])
            }
        }
    }

    /// Each resource changed after `serial`, with its attributes as they were at `serial` (`nil`: it did not exist).
    public func resources(asOf serial: Int) throws(StateError) -> [String: (kind: String, attributes: Data?)] {
        try read { db in
            // The first change after `serial` holds, in `before`, the value the resource had at `serial`.
            let rows = try Row.fetchAll(db, sql: """
                SELECT h.address, h.kind, h.before FROM history h
                WHERE h.id = (SELECT MIN(id) FROM history WHERE address = h.address AND serial > ?)
                """, arguments: [serial])
            var result: [String: (kind: String, attributes: Data?)] = [:]
            for row in rows { result[row["address"]] = (row["kind"], row["before"]) }
            return result
        }
    }

    private static func resource(from row: Row) -> ResourceRecord {
        ResourceRecord(address: row["address"], kind: row["kind"], attributes: row["attributes"], serial: row["serial"], updatedAt: row["updated_at"])
    }
}
