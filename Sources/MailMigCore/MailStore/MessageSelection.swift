/// Which messages of the open folder a call is about.
public enum MessageSelection: Sendable, Equatable {
    /// Every message.
    case all
    /// These messages, by unique identifier (any order; unknown ones are ignored).
    case uids([MessageKey])
}

/// Which messages of the open folder `messageUIDs` returns.
public enum MessageFilter: Sendable, Equatable {
    /// Every message.
    case all
    /// Messages whose internal date is before this day (RFC 3501 SEARCH BEFORE: by day, not time).
    case before(CalendarDay)
    /// Messages of exactly this many bytes (RFC822.SIZE).
    case size(Int)
    /// Messages larger than this many bytes.
    case larger(Int)
}

/// A day of the calendar, as date searches use it.
public struct CalendarDay: Sendable, Equatable, Codable {
    /// Four-digit year.
    public var year: Int
    /// Month, 1...12.
    public var month: Int
    /// Day of the month, 1...31.
    public var day: Int

    /// Creates a day.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}
