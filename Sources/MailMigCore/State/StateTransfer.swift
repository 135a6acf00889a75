import Foundation

/// A state whose records can be read and written whole, table by table, so that `mailmig state push`
/// and `pull` move a state between backends with its history, serials, journal and ledger intact.
///
/// Rows travel in pages (`StateTransfer.pageSize`), so moving a ledger of millions of messages never
/// holds it in memory. Each backend reads and writes its own column types; the columns of each table
/// are fixed by `StateTable`.
public protocol StateTransfer: AnyObject, Sendable {
    /// Whether the state holds nothing yet: no resource, apply, ledger row or skipped message.
    func isEmptyState() throws(StateError) -> Bool

    /// Up to `limit` rows of `table` after the first `offset`, in the order they were written, each as
    /// the values of `table.columns`.
    func exportRows(of table: StateTable, offset: Int, limit: Int) throws(StateError) -> [[StateValue]]

    /// Writes rows into `table` in one transaction, after those already written; `meta` rows replace
    /// the lineage and serial the new state was created with.
    func importRows(_ rows: [[StateValue]], into table: StateTable) throws(StateError)
}

/// One value of a state row as it travels between backends.
public enum StateValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob(Data)
    case date(Date)
}

/// A table of the state as both backends hold it: its name and columns with their types.
public struct StateTable: Sendable, Equatable {
    /// A column's type.
    public enum ColumnType: Sendable, Equatable {
        case integer, text, blob, date
    }

    /// The table's name.
    public let name: String
    /// Its columns, in order, with their types. Generated keys (history's and the journal's ids) are
    /// left out: rows are written in their original order, so the new keys keep it.
    public let columns: [(name: String, type: ColumnType)]

    public static func == (left: StateTable, right: StateTable) -> Bool { left.name == right.name }

    /// Rows per page when a state is moved.
    public static let pageSize = 2_000

    /// Every table, parents first (an apply before its journal).
    public static let all: [StateTable] = [
        StateTable(name: "meta", columns: [("key", .text), ("value", .text)]),
        StateTable(name: "resources", columns: [("address", .text), ("kind", .text), ("attributes", .blob), ("serial", .integer),
                                                ("updated_at", .date)]),
        StateTable(name: "history", columns: [("serial", .integer), ("address", .text), ("kind", .text), ("action", .text),
                                              ("before", .blob), ("after", .blob), ("apply_id", .text), ("at", .date)]),
        StateTable(name: "applies", columns: [("id", .text), ("operation", .text), ("status", .text), ("started_at", .date),
                                              ("finished_at", .date), ("serial_before", .integer), ("serial_after", .integer),
                                              ("summary", .text)]),
        StateTable(name: "journal", columns: [("apply_id", .text), ("step_id", .text), ("address", .text), ("status", .text),
                                              ("step", .blob), ("error", .text), ("started_at", .date), ("finished_at", .date)]),
        StateTable(name: "ledger", columns: [("mailbox", .text), ("folder", .text), ("uidvalidity", .integer), ("uid", .text),
                                             ("message_id", .text), ("size", .integer), ("internal_date", .text), ("sha256", .text),
                                             ("flags", .text), ("target_folder", .text), ("target_uidvalidity", .integer),
                                             ("target_uid", .text), ("copied_at", .date)]),
        StateTable(name: "copy_pending", columns: [("mailbox", .text), ("folder", .text), ("uidvalidity", .integer), ("uid", .text),
                                                   ("message_id", .text), ("size", .integer), ("internal_date", .text),
                                                   ("sha256", .text), ("flags", .text), ("target_folder", .text), ("started_at", .date)]),
        StateTable(name: "skipped", columns: [("mailbox", .text), ("folder", .text), ("uidvalidity", .integer), ("uid", .text),
                                              ("size", .integer), ("internal_date", .text), ("message_id", .text), ("reason", .text),
                                              ("at", .date)]),
        StateTable(name: "target_rewrite", columns: [("mailbox", .text), ("folder", .text), ("uidvalidity", .integer), ("uid", .text),
                                                     ("attribute", .text), ("sent", .text), ("stored", .text), ("at", .date)]),
        StateTable(name: "item_ledger", columns: [("mailbox", .text), ("collection", .text), ("href", .text), ("kind", .text),
                                                  ("uid", .text), ("source_etag", .text), ("target_collection", .text),
                                                  ("target_href", .text), ("target_etag", .text), ("pending", .integer),
                                                  ("conflict", .text), ("updated_at", .date)]),
    ]

    /// The columns' names joined for SQL (`a, b, c`); names are fixed here, never from input.
    public var columnList: String { columns.map(\.name).joined(separator: ", ") }
}

/// Moves every row of one state into another, empty one, page by page; returns the rows per table.
///
/// The `meta` table carries lineage and serial, never the schema version, which each backend keeps
/// for its own tables. Throws `StateTransferError.notEmpty` before writing anything when the
/// destination already holds a state.
public enum StateCopy {
    public static func copy(from source: any StateTransfer, to destination: any StateTransfer,
                            destinationName: String) throws -> [(table: String, rows: Int)] {
        guard try destination.isEmptyState() else { throw StateTransferError.notEmpty(destinationName) }
        var counts: [(table: String, rows: Int)] = []
        for table in StateTable.all {
            var offset = 0
            while true {
                var rows = try source.exportRows(of: table, offset: offset, limit: StateTable.pageSize)
                let read = rows.count
                if table.name == "meta" { rows.removeAll { $0.first == .text("schema_version") } }
                if !rows.isEmpty { try destination.importRows(rows, into: table) }
                offset += read
                if read < StateTable.pageSize { break }
            }
            counts.append((table.name, offset))
        }
        return counts
    }
}

/// Why a state cannot be moved.
public enum StateTransferError: Error, Sendable, CustomStringConvertible {
    /// The destination already holds a state, which a copy would mix with another.
    case notEmpty(String)
    /// One of the states cannot be moved by this build.
    case unsupported(String)

    /// One sentence.
    public var description: String {
        switch self {
        case .notEmpty(let name):
            return "the state at \(name) is not empty; moving a state there would mix two states. Remove it first (a new PostgreSQL schema, or an empty .mailmig/)"
        case .unsupported(let name):
            return "the state at \(name) cannot be moved by this build"
        }
    }
}
