/// One line of a mailbox's `manifest.jsonl`: what the store wrote for one message, or its flags after a change.
///
/// A later line for the same folder and key supersedes an earlier one. Written as one JSON object per
/// line with the keys `folder`, `key`, `file`, `size`, `internal_date`, `flags`, `sha256` and, when
/// the caller named one, `source`.
public struct MaildirManifestEntry: Sendable, Equatable, Codable {
    /// The folder in plan form (`INBOX`, `Projects/2024`).
    public var folder: String
    /// The message's key in its folder: the unique part of its file name (`MessageKey.name`).
    public var key: String
    /// The message file, relative to the mailbox's root (`.Projects.2024/cur/<key>:2,S`).
    public var file: String
    /// The file's size in bytes: the message's exact size.
    public var size: Int
    /// The internal date, in the text form of `MessageDate` (`07-Jul-1996 02:44:25 -0700`).
    public var internalDate: String
    /// Every flag and keyword, sorted.
    public var flags: [String]
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    /// How the source names the message (`OutgoingMessage.sourceIdentity`), when the copy was told.
    public var source: String?

    /// Creates an entry.
    public init(folder: String, key: String, file: String, size: Int, internalDate: String, flags: [String], sha256: String,
                source: String? = nil) {
        self.folder = folder
        self.key = key
        self.file = file
        self.size = size
        self.internalDate = internalDate
        self.flags = flags
        self.sha256 = sha256
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case folder, key, file, size, internalDate = "internal_date", flags, sha256, source
    }
}

/// The identity a manifest line describes: a message key in one folder.
struct ManifestKey: Hashable {
    /// The folder in plan form.
    let folder: String
    /// The message key.
    let key: String
}
