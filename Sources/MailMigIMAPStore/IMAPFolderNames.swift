import MailMigCore
import MailMigIMAP
import Synchronization

/// How one IMAP server's mailbox names and plan-form paths correspond.
///
/// A listed mailbox keeps the exact bytes LIST gave, and every command on it sends those back
/// (`FolderNameTable`); only a path nothing listed (a folder to create) becomes a name by rule:
/// the personal namespace prefix, then the levels joined by the delimiter. INBOX is recognised by
/// its name, never by its path: under the prefix `INBOX.`, `INBOX.Inbox` has the path `Inbox` and
/// is another folder (RFC 3501 §5.1, RFC 2342).
struct IMAPFolderNames: Sendable {
    /// A namespace other than the personal one, as NAMESPACE gave it (RFC 2342).
    struct Other: Sendable, Equatable {
        /// Its prefix (`shared.`, `Public Folders/`); never empty (an empty one cannot be told from the personal namespace).
        var prefix: String
        /// Its hierarchy delimiter.
        var delimiter: Character?
        /// Other users' or shared.
        var kind: OtherNamespace.Kind
    }

    /// The personal namespace prefix (`INBOX.` or empty).
    let prefix: String
    /// The hierarchy delimiter of the personal namespace.
    let delimiter: Character?
    /// The other namespaces with a prefix, longest prefix first.
    var others: [Other] = []

    /// Names a server with these namespaces.
    init(prefix: String, delimiter: Character?, others: [Other] = []) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.others = others.filter { !$0.prefix.isEmpty }.sorted { $0.prefix.count > $1.prefix.count }
    }

    /// The other namespace a server name belongs to, nil for the personal one. A name equal to the
    /// prefix without its delimiter (`shared`, listed as the namespace's parent) belongs to it too.
    func otherNamespace(of name: String) -> Other? {
        others.first { other in
            name.hasPrefix(other.prefix) || other.delimiter.map { other.prefix == name + String($0) } == true
        }
    }

    /// Which paths name the INBOX: with a prefix only `INBOX` itself, since any other spelling
    /// becomes a folder under the prefix.
    var inboxSpelling: InboxSpelling { prefix.isEmpty ? .anyCase : .exact }

    /// The listing of a mailbox LIST returned, or nil for the namespace prefix itself (`INBOX.`
    /// listed as a parent is not a folder of its own).
    func listing(of info: MailboxInfo) -> FolderListing? {
        if let other = otherNamespace(of: info.name) { return listing(of: info, in: other) }
        let isInbox = info.name.uppercased() == "INBOX"
        let levels = levels(of: info.name)
        guard !levels.isEmpty, !levels.contains(where: \.isEmpty) else { return nil }
        let path = levels.joined(separator: "/")
        var shown: String?
        if !info.isNameDecoded {
            shown = "\(Self.escaped(info.rawName)) (not valid modified UTF-7, copied under its name as written)"
        } else if !isInbox, path.uppercased() == "INBOX" {
            shown = "\(info.name) (not the INBOX)"
        }
        return FolderListing(levels: levels, specialUse: info.specialUse?.rawValue, selectable: info.isSelectable,
                             isInbox: isInbox, shownName: shown)
    }

    /// The listing of a mailbox of another namespace: its whole name as levels, prefix included, so it
    /// can never take the path of a personal folder; nil for the namespace's root itself.
    private func listing(of info: MailboxInfo, in other: Other) -> FolderListing? {
        let split = { (text: String) in other.delimiter.map { text.split(separator: $0, omittingEmptySubsequences: false).map(String.init) } ?? [text] }
        let prefixLevels = split(other.prefix).filter { !$0.isEmpty }.count
        let levels = split(info.name)
        guard levels.count > prefixLevels, !levels.contains(where: \.isEmpty) else { return nil }
        let shown = info.isNameDecoded ? nil : "\(Self.escaped(info.rawName)) (not valid modified UTF-7, copied under its name as written)"
        return FolderListing(levels: levels, specialUse: nil, selectable: info.isSelectable, isInbox: false, shownName: shown,
                             namespace: OtherNamespace(kind: other.kind, prefixLevels: prefixLevels))
    }

    /// The plan-form levels of a decoded server name.
    func levels(of name: String) -> [String] {
        if name.uppercased() == "INBOX" { return ["INBOX"] }
        var rest = Substring(name)
        // `INBOX.INBOX` keeps its prefix: without it, its path would be the INBOX's own.
        if !prefix.isEmpty, rest.hasPrefix(prefix), rest.dropFirst(prefix.count) != "INBOX" { rest = rest.dropFirst(prefix.count) }
        guard let delimiter else { return [String(rest)] }
        return rest.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
    }

    /// The name for a path nothing listed: a folder about to be created.
    func derivedName(_ path: String) -> String {
        if inboxSpelling.names(path) { return "INBOX" }
        let levels = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return prefix + (delimiter.map { levels.joined(separator: String($0)) } ?? levels.joined())
    }

    /// A name for a message: printable ASCII as it is, anything else as `\u{…}`.
    static func escaped(_ text: String) -> String {
        text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16, uppercase: true))}" }.joined()
    }
}

/// The names the last LIST gave, by plan-form path; shared by the copies of one session.
final class FolderNameTable: Sendable {
    /// What a path stands for.
    enum Entry: Sendable {
        /// One mailbox, with the name to send.
        case listed(MailboxName)
        /// Several mailboxes with the same path (which the folder mapping holds back as a collision).
        case ambiguous([String])
    }

    private let entries = Mutex<[String: Entry]?>(nil)
    /// The SPECIAL-USE role of each listed path (`\\sent`, lowercased) and the INBOX's path, for Gmail's labels.
    private let roles = Mutex<GmailLabelNames?>(nil)

    /// Whether a LIST has filled the table.
    var isFilled: Bool { entries.withLock { $0 != nil } }

    /// Replaces the table with one LIST's mailboxes and their paths.
    func fill(_ listed: [(path: String, info: MailboxInfo)]) {
        var table: [String: Entry] = [:]
        for (path, info) in listed {
            switch table[path] {
            case nil: table[path] = .listed(info.mailboxName)
            case .listed(let first)?: table[path] = .ambiguous([first.text, info.name])
            case .ambiguous(let names)?: table[path] = .ambiguous(names + [info.name])
            }
        }
        entries.withLock { $0 = table }
    }

    /// Records the roles of one LIST's folders, which Gmail's system labels stand for.
    func fillRoles(_ listings: [FolderListing]) {
        roles.withLock { $0 = GmailLabelNames(listings) }
    }

    /// How Gmail's labels and the listed folders correspond; nil before a LIST.
    var labelNames: GmailLabelNames? { roles.withLock { $0 } }

    /// What `path` stands for, nil when nothing listed has it.
    func entry(_ path: String) -> Entry? {
        entries.withLock { $0?[path] }
    }
}
