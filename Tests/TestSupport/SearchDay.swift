import MailMigCore

/// A calendar day as SEARCH BEFORE compares it: the date of the internal date in its own zone,
/// time and zone disregarded (RFC 3501 §6.4.4).
struct SearchDay: Comparable {
    /// Four-digit year.
    let year: Int
    /// Month, 1...12.
    let month: Int
    /// Day of the month.
    let day: Int

    /// The day a search names.
    init(_ day: CalendarDay) {
        (year, month, self.day) = (day.year, day.month, day.day)
    }

    /// A day from its parts.
    private init(year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// The day an internal date's text names (`07-Jul-1996 …` → 1996-07-07); nil without a date.
    static func of(_ date: MessageDate?) -> SearchDay? {
        guard let text = date?.text.split(separator: " ").first else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 3, let day = Int(parts[0]), let year = Int(parts[2]),
              let month = months.firstIndex(where: { $0.caseInsensitiveCompare(parts[1]) == .orderedSame }) else { return nil }
        return SearchDay(year: year, month: month + 1, day: day)
    }

    /// Earlier days first.
    static func < (left: SearchDay, right: SearchDay) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }

    /// Month names as IMAP dates spell them.
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
