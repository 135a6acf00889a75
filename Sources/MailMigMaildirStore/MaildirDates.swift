import Foundation
import MailMigCore

/// Internal dates as a Maildir keeps them: a message file's modification time.
///
/// A modification time is an instant without a zone, so a date read from one is written in UTC
/// (`+0000`); this store's manifest keeps the exact text it was given, zone included.
enum MaildirDates {
    /// The date of an instant, in the text form of `MessageDate`, in UTC, to the second.
    static func messageDate(_ instant: Date) -> MessageDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let month = months[max(0, min(11, (parts.month ?? 1) - 1))]
        return MessageDate(wellFormed: "\(two(parts.day))-\(month)-\(String(format: "%04d", parts.year ?? 1970)) "
                           + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000")
    }

    /// The day a date's text names, in its own zone, as IMAP SEARCH BEFORE compares it; nil when the
    /// text is not a date.
    static func day(of date: MessageDate) -> CalendarDay? {
        guard date.instant != nil, let text = date.text.split(separator: " ").first else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 3, let day = Int(parts[0]), let year = Int(parts[2]),
              let month = months.firstIndex(where: { $0.caseInsensitiveCompare(parts[1]) == .orderedSame }) else { return nil }
        return CalendarDay(year: year, month: month + 1, day: day)
    }

    /// Whether `date` falls on a day before `day` (false for a date that is not one).
    static func isBefore(_ date: MessageDate, _ day: CalendarDay) -> Bool {
        guard let own = self.day(of: date) else { return false }
        return (own.year, own.month, own.day) < (day.year, day.month, day.day)
    }

    /// Month names as the date text spells them.
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
