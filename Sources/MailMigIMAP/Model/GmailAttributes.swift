/// What Gmail's IMAP extensions (X-GM-EXT-1) say about a message: its Gmail id, which is the same in
/// every folder (label) that shows it, its thread, and its labels.
public struct GmailAttributes: Sendable, Equatable {
    /// `X-GM-MSGID`: the message's id across all of the account's folders.
    public var messageID: UInt64
    /// `X-GM-THRID`: the conversation it belongs to.
    public var threadID: UInt64?
    /// `X-GM-LABELS`, decoded: user labels by name (`Projects/2024`), system labels with their
    /// backslash (`\Inbox`, `\Sent`, `\Important`, `\Starred`, `\Draft`).
    public var labels: [String]

    /// Creates the attributes.
    public init(messageID: UInt64, threadID: UInt64? = nil, labels: [String]) {
        self.messageID = messageID
        self.threadID = threadID
        self.labels = labels
    }

    /// The labels that are not Gmail's system labels.
    public var userLabels: [String] { labels.filter { !$0.hasPrefix("\\") } }

    /// One label as `STORE X-GM-LABELS` takes it: a system label as its atom, a user label as a quoted
    /// string in modified UTF-7, as Gmail encodes labels like mailbox names.
    static func wireForm(_ label: String) -> String {
        if label.hasPrefix("\\"), label.dropFirst().allSatisfy({ $0.isLetter }) { return label }
        let encoded = ModifiedUTF7.encode(label).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(encoded)\""
    }
}
