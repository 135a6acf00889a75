import Foundation

/// Reads a header field from raw message bytes, as a server answering `BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]` does.
enum HeaderReader {
    /// The Message-ID field's value, unfolded and trimmed; nil when the header section has none.
    static func messageID(in body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        var value: String?
        // `\r\n` is one Character, so splitting at newlines handles CRLF and bare LF alike.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty { break }
            if let current = value, line.first == " " || line.first == "\t" {
                value = current + line
                continue
            }
            if value != nil { break }
            if line.lowercased().hasPrefix("message-id:") { value = String(line.dropFirst("message-id:".count)) }
        }
        let trimmed = value?.trimmingCharacters(in: .whitespaces)
        return trimmed?.isEmpty == false ? trimmed : nil
    }
}
