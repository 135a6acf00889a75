/// The fields of a date-time text `dd-Mon-yyyy hh:mm:ss ±hhmm` (RFC 3501 §9 `date-time`): IMAP's
/// INTERNALDATE on the wire, and the form in which the state keeps a message's internal date.
///
/// Read byte by byte, because it runs once or twice per message copied or verified: Foundation's
/// splitting, case-insensitive comparison and `Calendar` cost more than the rest of a FETCH
/// response's parsing.
public struct DateTimeFields: Sendable, Hashable {
    /// Day of the month, 1...31.
    public let day: Int
    /// Month, 1...12.
    public let month: Int
    /// Year, four digits (0...9999).
    public let year: Int
    /// Hour, 0...23.
    public let hour: Int
    /// Minute, 0...59.
    public let minute: Int
    /// Second, 0...60 (a leap second).
    public let second: Int
    /// Offset from UTC in minutes, e.g. -420 for `-0700`.
    public let zoneMinutes: Int

    /// The month names of the form, `Jan` … `Dec`.
    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Reads `text`: the day may have one digit or be space-padded, the month name may be in any case,
    /// blanks may surround the whole; nil when the text is not of the form or a field is out of range.
    public init?(_ text: String) {
        var text = text
        guard let fields = text.withUTF8({ bytes -> DateTimeFields? in
            var reader = Reader(bytes: bytes)
            return reader.fields()
        }) else { return nil }
        self = fields
    }

    private init(day: Int, month: Int, year: Int, hour: Int, minute: Int, second: Int, zoneMinutes: Int) {
        (self.day, self.month, self.year, self.hour, self.minute, self.second, self.zoneMinutes) =
            (day, month, year, hour, minute, second, zoneMinutes)
    }

    /// The instant the fields name, in seconds since 1970-01-01 00:00:00 UTC (proleptic Gregorian
    /// calendar; a day past the month's end counts on into the next month, as `Calendar` does).
    public var secondsSince1970: Int {
        Self.daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - zoneMinutes * 60
    }

    /// Days from 1970-01-01 to a day.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        // Years counted from March, so that the leap day ends a year; eras of 400 years repeat exactly.
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// A cursor over the text's bytes.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func fields() -> DateTimeFields? {
            skipBlanks()
            guard let day = number(digits: 1...2), take(UInt8(ascii: "-")), let month = month(), take(UInt8(ascii: "-")),
                  let year = number(digits: 4...4), skipBlanks(),
                  let hour = number(digits: 2...2), take(UInt8(ascii: ":")), let minute = number(digits: 2...2), take(UInt8(ascii: ":")),
                  let second = number(digits: 2...2), skipBlanks(),
                  let sign = sign(), let zone = number(digits: 4...4), zone % 100 < 60, zone / 100 < 24,
                  (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
            else { return nil }
            skipBlanks()
            guard index == bytes.count else { return nil }
            return DateTimeFields(day: day, month: month, year: year, hour: hour, minute: minute, second: second,
                                  zoneMinutes: sign * ((zone / 100) * 60 + zone % 100))
        }

        /// Skips spaces and tabs; whether there were any.
        @discardableResult
        mutating func skipBlanks() -> Bool {
            let start = index
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
            return index > start
        }

        /// A decimal number of so many digits.
        mutating func number(digits range: ClosedRange<Int>) -> Int? {
            var value = 0, count = 0
            while index < bytes.count, count < range.upperBound, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
                count += 1
            }
            return count >= range.lowerBound ? value : nil
        }

        /// Takes one expected byte.
        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A month's three-letter name in any case, as 1...12.
        mutating func month() -> Int? {
            guard index + 3 <= bytes.count else { return nil }
            // ASCII letters lower-cased by setting bit 5; only letters can then equal a key.
            let name = (bytes[index] | 0x20, bytes[index + 1] | 0x20, bytes[index + 2] | 0x20)
            guard let found = DateTimeFields.monthKeys.firstIndex(where: { $0 == name }) else { return nil }
            index += 3
            return found + 1
        }

        /// +1 or -1 for a zone's sign.
        mutating func sign() -> Int? {
            if take(UInt8(ascii: "+")) { return 1 }
            return take(UInt8(ascii: "-")) ? -1 : nil
        }
    }

    /// The month names' bytes, lower-cased.
    private static let monthKeys: [(UInt8, UInt8, UInt8)] = monthNames.map { name in
        let bytes = Array(name.utf8).map { $0 | 0x20 }
        return (bytes[0], bytes[1], bytes[2])
    }
}
