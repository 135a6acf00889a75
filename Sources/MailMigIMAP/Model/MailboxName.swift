/// A mailbox name as a command sends it: text the client encodes, or the server's own bytes.
///
/// A name the server gave in LIST or LSUB goes back exactly as it came (`wire`): decoding and
/// encoding again is not a round trip for a name that is not valid modified UTF-7 (RFC 3501
/// §5.1.3), such as `Caf&AOk`, which a lenient decoder keeps as text and an encoder writes as
/// `Caf&-AOk`, another mailbox.
public struct MailboxName: Sendable, Hashable, CustomStringConvertible {
    /// The name as text (`Entwürfe`); errors and command names show this.
    public var text: String
    /// The exact wire form, when the name came from the server; sent unchanged.
    public var wire: String?

    /// A name the client encodes for the wire (modified UTF-7, or UTF-8 once UTF8=ACCEPT is enabled).
    public init(_ text: String) {
        self.text = text
        self.wire = nil
    }

    /// A name the server gave: `wire` as it appeared in LIST or LSUB, `text` its decoded form.
    public init(wire: String, text: String) {
        self.text = text
        self.wire = wire
    }

    /// The text.
    public var description: String { text }
}

/// Anything a mailbox command takes as a mailbox name: a `String` (encoded by the client) or a `MailboxName`.
public protocol MailboxNameConvertible: Sendable {
    /// The name to send.
    var mailboxName: MailboxName { get }
}

extension String: MailboxNameConvertible {
    /// The string as text for the client to encode.
    public var mailboxName: MailboxName { MailboxName(self) }
}

extension MailboxName: MailboxNameConvertible {
    /// Itself.
    public var mailboxName: MailboxName { self }
}
