/// What the ledger entries of a mailbox's other folders account for: the copies a message found in
/// one more folder must not be made again (All Mail's labelled messages; under `folders.labels:
/// keywords`, a message whose home moved).
///
/// A message is known by the source's own id where the store has one (Gmail's X-GM-MSGID, recorded as
/// `LedgerEntry.globalID`), else by Message-ID, size and internal date (`dedupeKey`): Gmail shows one
/// message alike in every label. By the latter key one entry accounts for one message, so two equal
/// messages with one label need two entries.
struct HeldElsewhere {
    /// The ids of entries that have one.
    private var ids: Set<String> = []
    /// How many entries without an id have each key.
    private var withoutID: [String: Int] = [:]
    /// How many entries have each key, with or without an id.
    private var all: [String: Int] = [:]

    /// The index of the entries of folders other than `folder`.
    init(_ ledger: [LedgerEntry], besides folder: String) {
        for entry in ledger where entry.folder != folder {
            let key = MailboxCopier.dedupeKey(entry.messageID ?? "", entry.size, MessageDate(entry.internalDate))
            all[key, default: 0] += 1
            if let id = entry.globalID { ids.insert(id) } else { withoutID[key, default: 0] += 1 }
        }
    }

    /// Whether no other folder has a ledger entry.
    var isEmpty: Bool { all.isEmpty }

    /// Whether a message is accounted for by another folder's entry; an entry found by key is used up.
    /// A message with an id is compared by id with entries that have one, and by key only with
    /// entries written without one (before the store's ids were recorded).
    mutating func take(globalID: String?, messageID: String?, size: Int?, internalDate: MessageDate?) -> Bool {
        let key = MailboxCopier.dedupeKey(messageID ?? "", size, internalDate)
        if let globalID {
            if ids.contains(globalID) { return true }
            return Self.use(&withoutID, key)
        }
        return Self.use(&all, key)
    }

    private static func use(_ counts: inout [String: Int], _ key: String) -> Bool {
        guard let count = counts[key], count > 0 else { return false }
        counts[key] = count - 1
        return true
    }
}
