import Foundation
import GRDB
import Testing
@testable import MailMigStateSQLite

@Suite("Timestamps as the SQLite state stores them")
struct SQLiteTimestampTests {
    static let moments: [Double] = [0, 1_764_967_815.123_9, 1_764_967_815.999_8, 951_782_400.5, 4_102_444_799.25, 1_700_000_000.000_4, -86_400.25, -0.0625]

    @Test(arguments: moments)
    func sameTextAsGRDBWrites(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let ours = SQLiteTimestamp.text(date)
        #expect(ours.count == 23)
        // GRDB's own encoding: what states written before hold, and what it parses back.
        #expect(ours == String.fromDatabaseValue(date.databaseValue))
        let back = try #require(Date.fromDatabaseValue(ours.databaseValue))
        #expect(abs(back.timeIntervalSince(date)) < 0.001)
    }

    @Test func knownMoment() {
        #expect(SQLiteTimestamp.text(Date(timeIntervalSince1970: 1_764_967_815.123_9)) == "2025-12-05 20:50:15.124")
        #expect(SQLiteTimestamp.text(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29 00:00:00.500")
        // Rounded up into the next second, as GRDB does.
        #expect(SQLiteTimestamp.text(Date(timeIntervalSince1970: 1_764_967_815.999_8)) == "2025-12-05 20:50:16.000")
        #expect(SQLiteTimestamp.text(Date(timeIntervalSince1970: -0.25)) == "1969-12-31 23:59:59.750")
        // A half millisecond goes up on both sides of 1970.
        #expect(SQLiteTimestamp.text(Date(timeIntervalSince1970: -0.0625)) == "1969-12-31 23:59:59.938")
        #expect(SQLiteTimestamp.text(Date(timeIntervalSince1970: 0.0625)) == "1970-01-01 00:00:00.063")
    }
}
