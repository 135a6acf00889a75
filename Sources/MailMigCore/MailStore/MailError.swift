/// A mail operation failed; names the side, the server, the mailbox and the folder.
public struct MailError: Error, Sendable, CustomStringConvertible {
    /// `source` or `target`.
    public var side: MailSide
    /// The server's host.
    public var server: String
    /// The mailbox (source address).
    public var mailbox: String
    /// The folder, when the failure concerns one.
    public var folder: String?
    /// What went wrong.
    public var reason: String
    /// Whether retrying may help (a dropped connection or a timeout, not a refusal).
    public var isTransient: Bool

    /// Creates an error.
    public init(side: MailSide, server: String, mailbox: String, folder: String? = nil, reason: String, isTransient: Bool = false) {
        self.side = side
        self.server = server
        self.mailbox = mailbox
        self.folder = folder
        self.reason = reason
        self.isTransient = isTransient
    }

    /// Wraps a store's error with the context of the operation; a `MailError` is kept as it is, and a
    /// `MailStoreError` keeps its classification.
    public init(_ error: any Error, side: MailSide, server: String, mailbox: String, folder: String?) {
        if let mail = error as? MailError {
            self = mail
            return
        }
        let transient = (error as? MailStoreError)?.kind == .transient
        self.init(side: side, server: server, mailbox: mailbox, folder: folder, reason: "\(error)", isTransient: transient)
    }

    /// `source server imap.acme.test, mailbox alice@acme.test, folder INBOX: …`.
    public var description: String {
        var text = "\(side.rawValue) server \(server), mailbox \(mailbox)"
        if let folder { text += ", folder \(folder)" }
        return text + ": " + reason
    }
}

/// Which side of the migration.
public enum MailSide: String, Sendable, Codable {
    case source
    case target
}
