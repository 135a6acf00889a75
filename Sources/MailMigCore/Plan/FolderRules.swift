/// How source folders map to target folders.
///
/// Folder names in a plan use `/` as the hierarchy separator whatever the servers use;
/// mailmig converts to each server's own separator on the wire.
public struct FolderRules: Sendable, Hashable, Codable {
    /// Match folders by SPECIAL-USE role (`\Sent`, `\Trash`, `\Drafts`, `\Junk`, `\Archive`).
    public var automap: Bool
    /// Explicit source → target names; wins over automap.
    public var map: [String: String]
    /// Globs of source folders never copied: `*` matches any run of characters (also `/`), `?` one.
    public var exclude: [String]
    /// Where the source's shared folders (its shared namespaces, RFC 2342) go on the target, as a folder
    /// path (`Shared`); nil: they are not copied (`folders.shared: exclude`, the default).
    public var sharedInto: String?
    /// Where the messages of the source's All Mail folder (SPECIAL-USE `\All`, Gmail's `[Gmail]/All Mail`)
    /// that are in no other folder go, as a folder path; nil: the target's `\Archive` folder, else `Archive`.
    public var allMailInto: String? = nil
    /// How a source whose folders are labels (Gmail) is copied; nil: `.folders`.
    public var labels: LabelMode? = nil
    /// The source service's folder of each SPECIAL-USE role, from its preset (`sent` → `Sent Items`):
    /// a source folder by that name without an announced role has that role. Nil: no preset.
    public var sourceFolderNames: [String: String]? = nil
    /// The target service's folder of each role, from its preset: where the target announces no folder
    /// with a role, a source folder of that role goes there. Nil: no preset.
    public var targetFolderNames: [String: String]? = nil

    /// Creates folder rules.
    public init(automap: Bool, map: [String: String], exclude: [String], sharedInto: String? = nil) {
        self.automap = automap
        self.map = map
        self.exclude = exclude
        self.sharedInto = sharedInto
    }

    /// Where All Mail's own messages go when neither `folders.all_mail_into` nor the target's `\Archive` says.
    public static let defaultAllMailInto = "Archive"

    /// Default for `folders.shared_into`.
    public static let defaultSharedInto = "Shared"

    /// Rules that copy every folder under its own name, matching special folders by role.
    public static let standard = FolderRules(automap: true, map: [:], exclude: [])

    /// Whether a source folder path is excluded.
    public func isExcluded(_ folder: String) -> Bool {
        exclude.contains { Glob.matches($0, folder) }
    }
}

/// How a source whose folders are labels of one message store (Gmail, X-GM-EXT-1) is copied: the
/// plan's `folders.labels`.
public enum LabelMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// One target folder per label; a message with several labels arrives once in each (the default).
    case folders
    /// One copy of each message, in its first label's folder; its other labels become keywords.
    case keywords
}

/// Shell-like matching of folder names, case-sensitive as IMAP folder names are.
public enum Glob {
    /// Whether `text` matches `pattern` as a whole.
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0
        var ti = 0
        var star: Int?
        var resume = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                resume = ti
                pi += 1
            } else if let s = star {
                pi = s + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Limits on which messages are copied.
public struct Filters: Sendable, Hashable, Codable {
    /// Messages larger than this are skipped and reported, never silently dropped.
    public var maxMessageSize: ByteSize?

    /// Creates filters.
    public init(maxMessageSize: ByteSize? = nil) {
        self.maxMessageSize = maxMessageSize
    }
}
