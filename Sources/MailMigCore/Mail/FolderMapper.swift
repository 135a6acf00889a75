/// A folder as a server lists it, reduced to what mapping needs.
public struct FolderListing: Sendable, Equatable, Codable {
    /// The folder's levels, namespace prefix removed (`["Projekte", "Überweisungen"]`).
    public var levels: [String]
    /// Its SPECIAL-USE role (`\Sent`, `\Trash`, …), if the server reports one.
    public var specialUse: String?
    /// Whether the folder can hold messages (`\Noselect` and `\NonExistent` cannot).
    public var selectable: Bool
    /// Whether this is the store's INBOX (RFC 3501 §5.1). Only the store can say: under the personal
    /// namespace prefix `INBOX.`, the folder `INBOX.Inbox` has the path `Inbox` and is not the INBOX.
    public var isInbox: Bool
    /// How the store shows the folder where its path alone would mislead a reader, with why:
    /// `INBOX.Inbox (not the INBOX)`, or a name that is not valid modified UTF-7, escaped.
    public var shownName: String?
    /// The namespace the folder belongs to when it is not the personal one (RFC 2342); nil: personal.
    public var namespace: OtherNamespace?

    /// Creates a listing; without `isInbox`, the folder spelled `INBOX` in any case is the INBOX, as on
    /// a server without a namespace prefix.
    public init(levels: [String], specialUse: String?, selectable: Bool = true, isInbox: Bool? = nil, shownName: String? = nil,
                namespace: OtherNamespace? = nil) {
        self.levels = levels
        self.specialUse = specialUse
        self.selectable = selectable
        self.isInbox = namespace == nil && (isInbox ?? (levels.count == 1 && levels[0].uppercased() == "INBOX"))
        self.shownName = shownName
        self.namespace = namespace
    }

    /// The folder in plan form: levels joined with `/`.
    public var path: String { levels.joined(separator: "/") }
}

/// Where one source folder goes, and why.
public struct FolderMapping: Sendable, Equatable, Codable {
    /// Why the target was chosen.
    public enum Rule: String, Sendable, Codable {
        /// Same name on both sides.
        case sameName = "same name"
        /// Matched by SPECIAL-USE role.
        case specialUse = "special use"
        /// From `folders.map`.
        case mapped = "folders.map"
        /// A shared folder, into `folders.shared_into`.
        case sharedNamespace = "folders.shared"
        /// The All Mail folder (SPECIAL-USE `\All`): only its messages that are in no other folder.
        case allMail = "all mail"
    }

    /// The source folder in plan form.
    public var source: String
    /// The target folder in plan form.
    public var target: String
    /// The rule that chose it.
    public var rule: Rule
    /// A change made so the target can hold the name (e.g. a level containing the target's delimiter).
    public var note: String?
    /// Whether the target folder is the target's INBOX, as the target spells it (`InboxSpelling`).
    public var targetIsInbox = false
    /// How the source shows the folder where the path alone would mislead (`FolderListing.shownName`).
    public var shownSource: String?
}

/// The outcome of mapping a mailbox's folders.
public struct FolderPlan: Sendable, Equatable, Codable {
    /// Folders to copy, in source order.
    public var mappings: [FolderMapping]
    /// Source folders left out by `folders.exclude`.
    public var excluded: [String]
    /// Source folders of a namespace other than the personal one that are not copied: other users'
    /// folders always, shared folders unless `folders.shared: include` (nil when there were none).
    public var otherNamespaces: [String]? = nil
    /// Shared folders copied into `folders.shared_into` (nil when there were none).
    public var sharedIncluded: [String]? = nil

