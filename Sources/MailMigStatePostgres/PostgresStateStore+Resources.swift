import Foundation
import MailMigCore
import PostgresNIO

extension PostgresStateStore {
    /// Every resource, ordered by address (byte order); only those under `prefix` when given.
    public func resources(prefix: String?) throws(StateError) -> [ResourceRecord] {
        try read { session in
            let rows: PostgresQueryResult
            if let prefix {
                rows = try session.query("""
                    SELECT address, kind, attributes, serial, updated_at FROM resources
                    WHERE starts_with(address, \(prefix)) ORDER BY address
                    """)
            } else {
                rows = try session.query("SELECT address, kind, attributes, serial, updated_at FROM resources ORDER BY address")
            }
            return try rows.map(Self.resource(from:))
        }
    }

    /// One resource by address.
    public func resource(_ address: String) throws(StateError) -> ResourceRecord? {
        try read { session in
            try session.query("SELECT address, kind, attributes, serial, updated_at FROM resources WHERE address = \(address)")
                .first.map(Self.resource(from:))
        }
    }

    /// Commits changes in one transaction; returns the new serial (unchanged when `changes` is empty
    /// or changes nothing).
    @discardableResult
    public func commit(_ changes: [ResourceChange], applyID: String?) throws(StateError) -> Int {
        try write { session in try Self.commit(changes, applyID: applyID, in: session) }
    }

    /// Commits inside an open transaction (so a journal step and its resources change together).
    static func commit(_ changes: [ResourceChange], applyID: String?, in session: PostgresSession) throws -> Int {
        guard !changes.isEmpty else { return try serial(in: session) }
        // Locks the serial's row: a concurrent commit waits here until this transaction ends.
        let current = try serial(in: session, forUpdate: true)
        let serial = current + 1
        let now = Date()
        var changed = false
        for change in changes {
            let before = try session.query("SELECT kind, attributes FROM resources WHERE address = \(change.address)")
                .first.map { try $0.decode((String, Data).self) }
            switch change {
            case .put(let address, let kind, let attributes):
                if before?.1 == attributes { continue }
                changed = true
                try session.run([
                    try """
                        INSERT INTO resources (address, kind, attributes, serial, updated_at)
                        VALUES (\(address), \(kind), \(attributes), \(serial), \(now))
                        ON CONFLICT (address) DO UPDATE SET kind = excluded.kind, attributes = excluded.attributes,
                            serial = excluded.serial, updated_at = excluded.updated_at
                        """,
                    try """
                        INSERT INTO history (serial, address, kind, action, before, after, apply_id, at)
                        VALUES (\(serial), \(address), \(kind), 'put', \(before?.1), \(attributes), \(applyID), \(now))
                        """,
                ])
            case .remove(let address):
                guard let before else { continue }
                changed = true
                try session.run([
                    "DELETE FROM resources WHERE address = \(address)",
                    try """
                        INSERT INTO history (serial, address, kind, action, before, after, apply_id, at)
                        VALUES (\(serial), \(address), \(before.0), 'remove', \(before.1), NULL, \(applyID), \(now))
                        """,
                ])
            }
        }
        // A write that changes nothing is not a change: the serial (and saved plans made from it) stay valid.
        guard changed else { return current }
        try session.query("UPDATE meta SET value = \(String(serial)) WHERE key = 'serial'")
        return serial
    }

    /// The history, newest first, at most `limit` entries; of one resource when `address` is given.
    public func history(address: String?, limit: Int) throws(StateError) -> [HistoryEntry] {
        try read { session in
            let rows: PostgresQueryResult
            if let address {
                rows = try session.query("""
                    SELECT \(unescaped: Self.historyColumns) FROM history WHERE address = \(address) ORDER BY id DESC LIMIT \(limit)
                    """)
            } else {
                rows = try session.query("SELECT \(unescaped: Self.historyColumns) FROM history ORDER BY id DESC LIMIT \(limit)")
            }
            return try rows.map(Self.historyEntry(from:))
        }
    }

    /// Each resource changed after `serial`, with its attributes as they were at `serial` (`nil`: it did not exist).
    public func resources(asOf serial: Int) throws(StateError) -> [String: (kind: String, attributes: Data?)] {
        try read { session in
            // The first change after `serial` holds, in `before`, the value the resource had at `serial`.
            let rows = try session.query("""
                SELECT DISTINCT ON (address) address, kind, before FROM history
                WHERE serial > \(serial) ORDER BY address, id
                """)
            var result: [String: (kind: String, attributes: Data?)] = [:]
            for row in rows {
                let (address, kind, before) = try row.decode((String, String, Data?).self)
                result[address] = (kind, before)
            }
            return result
        }
    }

    /// The columns `historyEntry(from:)` reads, in its order.
    static let historyColumns = "serial, address, action, before, after, kind, apply_id, at"

    /// A history row selected with `historyColumns`.
    static func historyEntry(from row: PostgresRow) throws -> HistoryEntry {
        let (serial, address, action, before, after, kind, applyID, at) = try row.decode((Int, String, String, Data?, Data?, String, String?, Date).self)
        return HistoryEntry(serial: serial, address: address, action: action, before: before, after: after, kind: kind, applyID: applyID, at: at)
    }

    private static func resource(from row: PostgresRow) throws -> ResourceRecord {
        let (address, kind, attributes, serial, updatedAt) = try row.decode((String, String, Data, Int, Date).self)
        return ResourceRecord(address: address, kind: kind, attributes: attributes, serial: serial, updatedAt: updatedAt)
    }
}
