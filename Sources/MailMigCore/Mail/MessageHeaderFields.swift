/// Header fields read from a message's raw bytes, for stores that answer header fetches themselves.
///
/// The engine reads the same fields for its ledger (`MessageHeaders`); a store over files (a Maildir)
/// answers `messageIDs` with this reading, so both agree on what a message's Message-ID is.
public enum MessageHeaderFields {
    /// The Message-ID field's value, unfolded and trimmed; nil when the header section (read up to its
    /// first 256 KiB) has none. `bytes` may be only the start of the message.
    public static func messageID(in bytes: [UInt8]) -> String? {
        MessageHeaders.messageID(in: bytes)
    }
}
