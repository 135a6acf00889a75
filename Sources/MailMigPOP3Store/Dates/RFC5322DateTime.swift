import Foundation
import MailMigCore

/// Reads the date-time of a `Date:` or `Received:` header field (RFC 5322 §3.3) into the text form
/// of an internal date, `dd-Mon-yyyy hh:mm:ss +zzzz`, keeping the zone it was written in.
///
/// Old maildrops hold mail from every era of mail software, so besides the strict grammar this reads
/// the obsolete forms of RFC 5322 §4.3 and what software is known to write: no day of the week, or
/// one without its comma; comments anywhere (`(PDT)`); seconds left out; one-digit hours and days;
/// two- and three-digit years (`03` is 2003, `97` is 1997, `103` is 2003); full month names; the
/// asctime order `Tue Jul  1 10:52:37 2003`; `dd-Mon-yyyy`; zones as `+hhmm`, `+hh:mm`, `GMT+hhmm`,
/// `UT`/`GMT`/`UTC`/`Z` and the US zones (`EST` … `PDT`). A military or other alphabetic zone, and a
/// missing zone, become `-0000`: the local time is known, its offset is not (RFC 5322 §4.3).
/// Anything else, and a date that does not exist (31 February, hour 25), reads as nil, so the
/// date rule goes on to its next source rather than trust a guess.
enum RFC5322DateTime {
    /// The internal date a header field's date-time names; nil when it cannot be read with confidence.
    static func parse(_ text: String) -> MessageDate? {
        var reader = Reader(tokens: tokens(of: withoutComments(text)))
        return reader.read()
    }

    /// The text with every comment (nested parentheses, `\` quoting) replaced by a space.
    static func withoutComments(_ text: String) -> String {
        var result = ""
        var depth = 0
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
                if depth == 0 { result.append(character) }
                continue
            }
            switch character {
            case "\\" where depth > 0: escaped = true
            case "(":
                depth += 1
                result.append(" ")
            case ")" where depth > 0: depth -= 1
            default: if depth == 0 { result.append(character) }
            }
        }
        return result
    }

    /// Words split at white space and commas; `01-Jul-2003` becomes three words, a zone (`-0700`,
    /// `GMT-0500`) stays one.
    static func tokens(of text: String) -> [Substring] {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "," }).flatMap { word -> [Substring] in
            if word.first?.isASCIIDigit == true, word.contains("-"), word.contains(where: \.isLetter) {
                return word.split(separator: "-")
            }
            return [word]
        }
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Offsets of the named zones RFC 5322 §4.3 defines, in `hhmm` with its sign.
    static let namedZones: [String: String] = [
        "UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
        "EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
        "MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
    ]
}

extension RFC5322DateTime {
    /// Walks the words of one date-time: the day of the week, the date in either order, the time, the zone.
    struct Reader {
        let tokens: [Substring]
        var index = 0

        init(tokens: [Substring]) { self.tokens = tokens }

        var current: Substring? { index < tokens.count ? tokens[index] : nil }

        /// The next word, when `read` accepts it; the reader moves past it either way.
        mutating func take<T>(_ read: (Substring) -> T?) -> T? {
            defer { index += 1 }
            return current.flatMap(read)
        }