    /// Target folders that more than one source folder maps to, with those source folders in order.
    ///
    /// Copying them would silently merge folders: `Clubs/chess.com` and `Clubs/chess_com` both land in
    /// `Clubs/chess_com` on a `.`-delimited target, a `folders.map` entry may name a folder that exists
    /// already, and INBOX is one folder whatever its case (RFC 3501 §5.1). A merge is deliberate, and
    /// allowed, when every source folder of it has its own folders.map entry, or when every one goes
    /// there by the same SPECIAL-USE role.
    public var collisions: [(target: String, sources: [String])] {
        var order: [String] = []
        var sources: [String: [String]] = [:]
        for mapping in mappings {
            let key = mapping.targetIsInbox ? "INBOX" : mapping.target
            if sources[key] == nil { order.append(key) }
            sources[key, default: []].append(mapping.source)
        }
        // Two merges are deliberate: one whose every folder the plan names in folders.map, and one of
        // folders that all carry the SPECIAL-USE role of the target folder (`Sent` and `Sent Messages`
        // both marked \Sent: the role says they hold the same kind of mail; automap: false keeps them apart).
        let rules = Dictionary(mappings.map { ($0.source, $0.rule) }, uniquingKeysWith: { first, _ in first })
        return order.compactMap { key in
            guard let names = sources[key], names.count > 1 else { return nil }
            // Names that differ only in Unicode normalization are one name to a plan (and to Swift), as
            // are two server folders a store lists with one path, so no folders.map entry can tell them
            // apart: never a deliberate merge.
            // All Mail brings only messages that are in no other folder: it never merges two folders' mail.
            let merged = names.filter { rules[$0] != .allMail }
            guard merged.count > 1 else { return nil }
            let kinds = Set(merged.compactMap { rules[$0] })
            if Set(merged).count == merged.count, kinds == [.mapped] || kinds == [.specialUse] { return nil }
            return (key, merged)
        }
    }

    /// Whether two of `names` are canonically equivalent but not the same code points (NFC and NFD).
    static func differOnlyInNormalization(_ names: [String]) -> Bool {
        for (index, name) in names.enumerated() {
            for other in names[(index + 1)...] where other == name && !other.unicodeScalars.elementsEqual(name.unicodeScalars) {
                return true
            }
        }
        return false
    }

    /// `'Überweisungen'`, or `'Überweisungen' (decomposed, NFD)` when a canonically equal name with other
    /// code points stands beside it, so the two are told apart in a message.
    static func quoted(_ name: String, among names: [String]) -> String {
        guard names.contains(where: { $0 == name && !$0.unicodeScalars.elementsEqual(name.unicodeScalars) }) else { return "'\(name)'" }
        let composed = name.unicodeScalars.elementsEqual(name.precomposedStringWithCanonicalMapping.unicodeScalars)
        return "'\(name)' (\(composed ? "composed, NFC" : "decomposed, NFD"))"
    }

    /// One sentence naming every collision and the way out, or nil when there is none.
    public var collisionError: String? {
        let found = collisions
        guard !found.isEmpty else { return nil }
        let each = found.map { collision in
            "\(collision.sources.map { Self.quoted($0, among: collision.sources) }.joined(separator: " and ")) would all go to the target folder '\(collision.target)'"
        }
        var text = "source folders " + each.joined(separator: "; ") + ", merging them: map all but one of them elsewhere with folders.map, exclude them, or, to merge them on purpose, give every one of them a folders.map entry to that target folder"
        if found.contains(where: { Self.differOnlyInNormalization($0.sources) }) {
            text += "; names that differ only in Unicode normalization cannot be told apart in a plan: rename one on the source"
        }
        return text
    }

    /// The renames the target forces (a delimiter inside a folder name), and the names the source
    /// shows otherwise than their path (`INBOX.Inbox (not the INBOX)`), as `source → target`.
    public var renames: [String] {
        mappings.filter { $0.note != nil || $0.shownSource != nil }.map { "\($0.shownSource ?? $0.source) → \($0.target)" }
    }
}

