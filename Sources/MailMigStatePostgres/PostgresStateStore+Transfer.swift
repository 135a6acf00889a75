import Foundation
import MailMigCore
import PostgresNIO

/// The PostgreSQL state read and written table by table, to move it to or from another backend.
extension PostgresStateStore: StateTransfer {
    public func isEmptyState() throws(StateError) -> Bool {
        try read { session in
            try session.query("""
                SELECT NOT EXISTS (SELECT 1 FROM resources) AND NOT EXISTS (SELECT 1 FROM applies)
                   AND NOT EXISTS (SELECT 1 FROM ledger) AND NOT EXISTS (SELECT 1 FROM skipped) AND NOT EXISTS (SELECT 1 FROM item_ledger)
                """).first?.decode(Bool.self) ?? true
        }
    }

    /// The order rows were written in: the generated keys, or the primary key where there is none.
    static func writtenOrder(of table: StateTable) -> String {
        switch table.name {
        case "history", "journal": return "id"
        case "applies": return "seq"
        case "meta", "resources": return "1"
        default: return "1, 2, 3, 4"
        }
    }

    public func exportRows(of table: StateTable, offset: Int, limit: Int) throws(StateError) -> [[StateValue]] {
        try read { session in
            var binds = PostgresBindings()
            binds.append(limit)
            binds.append(offset)
            let sql = "SELECT \(table.columnList) FROM \(table.name) ORDER BY \(Self.writtenOrder(of: table)) LIMIT $1 OFFSET $2"
            return try session.query(PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in
                let cells = row.makeRandomAccess()
                return try table.columns.enumerated().map { index, column -> StateValue in
                    let cell = cells[index]
                    guard cell.bytes != nil else { return .null }
                    switch column.type {
                    case .integer: return .integer(try cell.decode(Int64.self))
                    case .text: return .text(try cell.decode(String.self))
                    case .blob: return .blob(try cell.decode(Data.self))
                    case .date: return .date(try cell.decode(Date.self))
                    }
                }
            }
        }
    }

    public func importRows(_ rows: [[StateValue]], into table: StateTable) throws(StateError) {
        try write { session in
            let marks = (1...table.columns.count).map { "$\($0)" }.joined(separator: ", ")
            var sql = "INSERT INTO \(table.name) (\(table.columnList)) VALUES (\(marks))"
            if table.name == "meta" { sql += " ON CONFLICT (key) DO UPDATE SET value = excluded.value" }
            // Sent one after the other without waiting for each answer: a page costs one round trip, not one per row.
            let queries = try rows.map { row throws -> PostgresQuery in
                var binds = PostgresBindings()
                for (value, column) in zip(row, table.columns) {
                    switch value {
                    case .null:
                        switch column.type {
                        case .integer: binds.append(Int64?.none)
                        case .text: binds.append(String?.none)
                        case .blob: try binds.append(Data?.none)
                        case .date: binds.append(Date?.none)
                        }
                    case .integer(let number): binds.append(number)
                    case .text(let text): binds.append(text)
                    case .blob(let data): try binds.append(data)
                    case .date(let date): binds.append(date)
                    }
                }
                return PostgresQuery(unsafeSQL: sql, binds: binds)
            }
            try session.run(queries)
        }
    }
}