        mutating func read() -> MessageDate? {
            if let word = current, Self.isDayName(word) { index += 1 }
            var year: Int?
            let day: Int, month: Int, time: (hour: Int, minute: Int, second: Int)
            if let word = current, word.count <= 2, let value = Self.number(word) {
                // RFC 5322 order: day month year time.
                index += 1
                guard let named = take(Self.month), let written = take(Self.year), let clock = take(Self.time) else { return nil }
                (day, month, year, time) = (value, named, written, clock)
            } else if let named = take(Self.month) {
                // asctime order: month day time year, or month day year time.
                guard let value = take(Self.number) else { return nil }
                if let clock = current.flatMap(Self.time) {
                    index += 1
                    time = clock
                } else {
                    guard let written = take(Self.year), let clock = take(Self.time) else { return nil }
                    year = written
                    time = clock
                }
                (day, month) = (value, named)
            } else {
                return nil
            }
            var zone: String?
            while let word = current {
                index += 1
                if year == nil, let value = Self.year(word) {
                    year = value
                } else if zone == nil, let value = Self.zone(word) {
                    zone = value
                } else if zone != nil, word.allSatisfy(\.isLetter) {
                    // `+0200 CEST`: the name only repeats the offset.
                    continue
                } else {
                    return nil
                }
            }
            guard let year, Self.exists(day: day, month: month, year: year), time.hour < 24, time.minute < 60, time.second <= 60
            else { return nil }
            let text = "\(Self.padded(day, 2))-\(MessageDateText.months[month - 1])-\(Self.padded(year, 4)) "
                + "\(Self.padded(time.hour, 2)):\(Self.padded(time.minute, 2)):\(Self.padded(time.second, 2)) \(zone ?? "-0000")"
            return MessageDate(text)
        }

        static func isDayName(_ word: Substring) -> Bool {
            word.count >= 3 && word.allSatisfy(\.isLetter) && dayNames.contains(String(word.prefix(3)).lowercased())
        }

        /// A month by its name or the start of it (`Jul`, `July`, `Sept`), 1...12.
        static func month(_ word: Substring) -> Int? {
            guard word.count >= 3, word.allSatisfy(\.isLetter) else { return nil }
            return monthNames.firstIndex(of: String(word.prefix(3)).lowercased()).map { $0 + 1 }
        }

        static func number(_ word: Substring) -> Int? {
            guard !word.isEmpty, word.count <= 4, word.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int(word)
        }

        /// A year of four digits, or an obsolete one of two or three (RFC 5322 §4.3).
        static func year(_ word: Substring) -> Int? {
            guard word.count >= 2, let value = number(word) else { return nil }
            switch word.count {
            case 2: return value < 50 ? 2000 + value : 1900 + value
            case 3: return 1900 + value
            default: return value >= 1900 ? value : nil
            }
        }

        /// `hh:mm:ss` or `hh:mm`, the hour of one or two digits.
        static func time(_ word: Substring) -> (hour: Int, minute: Int, second: Int)? {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3, (1...2).contains(parts[0].count),
                  parts.dropFirst().allSatisfy({ $0.count == 2 }), parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
                  let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
            return (hour, minute, parts.count == 3 ? Int(parts[2]) ?? 0 : 0)
        }

        /// A zone as `+hhmm` text: numeric (`-0700`, `+02:00`, `GMT+0200`), named, or `-0000` for
        /// another alphabetic name (military letters, `CEST`); nil for anything else.
        static func zone(_ word: Substring) -> String? {
            if let sign = word.firstIndex(where: { $0 == "+" || $0 == "-" }) {
                let prefix = word[..<sign].uppercased()
                guard prefix.isEmpty || ["GMT", "UT", "UTC"].contains(prefix) else { return nil }
                var digits = Array(word[word.index(after: sign)...])
                if digits.count == 5, digits[2] == ":" { digits.remove(at: 2) }
                guard digits.count == 4, digits.allSatisfy(\.isASCIIDigit) else { return nil }
                let hours = Int(String(digits.prefix(2))) ?? 99, minutes = Int(String(digits.suffix(2))) ?? 99
                guard hours < 24, minutes < 60 else { return nil }
                return "\(word[sign])\(padded(hours, 2))\(padded(minutes, 2))"
            }
            guard (1...5).contains(word.count), word.allSatisfy(\.isLetter), word.allSatisfy(\.isASCII) else { return nil }
            return namedZones[word.uppercased()] ?? "-0000"
        }

        static func exists(day: Int, month: Int, year: Int) -> Bool {
            guard (1...31).contains(day), (1...12).contains(month) else { return false }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            return day <= lengths[month - 1]
        }

        static func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }
}

/// The month names of the internal date's text form (RFC 3501 §9 `date-month`).
enum MessageDateText {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

extension Character {
    /// `0` to `9` only: `Character.isNumber` also takes other scripts' digits and fractions.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
