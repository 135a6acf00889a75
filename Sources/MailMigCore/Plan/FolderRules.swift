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

    /// Creates folder rules.
    public init(automap: Bool, map: [String: String], exclude: [String]) {
        self.automap = automap
        self.map = map
        self.exclude = exclude
    }

    /// Rules that copy every folder under its own name, matching special folders by role.
    public static let standard = FolderRules(automap: true, map: [:], exclude: [])

    /// Whether a source folder path is excluded.
    public func isExcluded(_ folder: String) -> Bool {
        exclude.contains { Glob.matches($0, folder) }
    }
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
