import Foundation
import MailMigDateTime

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
        DateTimeFields(text).map { Date(timeIntervalSince1970: TimeInterval($0.secondsSince1970)) }
    }
}
