/// The answer to STAT: how many messages the maildrop holds and their total size (RFC 1939 §5).
public struct POP3Statistics: Sendable, Equatable {
    /// Messages in the maildrop.
    public var count: Int
    /// Their total size in octets.
    public var size: Int

    /// Statistics of `count` messages of `size` octets.
    public init(count: Int, size: Int) {
        self.count = count
        self.size = size
    }
}

/// One message as LIST and UIDL name it (RFC 1939 §5, §7).
public struct POP3MessageInfo: Sendable, Equatable {
    /// The message number in this session (1-based; numbers change between sessions).
    public var number: Int
    /// The size in octets LIST announces (the message with CRLF line ends, before dot-stuffing).
    public var size: Int
    /// The unique-id UIDL gives it, stable across sessions; nil when the server gave none.
    public var uniqueID: String?

    /// A message `number` of `size` octets with an optional unique-id.
    public init(number: Int, size: Int, uniqueID: String? = nil) {
        self.number = number
        self.size = size
        self.uniqueID = uniqueID
    }
}
