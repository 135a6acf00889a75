import Foundation

/// Where a correct migration puts each source folder, for the rules the mail suites' plans declare.
struct MailFolderRules {
    var map: [String: String] = [:]
    /// Prefixes standing for `exclude` globs of the form `Prefix*`.
    var excludedPrefixes: [String] = []
    var automap = true

    /// The target folder of a source folder, nil when excluded. SPECIAL-USE folders go to the target's
    /// folder of the same role (the test Dovecot names them Sent, Trash, Drafts, Junk, Archive).
    func target(of name: String, folder: MailboxSnapshot.Folder) -> String? {
        if excludedPrefixes.contains(where: { name.hasPrefix($0) }) { return nil }
        if let mapped = map[name] { return mapped }
        if automap, let role = folder.specialUse {
            let names = ["\\Sent": "Sent", "\\Trash": "Trash", "\\Drafts": "Drafts", "\\Junk": "Junk", "\\Archive": "Archive"]
            if let target = names[role] { return target }
        }
        return name
    }

    /// The target multisets a correct copy of `source` gives.
    func expected(from source: MailboxSnapshot) -> [String: [MailboxSnapshot.Fingerprint]] {
        source.expectedTarget { target(of: $0, folder: $1) }
    }
}
