import Foundation
import MailMigCore

/// Generated RFC 5322 messages with the variety a copy must preserve: flags, keywords, `\Recent`,
/// dates in several zones, bodies of many sizes, and pairs with the same size and date.
public enum SampleMessages {
    /// `count` messages; message `i` has the Message-ID `<i.tag@acme.test>`. Every tenth shares its size
    /// and internal date with the one before (only a byte differs), so size and date alone cannot tell them apart.
    public static func make(_ count: Int, tag: String = "m", firstDay: Int = 0) -> [SeedMessage] {
        (0..<count).map { index in
            let twin = index % 10 == 9
            let dateIndex = twin ? index - 1 : index
            let length = twin ? filler(index - 1) : filler(index)
            let flags: Set<String> = switch index % 5 {
            case 0: ["\\Seen"]
            case 1: ["\\Seen", "\\Answered", "$Label1"]
            case 2: ["\\Flagged", "\\Recent"]
            case 3: []
            default: ["\\Seen", "\\Draft", "$MDNSent"]
            }
            return SeedMessage(body: body(index: index, tag: tag, fillerLength: length), flags: flags,
                               internalDate: date(day: firstDay + dateIndex, zone: dateIndex % 3))
        }
    }

    /// One message with the given Message-ID and a body of about `bodyBytes` bytes.
    public static func message(id: String, bodyBytes: Int = 200, date: MessageDate? = MessageDate("01-Feb-2024 10:00:00 +0000")) -> SeedMessage {
        let text = "From: alice@acme.test\r\nTo: bob@acme.test\r\nSubject: \(id)\r\nMessage-ID: <\(id)@acme.test>\r\n\r\n"
            + String(repeating: "x", count: bodyBytes) + "\r\n"
        return SeedMessage(body: Array(text.utf8), flags: ["\\Seen"], internalDate: date)
    }

    /// The body length of message `index`: 40 to 939 bytes, spread so sizes rarely repeat.
    private static func filler(_ index: Int) -> Int { 40 + (index * 37) % 900 }

    /// The bytes of message `index`, with a UTF-8 text body cut at `fillerLength` bytes.
    private static func body(index: Int, tag: String, fillerLength: Int) -> [UInt8] {
        // Only digits differ between a twin and its partner, so both have the same size.
        let header = "From: Alice <alice@acme.test>\r\nTo: bob@acme.test\r\nSubject: message \(tag) \(String(format: "%05d", index))\r\n"
            + "Message-ID: <\(String(format: "%05d", index)).\(tag)@acme.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        let line = "Grüße aus Zürich, Nachricht \(index). "
        var text = ""
        while text.utf8.count < fillerLength { text += line }
        return Array(header.utf8) + Array(text.utf8.prefix(fillerLength)) + Array("\r\n".utf8)
    }

    /// A date `day` days after 1-Jan-2023 at a fixed time, in one of three zones.
    private static func date(day: Int, zone: Int) -> MessageDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let start = calendar.date(from: DateComponents(year: 2023, month: 1, day: 1, hour: 9, minute: 30, second: 15)) ?? Date()
        let instant = start.addingTimeInterval(TimeInterval(day) * 86_400 + TimeInterval(day % 7) * 3_600)
        let offsets = [0, 7_200, -25_200]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: offsets[zone])
        formatter.dateFormat = "dd-MMM-yyyy HH:mm:ss Z"
        return MessageDate(formatter.string(from: instant))
    }
}
