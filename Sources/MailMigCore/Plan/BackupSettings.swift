/// The plan's `backup:`: a local, verifiable copy of every source mailbox, kept up to date by every
/// pass before it copies to the target.
public struct BackupSettings: Sendable, Hashable, Codable {
    /// How the copy is stored.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// One Maildir tree per mailbox with a `manifest.jsonl` (docs/maildir.md).
        case maildir
    }

    /// The folder that holds one tree per mailbox, relative to the plan's folder (`backups/`).
    public var path: String
    /// How the copy is stored.
    public var format: Format
    /// Where `backup:` was written.
    public var location: SourceLocation

    /// Creates backup settings.
    public init(path: String, format: Format = .maildir, location: SourceLocation) {
        self.path = path
        self.format = format
        self.location = location
    }

    /// The backup as a mail store's settings: a Maildir tree per mailbox, `<path>/{source}`, which
    /// the `maildir` store fills with the source address as a file name (`Template.fileName`).
    public var server: MailServer {
        MailServer(access: .maildir(path: (path.hasSuffix("/") ? path : path + "/") + "{source}"), login: nil,
                   connections: MailServer.defaultConnections, location: location)
    }

    /// What the plan and errors call the backup: `backup backups/`.
    public var label: String { "backup \(path)" }
}

