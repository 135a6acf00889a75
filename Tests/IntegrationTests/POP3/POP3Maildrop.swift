import Foundation
import MailMigIMAP

/// Messages built to catch what POP3 and IMAP disagree on, loaded into a source user over IMAP and
/// read by mailmig over POP3.
///
/// Message `i` has a `Date:`; every third also a topmost `Received:` five minutes later (the date a
/// copy must get, docs/pop3.md); every thirteenth neither (it gets the time of the pass). Every
/// fifth has lines starting with one and two dots and a line that is a lone dot (POP3 byte-stuffs
/// them); every seventh an 8-bit UTF-8 body; every eleventh no Message-ID; message 4 the
/// Message-ID of message 3 with another body.
struct POP3Maildrop {
    /// One message and what its copy must be.
    struct Message {
        var bytes: [UInt8]
        /// The internal date the copy must have (seconds since 1970), when the message carries one.
        var arrival: Int?

        /// The bytes POP3 serves, and so the copy's: a message without a final line end gets CRLF (RFC 1939 §3).
        var served: [UInt8] { bytes.suffix(2) == [13, 10] ? bytes : bytes + [13, 10] }
        var sha256: String { SHA256Hex.of(served) }
    }

    var messages: [Message]

    /// `count` built messages, `large` of them about `largeSize` bytes, then `extra` as they are.
    init(count: Int, first: Int = 1, large: Int = 0, largeSize: Int = 5_000_000, extra: [[UInt8]] = []) {
        messages = (first..<first + count).map { Self.message($0, bodyBytes: $0 - first < large ? largeSize : 0) }
        messages += extra.map { Message(bytes: $0, arrival: nil) }
    }

    /// SHA-256 of every served message, sorted: what the target folder must hold.
    var hashes: [String] { messages.map(\.sha256).sorted() }

    /// Appends every message to `user`'s INBOX on the source, a hundred per command.
    func load(into user: String) async throws {
        let imap = try await MailTestServers.client(user, on: .source)
        for start in stride(from: 0, to: messages.count, by: 100) {
            let chunk = messages[start..<min(start + 100, messages.count)]
            _ = try await imap.append(chunk.map { AppendMessage(bytes: $0.bytes) }, to: "INBOX")
        }
        try await imap.logout()
    }

    static func message(_ index: Int, bodyBytes: Int) -> Message {
        let sent = 1_672_531_200 + index * 3_571
        let received = sent + 300
        var header = ""
        if index % 13 != 0, index % 3 == 0 {
            header += "Received: from relay.acme.test by mx.acme.test with ESMTP id \(index);\r\n \(rfc5322(received))\r\n"
        }
        header += "From: Sender \(index) <sender\(index)@acme.test>\r\nTo: alice@acme.test\r\nSubject: message \(index)\r\n"
        if index % 13 != 0 { header += "Date: \(rfc5322(sent))\r\n" }
        if index % 11 != 0 { header += "Message-ID: <m\(index == 4 ? 3 : index)@pop3.test>\r\n" }
        header += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        header += "Content-Transfer-Encoding: \(index % 7 == 0 ? "8bit" : "7bit")\r\n\r\n"
        var body = "Message \(index) of the POP3 maildrop.\r\n"
        if index % 5 == 0 { body += ".starts with a dot\r\n..starts with two\r\n.\r\nand goes on\r\n" }
        if index % 7 == 0 { body += "Grüße aus Köln, naïve café, 東京, ☃\r\n" }
        var bytes = Array((header + body).utf8)
        if bodyBytes > 0 {
            let line = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJK\r\n".utf8)
            let dotted = Array(".a line of the large message that starts with a dot\r\n".utf8)
            var lineNumber = 0
            while bytes.count < bodyBytes {
                bytes += lineNumber % 1000 == 999 ? dotted : line
                lineNumber += 1
            }
        }
        let arrival = index % 13 == 0 ? nil : (index % 3 == 0 ? received : sent)
        return Message(bytes: bytes, arrival: arrival)
    }

    /// `Sun, 01 Jan 2023 02:00:00 +0200`: the moment in a zone two hours east of UTC.
    static func rfc5322(_ seconds: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7_200)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
