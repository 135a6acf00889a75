import MailMigCore

/// How Gmail's labels (X-GM-LABELS) and a mailbox's plan-form folder paths correspond.
///
/// A user label is a folder of the same name (Gmail's delimiter is `/`, as the plan's); a system
/// label is the folder of its role: `\Inbox` the INBOX, `\Sent` the `\Sent` folder, `\Draft` the
/// `\Drafts` folder, `\Starred` the `\Flagged` folder, `\Important` the `\Important` folder, `\Trash`
/// and `\Spam` the `\Trash` and `\Junk` folders. Source: developers.google.com/gmail/imap/imap-extensions.
struct GmailLabelNames: Sendable, Equatable {
    /// The folder of each role, by lowercased SPECIAL-USE attribute (`\sent`).
    private var pathByRole: [String: String] = [:]
    /// The role of each folder that has one.
    private var roleByPath: [String: String] = [:]
    /// The INBOX's path.
    private var inbox = "INBOX"
    /// The user-label folders listed, so a label nothing listed (hidden from IMAP) names no folder.
    private var listed: Set<String> = []

    /// The system labels and the SPECIAL-USE role of the folder each stands for.
    static let systemLabels: [String: String] = [
        "\\sent": "\\sent", "\\draft": "\\drafts", "\\starred": "\\flagged", "\\important": "\\important",
        "\\trash": "\\trash", "\\spam": "\\junk",
    ]

    /// The correspondence for one LIST's folders.
    init(_ listings: [FolderListing]) {
        for listing in listings where listing.namespace == nil {
            let path = listing.levels.joined(separator: "/")
            listed.insert(path)
            if listing.isInbox { inbox = path }
            if let role = listing.specialUse?.lowercased() {
                pathByRole[role] = pathByRole[role] ?? path
                roleByPath[path] = role
            }
        }
    }

    /// The folder a label shows its messages in; nil for a label no listed folder stands for (the
    /// labels Gmail hides from IMAP, `\Muted`).
    func folder(ofLabel label: String) -> String? {
        let lowered = label.lowercased()
        if lowered == "\\inbox" { return inbox }
        if label.hasPrefix("\\") { return Self.systemLabels[lowered].flatMap { pathByRole[$0] } }
        return listed.contains(label) ? label : nil
    }

    /// The label that shows messages in `path`; nil for a folder that is no label (All Mail, which
    /// shows every message; Trash and Spam, whose labels move a message out of every other folder).
    func label(ofFolder path: String) -> String? {
        if path == inbox { return "\\Inbox" }
        guard let role = roleByPath[path] else { return path }
        if ["\\all", "\\trash", "\\junk"].contains(role) { return nil }
        guard let label = Self.systemLabels.first(where: { $0.value == role })?.key else { return path }
        return "\\" + label.dropFirst().prefix(1).uppercased() + label.dropFirst(2)
    }
}
