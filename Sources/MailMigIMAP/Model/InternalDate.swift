import Foundation
import MailMigDateTime

/// An IMAP INTERNALDATE such as `17-Jul-1996 02:44:25 -0700`, keeping its time-zone offset exactly.
///
/// Two dates are equal only when every field, including the offset, is equal: the same instant in
/// another zone is a different INTERNALDATE for a byte-faithful copy.
public struct InternalDate: Sendable, Hashable, CustomStringConvertible {
    /// The date's fields, in the ranges `DateTimeFields` reads: day 1...31, month 1...12, year 1...9999,
    /// hour 0...23, minute 0...59, second 0...60, and the offset from UTC in minutes (-420 for `-0700`).
    public let day: Int, month: Int, year: Int, hour: Int, minute: Int, second: Int, zoneMinutes: Int

    static let monthNames = DateTimeFields.monthNames

    /// A date from its fields; nil if a field is out of range.
    public init?(day: Int, month: Int, year: Int, hour: Int, minute: Int, second: Int, zoneMinutes: Int) {
        guard (1...31).contains(day), (1...12).contains(month), (1...9999).contains(year),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (-1439...1439).contains(zoneMinutes)
        else { return nil }
        self.day = day
        self.month = month
        self.year = year
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneMinutes = zoneMinutes
    }

    /// Parses the wire form `dd-Mon-yyyy hh:mm:ss +zzzz` (day may be space-padded or one digit, the month
    /// name in any case).
    public init?(_ text: String) {
        guard let fields = DateTimeFields(text) else { return nil }
        self.init(day: fields.day, month: fields.month, year: fields.year, hour: fields.hour, minute: fields.minute,
                  second: fields.second, zoneMinutes: fields.zoneMinutes)
    }

    /// The instant this date names.
    public var date: Date {
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        components.timeZone = TimeZone(secondsFromGMT: zoneMinutes * 60)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = components.timeZone ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    /// The wire form with a two-digit day, e.g. `07-Jul-1996 02:44:25 -0700`.
    public var description: String {
        // Built by hand: String(format:) goes through NSString, and this runs once per message copied.
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        let zone = abs(zoneMinutes)
        return pad(day, 2) + "-" + Self.monthNames[month - 1] + "-" + pad(year, 4) + " " + pad(hour, 2) + ":" + pad(minute, 2) + ":"
            + pad(second, 2) + " " + (zoneMinutes < 0 ? "-" : "+") + pad(zone / 60, 2) + pad(zone % 60, 2)
    }
}