/// Maps source folders to target folders: `folders.map` first, then SPECIAL-USE roles, then the same name.
///
/// Works on plan-form paths only; the delimiters and namespace prefixes of the servers are applied
/// by the IMAP side. A level that contains the target's delimiter cannot exist there as one level, so it
/// is renamed with `_` and the mapping says so rather than silently nesting it deeper.
public enum FolderMapper {
    /// Maps `source` folders onto a target that has `target` folders, uses `targetDelimiter` and names
    /// its INBOX as `targetInbox` says.
    public static func map(source: [FolderListing], target: [FolderListing], rules: FolderRules,
                           targetDelimiter: Character?, targetInbox: InboxSpelling = .anyCase) -> FolderPlan {
        var plan = FolderPlan(mappings: [], excluded: [])
        var targetByRole: [String: String] = [:]
        for folder in target where folder.namespace == nil {
            if let role = folder.specialUse?.lowercased(), targetByRole[role] == nil { targetByRole[role] = folder.path }
        }
        // The target service's own names, from its preset, where the target announces no folder with the role.
        for (role, name) in rules.targetFolderNames ?? [:] where targetByRole["\\" + role.lowercased()] == nil {
            targetByRole["\\" + role.lowercased()] = name
        }
        let sourceRoles = Dictionary((rules.sourceFolderNames ?? [:]).map { ($0.value, "\\" + $0.key.lowercased()) }, uniquingKeysWith: { first, _ in first })
        for folder in source where folder.selectable {
            let path = folder.path
            if rules.isExcluded(path) {
                plan.excluded.append(path)
                continue
            }
            func mapping(_ target: String, _ rule: FolderMapping.Rule, note: String?) -> FolderMapping {
                FolderMapping(source: path, target: target, rule: rule, note: note, targetIsInbox: targetInbox.names(target),
                              shownSource: folder.shownName)
            }
            if let namespace = folder.namespace {
                // Other users' folders are their own mailboxes, migrated as such; shared folders only when asked.
                guard namespace.kind == .shared, let into = rules.sharedInto else {
                    plan.otherNamespaces = (plan.otherNamespaces ?? []) + [path]
                    continue
                }
                let levels = into.split(separator: "/").map(String.init) + folder.levels.dropFirst(namespace.prefixLevels)
                plan.sharedIncluded = (plan.sharedIncluded ?? []) + [path]
                plan.mappings.append(mapping(levels.joined(separator: "/"), .sharedNamespace, note: nil))
                continue
            }
            if let mapped = rules.map[path] {
                plan.mappings.append(mapping(mapped, .mapped, note: nil))
                continue
            }
            // Every message again (Gmail shows each label as a folder and all of them in All Mail):
            // copied whole it would double the mailbox, so only what no other folder holds is taken.
            if (folder.specialUse ?? sourceRoles[path])?.lowercased() == "\\all" {
                let into = rules.allMailInto ?? targetByRole["\\archive"] ?? FolderRules.defaultAllMailInto
                plan.mappings.append(mapping(into, .allMail, note: nil))
                continue
            }
            if rules.automap, let role = folder.specialUse?.lowercased() ?? sourceRoles[path], let match = targetByRole[role] {
                plan.mappings.append(mapping(match, .specialUse, note: nil))
                continue
            }
            var note: String?
            var levels = folder.levels
            if let delimiter = targetDelimiter, levels.contains(where: { $0.contains(delimiter) }) {
                levels = levels.map { $0.replacingOccurrences(of: String(delimiter), with: "_") }
                note = "'\(delimiter)' is the target's hierarchy delimiter, so it became '_' in the folder name"
            }
            // Only the store says which folder is the INBOX: `INBOX.Inbox` (path `Inbox`) is not.
            if folder.isInbox { levels = ["INBOX"] }
            plan.mappings.append(mapping(levels.joined(separator: "/"), .sameName, note: note))
        }
        // All Mail last: what it holds beyond the other folders is known once they are copied.
        plan.mappings = plan.mappings.filter { $0.rule != .allMail } + plan.mappings.filter { $0.rule == .allMail }
        return plan
    }
}

/// A namespace other than the personal one (RFC 2342): other users' folders, or shared (public) ones.
public struct OtherNamespace: Sendable, Equatable, Codable {
    /// Which kind of namespace.
    public enum Kind: String, Sendable, Codable {
        /// Other users' personal folders (`Other Users/`, Dovecot's `shared/%u/`).
        case otherUsers = "other users"
        /// Folders shared by everyone: public folders (`Public Folders/`, Dovecot's `public/`).
        case shared
    }

    /// Which kind.
    public var kind: Kind
    /// How many leading levels of the folder's path are the namespace's prefix (`Public Folders/` is one).
    public var prefixLevels: Int

    /// Creates a namespace description.
    public init(kind: Kind, prefixLevels: Int) {
        self.kind = kind
        self.prefixLevels = prefixLevels
    }
}
