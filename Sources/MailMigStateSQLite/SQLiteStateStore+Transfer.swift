import Foundation
import GRDB
import MailMigCore

/// The SQLite state read and written table by table, to move it to or from another backend.
extension SQLiteStateStore: StateTransfer {
    public func isEmptyState() throws(StateError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT NOT EXISTS (SELECT 1 FROM resources) AND NOT EXISTS (SELECT 1 FROM applies)
                   AND NOT EXISTS (SELECT 1 FROM ledger) AND NOT EXISTS (SELECT 1 FROM skipped) AND NOT EXISTS (SELECT 1 FROM item_ledger)
                """) ?? true
        }
    }

    public func exportRows(of table: StateTable, offset: Int, limit: Int) throws(StateError) -> [[StateValue]] {
        try read { db in
            // History, applies and the journal in the order they were written (rowid); the keyed tables by key.
            let order: String
            switch table.name {
            case "history", "applies", "journal": order = "rowid"
            case "meta", "resources": order = "1"
            default: order = "1, 2, 3, 4"
            }
            let rows = try Row.fetchAll(db, sql: "SELECT \(table.columnList) FROM \(table.name) ORDER BY \(order) LIMIT ? OFFSET ?",
                                        arguments: [limit, offset])
            return rows.map { row in
                table.columns.enumerated().map { index, column -> StateValue in
                    let value = row[index] as DatabaseValue
                    if value.isNull { return .null }
                    switch column.type {
                    case .integer: return Int64.fromDatabaseValue(value).map(StateValue.integer) ?? .null
                    case .text: return String.fromDatabaseValue(value).map(StateValue.text) ?? .null
                    case .blob: return Data.fromDatabaseValue(value).map(StateValue.blob) ?? .null
                    case .date: return Date.fromDatabaseValue(value).map(StateValue.date) ?? .null
                    }
                }
            }
        }
    }

    public func importRows(_ rows: [[StateValue]], into table: StateTable) throws(StateError) {
        try write { db in
            let marks = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
            let verb = table.name == "meta" ? "INSERT OR REPLACE" : "INSERT"
            let statement = try db.makeStatement(sql: "\(verb) INTO \(table.name) (\(table.columnList)) VALUES (\(marks))")
            for row in rows {
                let values: [DatabaseValueConvertible?] = row.map { value in
                    switch value {
                    case .null: return nil
                    case .integer(let number): return number
                    case .text(let text): return text
                    case .blob(let data): return data
                    case .date(let date): return date
                    }
                }
                try statement.execute(arguments: StatementArguments(values))
            }
        }
    }
}
