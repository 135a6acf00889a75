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
    /// How the store classified the failure; what the engine acts on (retry, forget a missing folder,
    /// call a mailbox absent), never the wording of `reason`.
    public var kind: MailStoreError.Kind
    /// What went wrong, one sentence in the store's words.
    public var reason: String
    /// The pause the server asked for before a retry, in seconds, when it named one (`MailStoreError.retryAfter`).
    public var retryAfter: Double?
    /// Whether the server said it paces the client (`MailStoreError.throttled`).
    public var isThrottled = false

    /// Whether retrying may help (a dropped connection or a timeout, not a refusal).
    public var isTransient: Bool { kind == .transient }

    /// Creates an error.
    public init(side: MailSide, server: String, mailbox: String, folder: String? = nil, kind: MailStoreError.Kind = .failed, reason: String) {
        self.side = side
        self.server = server
        self.mailbox = mailbox
        self.folder = folder
        self.kind = kind
        // Server text may quote a secret it was sent.
        self.reason = SecretRedaction.redact(reason)
    }

    /// Wraps a store's error with the context of the operation; a `MailError` is kept as it is, and a
    /// `MailStoreError` keeps its kind. Any other error (the state, a bug) is a failure.
    public init(_ error: any Error, side: MailSide, server: String, mailbox: String, folder: String?) {
        if let mail = error as? MailError {
            self = mail
        } else if let store = error as? MailStoreError {
            self.init(side: side, server: server, mailbox: mailbox, folder: folder, kind: store.kind, reason: store.reason)
            retryAfter = store.retryAfter
            isThrottled = store.throttled
        } else {
            self.init(side: side, server: server, mailbox: mailbox, folder: folder, kind: .failed, reason: "\(error)")
        }
    }

    /// What to throw for `error`, raised while working on a mailbox: a store's error becomes a
    /// `MailError` with the operation's context; an error of the state (`StateError`), of a worker's
    /// lease or a cancellation is not the mail server's and passes unchanged, so that it is never
    /// reported as the server's answer or retried as a dropped connection.
    public static func wrapping(_ error: any Error, side: MailSide, server: String, mailbox: String, folder: String?) -> any Error {
        if error is StateError || error is LeaseLost || error is CancellationError { return error }
        return MailError(error, side: side, server: server, mailbox: mailbox, folder: folder)
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
