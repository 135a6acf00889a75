/// What kind of mail system one side of a migration is, and where it is: the plan key under
/// `source:` or `target:` (`imap`, `pop3`, `maildir`) with its settings.
///
/// The engine reasons about the kind in a few places: a POP3 maildrop has one folder and no login
/// styles beyond a user's own or an authorization identity, a Maildir tree needs no login at all. The
/// stores themselves come from the adapters the composition root registers (`MailStoreRegistry`).
public enum MailAccess: Sendable, Hashable, Codable {
    /// An IMAP server (RFC 3501/9051): every folder, flags, keywords and internal dates.
    case imap(ServerEndpoint)
    /// A POP3 server (RFC 1939), read only: its maildrop arrives as the one folder `folder`.
    case pop3(ServerEndpoint, folder: String)
    /// A local Maildir tree per mailbox: `path` is a template with mailbox placeholders
    /// (`backups/{address}`), relative to the plan's folder.
    case maildir(path: String)

    /// The plan key: `imap`, `pop3`, `maildir`.
    public var key: String {
        switch self {
        case .imap: "imap"
        case .pop3: "pop3"
        case .maildir: "maildir"
        }
    }

    /// How the plan output names the kind: `IMAP`, `POP3`, `Maildir`.
    public var protocolName: String {
        switch self {
        case .imap: "IMAP"
        case .pop3: "POP3"
        case .maildir: "Maildir"
        }
    }

    /// Host, port and TLS, for a server reached over the network.
    public var endpoint: ServerEndpoint? {
        switch self {
        case .imap(let endpoint), .pop3(let endpoint, _): endpoint
        case .maildir: nil
        }
    }

    /// How errors and the plan name the system: the host, or the Maildir path template.
    public var label: String {
        switch self {
        case .imap(let endpoint), .pop3(let endpoint, _): endpoint.host
        case .maildir(let path): path
        }
    }

    /// Whether mailmig can write to it (a POP3 maildrop can only be read).
    public var isWritable: Bool {
        if case .pop3 = self { return false }
        return true
    }
}
