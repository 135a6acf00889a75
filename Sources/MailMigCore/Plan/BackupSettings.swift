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

    /// The tree of one mailbox: `<path>/<source address>`, lower-cased as addresses compare, with `/`,
    /// `%` and control characters (which a local part may hold) written as `%XX`.
    public func folder(of mailbox: MailboxMapping) -> String {
        (path.hasSuffix("/") ? path : path + "/") + Self.fileName(of: mailbox.source)
    }

    /// An address as one file name: it always holds `@`, so it is never `.` or `..`.
    static func fileName(of address: EmailAddress) -> String {
        var name: [UInt8] = []
        for byte in address.description.lowercased().utf8 {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "%") || byte < 0x20 || byte == 0x7F {
                let hex = String(byte, radix: 16, uppercase: true)
                name += Array(("%" + (hex.count < 2 ? "0" : "") + hex).utf8)
            } else {
                name.append(byte)
            }
        }
        return String(decoding: name, as: UTF8.self)
    }

    /// What the plan and errors call the backup: `backup backups/`.
    public var label: String { "backup \(path)" }
}

