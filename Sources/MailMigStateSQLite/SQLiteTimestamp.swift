import Foundation
import GRDB

/// A moment as the state's SQLite columns keep it: `YYYY-MM-DD HH:MM:SS.SSS` in UTC, the text GRDB
/// writes for a `Date` and reads back as one.
///
/// Formatted here instead of by GRDB, whose `DateFormatter` loads ICU's locale, calendar and time zone
/// data (several MB of resident memory, and its start-up time) for one fixed format.
enum SQLiteTimestamp {
    /// The text of `date`, to the nearest millisecond, a half rounded up (as GRDB's formatter does).
    static func text(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        // Floored, so a moment before 1970 keeps a positive fraction of its second.
        let seconds = remainder < 0 ? quotient - 1 : quotient
        var time = time_t(seconds)
        var fields = tm()
        gmtime_r(&time, &fields)
        let fraction = Int(remainder < 0 ? remainder + 1000 : remainder)
        return "\(padded(Int(fields.tm_year) + 1900, 4))-\(padded(Int(fields.tm_mon) + 1, 2))-\(padded(Int(fields.tm_mday), 2)) "
            + "\(padded(Int(fields.tm_hour), 2)):\(padded(Int(fields.tm_min), 2)):\(padded(Int(fields.tm_sec), 2)).\(padded(fraction, 3))"
    }

    /// The current time as a bound value: taken once for the rows of one transaction.
    static func now() -> DatabaseValue { text(Date()).databaseValue }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
