import MailMigCore

/// The folders of one mailbox's Maildir++ tree.
enum MaildirTree {
    /// INBOX (the root) and every folder directory at the root that holds a Maildir, sorted by path
    /// with INBOX first. A `.INBOX` directory is left out: the root is the INBOX.
    static func folders(root: String) throws -> [MaildirFolder] {
        var found: [MaildirFolder] = []
        for entry in try Posix.entries(of: root) where entry.isDirectory {
            guard let levels = MaildirFolderName.levels(ofDirectory: entry.name), levels != ["INBOX"] else { continue }
            let folder = MaildirFolder(root: root, path: levels.joined(separator: "/"), directory: entry.name)
            if folder.exists { found.append(folder) }
        }
        found.sort { $0.path < $1.path }
        let inbox = MaildirFolder(root: root, path: "INBOX", directory: "")
        return (inbox.exists ? [inbox] : []) + found
    }

    /// The listing of every folder: INBOX, each folder, and each level above a folder that has no
    /// Maildir of its own, listed as not selectable (as an IMAP server lists `\Noselect` parents).
    static func listings(of folders: [MaildirFolder]) -> [FolderListing] {
        var listings: [FolderListing] = []
        var listed = Set<String>()
        let paths = Set(folders.map(\.path))
        for folder in folders {
            let levels = folder.path == "INBOX" ? ["INBOX"] : folder.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            for depth in 1..<max(1, levels.count) {
                let parent = levels[0..<depth].joined(separator: "/")
                if !paths.contains(parent), listed.insert(parent).inserted {
                    listings.append(FolderListing(levels: Array(levels[0..<depth]), specialUse: nil, selectable: false, isInbox: false))
                }
            }
            if listed.insert(folder.path).inserted {
                let isInbox = folder.directory.isEmpty
                listings.append(FolderListing(levels: levels, specialUse: nil, isInbox: isInbox,
                                              shownName: !isInbox && folder.path.uppercased() == "INBOX" ? "\(folder.path) (not the INBOX)" : nil))
            }
        }
        return listings
    }
}
