import Foundation

/// A message's internal date (when it arrived), in the text form the state keeps:
/// `dd-Mon-yyyy hh:mm:ss +zzzz`, the date-time of RFC 3501 §9, which keeps the zone it was given in.
///
/// Dates compare by instant (`instant`): servers keep the moment of a date, not always its zone.
public struct MessageDate: Sendable, Hashable, CustomStringConvertible {
    /// The text, e.g. `07-Jul-1996 02:44:25 -0700`.
    public let text: String

    /// A date from its text; nil when the text is not of that form.
    public init?(_ text: String) {
        guard Self.parse(text) != nil else { return nil }
        self.text = text
    }

    /// A date from text a store produced in this form itself (e.g. from a parsed IMAP INTERNALDATE):
    /// not parsed again, because stores hand over one date per message and the copy path never needs
    /// the instant.
    public init(wellFormed text: String) {
        self.text = text
    }

    /// The instant the date names; nil for text that is not of the form (which compares unequal to every
    /// date, so a message is never matched by a date it does not have).
    public var instant: Date? { Self.parse(text) }

    /// The text.
    public var description: String { text }

    /// The instant of a date text; nil when it is not `d-Mon-yyyy hh:mm:ss ±hhmm` (day may be space-padded).
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3 else { return nil }
        let date = parts[0].split(separator: "-"), time = parts[1].split(separator: ":"), zone = parts[2]
        guard date.count == 3, time.count == 3, date[0].count <= 2, date[2].count == 4, time.allSatisfy({ $0.count == 2 }),
              let day = Int(date[0]), let year = Int(date[2]),
              let month = monthNames.firstIndex(where: { $0.caseInsensitiveCompare(date[1]) == .orderedSame }),
              let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
              zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", let offset = Int(zone.dropFirst()), offset % 100 < 60,
              (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var components = DateComponents(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        let seconds = ((offset / 100) * 60 + offset % 100) * 60 * (sign == "-" ? -1 : 1)
        components.timeZone = TimeZone(secondsFromGMT: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = components.timeZone ?? calendar.timeZone
        return calendar.date(from: components)
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
