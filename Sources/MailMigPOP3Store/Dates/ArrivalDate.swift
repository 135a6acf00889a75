import Foundation
import MailMigCore

/// The internal date a message from a POP3 maildrop gets: POP3 keeps none, so it is read from the
/// message's own header section, the same way on every pass.
///
/// The rule, in order:
/// 1. the date-time after the last `;` of the first (topmost) `Received:` field: the moment the last
///    server on the way, the maildrop's own, accepted the message, which is what an IMAP server
///    records as INTERNALDATE;
/// 2. else the `Date:` field: when the sender's software says it was written;
/// 3. else nothing here: the store gives the time the session began (`passTime`), the same to every
///    such message of one pass.
///
/// A field that is missing or whose date-time cannot be read (`RFC5322DateTime`) passes to the next
/// step; only the topmost `Received:` field counts, since those below it were added by servers the
/// message passed earlier. The date keeps the zone it was written in.
enum ArrivalDate {
    /// The date the header section gives by steps 1 and 2; nil when neither gives one.
    static func of(_ header: HeaderSection) -> MessageDate? {
        if let received = header.first("Received"), let separator = received.lastIndex(of: ";"),
           let date = RFC5322DateTime.parse(String(received[received.index(after: separator)...])) {
            return date
        }
        return header.first("Date").flatMap(RFC5322DateTime.parse)
    }

    /// The instant as an internal date in UTC: the fallback of step 3.
    static func utc(_ instant: Date) -> MessageDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        let pad = { (value: Int?, width: Int) -> String in
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let month = MessageDateText.months[max(0, min(11, (parts.month ?? 1) - 1))]
        return MessageDate(wellFormed: "\(pad(parts.day, 2))-\(month)-\(pad(parts.year, 4)) "
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)) +0000")
    }
}

/// What one message's header section tells the store: its internal date and its Message-ID.
struct HeaderFacts: Sendable, Equatable {
    /// By `ArrivalDate`'s first two steps; nil when the header gives none.
    var arrival: MessageDate?
    /// The Message-ID field, as the engine reads it for its ledger.
    var messageID: String?

    /// The facts of the header section at the start of `bytes` (TOP's answer or the whole message).
    init(_ bytes: [UInt8]) {
        arrival = ArrivalDate.of(HeaderSection(bytes))
        messageID = MessageHeaderFields.messageID(in: bytes)
    }
}
