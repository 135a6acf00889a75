import MailMigSpool

/// The data items of one untagged `FETCH` response.
public struct FetchResponse: Sendable, Equatable {
    /// The message sequence number the response is about.
    public var sequenceNumber: UInt32
    /// `UID`.
    public var uid: UInt32?
    /// `FLAGS`, exactly as sent (system flags with their backslash, keywords as they are).
    public var flags: [String]?
    /// `INTERNALDATE`.
    public var internalDate: InternalDate?
    /// `RFC822.SIZE`.
    public var size: Int?
    /// `MODSEQ` (RFC 7162).
    public var modSeq: UInt64?
    /// `X-GM-MSGID` (Gmail).
    public var gmailMessageID: UInt64?
    /// `X-GM-THRID` (Gmail).
    public var gmailThreadID: UInt64?
    /// `X-GM-LABELS` (Gmail), decoded as `GmailAttributes.labels` describes.
    public var gmailLabels: [String]?
    /// Body sections keyed by section text: `""` for `BODY[]`, `"HEADER"` for `BODY[HEADER]`, ...
    /// `BINARY[...]` sections are keyed with a `BINARY:` prefix.
    public var sections: [String: [UInt8]]
    /// Items this client does not interpret, by name, with their raw text.
    public var otherItems: [String: String]
    /// Sections whose literal exceeded the body limit of the FETCH and was dropped unread, keyed like
    /// `sections`, with the length in bytes the server announced.
    public var omittedSections: [String: Int] = [:]
    /// Sections whose literal exceeded the connection's spool threshold, written to a spool file as they
    /// arrived instead of being kept in `sections`; keyed like `sections`.
    public var spooledSections: [String: SpoolFile] = [:]

    /// An empty response for a sequence number.
    public init(sequenceNumber: UInt32) {
        self.sequenceNumber = sequenceNumber
        self.sections = [:]
        self.otherItems = [:]
    }

    /// Adds the items of a later response about the same message; items already present are kept.
    public mutating func merge(_ other: FetchResponse) {
        uid = uid ?? other.uid
        flags = flags ?? other.flags
        internalDate = internalDate ?? other.internalDate
        size = size ?? other.size
        modSeq = modSeq ?? other.modSeq
        gmailMessageID = gmailMessageID ?? other.gmailMessageID
        gmailThreadID = gmailThreadID ?? other.gmailThreadID
        gmailLabels = gmailLabels ?? other.gmailLabels
        sections.merge(other.sections) { current, _ in current }
        otherItems.merge(other.otherItems) { current, _ in current }
        omittedSections.merge(other.omittedSections) { current, _ in current }
        spooledSections.merge(other.spooledSections) { current, _ in current }
    }

    /// The whole message, `BODY[]` (or `BINARY[]`), if present and held in memory.
    public var body: [UInt8]? { sections[""] ?? sections["BINARY:"] }

    /// A section's bytes, in memory or spooled, if present.
    public func content(of key: String) -> MessageBytes? {
        sections[key].map(MessageBytes.init) ?? spooledSections[key].map(MessageBytes.init(spooled:))
    }

    /// The whole message, `BODY[]` (or `BINARY[]`), in memory or spooled, if present.
    public var bodyContent: MessageBytes? { content(of: "") ?? content(of: "BINARY:") }

    /// The announced length of the whole message when its literal exceeded the body limit and was not read.
    public var omittedBodySize: Int? { omittedSections[""] ?? omittedSections["BINARY:"] }
}
