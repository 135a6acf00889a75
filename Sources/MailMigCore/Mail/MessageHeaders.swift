import Foundation
import Crypto
import MailMigSpool

/// Reads what the ledger keeps from raw message bytes, without altering or fully parsing them.
enum MessageHeaders {
    /// The Message-ID header's value (unfolded, trimmed), if the header section has one.
    static func messageID(in bytes: [UInt8]) -> String? {
        let limit = min(bytes.count, 256 * 1024)
        var lineStart = 0
        var index = 0
        while index < limit {
            if bytes[index] == UInt8(ascii: "\n") {
                let line = bytes[lineStart..<index]
                let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
                if trimmed.isEmpty { return nil }  // end of the header section
                if let value = value(ofHeader: messageIDName, in: trimmed) {
                    var text = value
                    // Unfold continuation lines.
                    var next = index + 1
                    while next < limit, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") {
                        var end = next
                        while end < limit, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                        text += String(decoding: bytes[next..<end], as: UTF8.self)
                        next = end + 1
                    }
                    let result = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    return result.isEmpty ? nil : result
                }
                lineStart = index + 1
            }
            index += 1
        }
        return nil
    }

    /// `message-id`, the header name looked for, lower-case.
    private static let messageIDName = Array("message-id".utf8)

    /// The value of a header line if its field name is `name` (lower-case ASCII) in any case.
    private static func value(ofHeader name: [UInt8], in line: ArraySlice<UInt8>) -> String? {
        // Compared as bytes: every header line of every message copied passes here.
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon - line.startIndex == name.count,
              zip(line[line.startIndex..<colon], name).allSatisfy({ byte, expected in
                  (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == expected : byte == expected
              })
        else { return nil }
        return String(decoding: line[(colon + 1)...], as: UTF8.self)
    }

    /// The Message-ID of a message in memory or spooled; only its first 256 KiB are read, as above.
    ///
    /// - Throws: `SpoolError` when a spool file cannot be read.
    static func messageID(in body: MessageBytes) throws -> String? {
        if let bytes = body.inMemory { return messageID(in: bytes) }
        return messageID(in: Array(try body.slice(from: 0, count: 256 * 1024)))
    }

    /// SHA-256 of a message in memory or spooled, lower-case hex (`MessageBytes.sha256()`).
    ///
    /// - Throws: `SpoolError` when a spool file cannot be read.
    static func sha256(_ body: MessageBytes) throws -> String {
        try body.sha256()
    }

    /// SHA-256 of the bytes, lower-case hex.
    static func sha256(_ bytes: [UInt8]) -> String {
        MessageBytes.hex(SHA256.hash(data: bytes))
    }
}
