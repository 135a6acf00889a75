import Foundation

extension MailboxCopier {
    /// Of All Mail's candidates (SPECIAL-USE `\All`: Gmail's `[Gmail]/All Mail`, which shows every
    /// message of every label once more), those that no other folder of the mailbox holds: the
    /// messages without a label, which exist nowhere else.
    ///
    /// Only messages that were there when the pass began are decided (`uid < seenBelow`, All Mail's
    /// UIDNEXT before any folder was copied), so a message that arrives in a label folder during the
    /// pass is not mistaken for one without a label; messages below `decidedBelow` were decided by an
    /// earlier pass. Where the store says which folders show a message (Gmail's X-GM-LABELS), a
    /// message is elsewhere when a folder the pass copies shows it; otherwise when a ledger entry of
    /// another folder has its Message-ID, size and internal date (`notHeldElsewhere`).
    /// Returns the messages to copy and how many were found in other folders.
    func unlabeled(_ candidates: [MessageKey], mapping: FolderMapping, seenBelow: UInt32?, decidedBelow: UInt32?, labels: LabelPlan,
                   src: any MailStoreSession) async throws -> (copy: [MessageKey], elsewhere: Int) {
        let undecided = candidates.filter { key in
            guard let uid = key.uid else { return false }
            return uid >= (decidedBelow ?? 0) && seenBelow.map { uid < $0 } ?? true
        }
        guard !undecided.isEmpty else { return ([], 0) }
        guard let found = try await wrap(folder: mapping.source, side: .source, { try await src.labels(.uids(undecided)) }) else {
            return try await notHeldElsewhere(undecided, mapping: mapping, src: src, deciding: true)
        }
        let own = undecided.filter { found[$0].map { !labels.isElsewhere($0) } == true }
        let elsewhere = undecided.filter { found[$0].map(labels.isElsewhere) == true }.count
        // A message the labels left out (expunged meanwhile, or not described) is decided as without labels are.
        let unknown = undecided.filter { found[$0] == nil }
        let rest = try await notHeldElsewhere(unknown, mapping: mapping, src: src, deciding: true)
        return ((own + rest.copy).sorted(), elsewhere + rest.elsewhere)
    }

    /// Of `candidates`, those no ledger entry of another folder of the mailbox accounts for
    /// (`HeldElsewhere`: by the store's own message id where it has one, else by Message-ID, size and
    /// internal date), and how many were found that way. With `deciding`, a candidate the metadata
    /// leaves out is not copied but asked for again by the next pass (All Mail's decision is kept by
    /// UID); otherwise it stays a candidate, which the copy then reports if the source does not
    /// deliver it.
    func notHeldElsewhere(_ candidates: [MessageKey], mapping: FolderMapping, src: any MailStoreSession,
                          deciding: Bool = false) async throws -> (copy: [MessageKey], elsewhere: Int) {
        guard !candidates.isEmpty else { return ([], 0) }
        var held = HeldElsewhere(try store.ledger(mailbox: ledgerKey, folder: nil), besides: mapping.source)
        if held.isEmpty, !deciding { return (candidates, 0) }
        let metadata = try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.uids(candidates)) }
        let ids = try await wrap(folder: mapping.source, side: .source) { try await src.messageIDs(.uids(candidates)) }
        let labels = try await wrap(folder: mapping.source, side: .source) { try await src.labels(.uids(candidates)) }
        var copy: [MessageKey] = []
        var elsewhere = 0
        for message in metadata {
            let found = labels?[message.uid]
            // A folder that is no label (Trash, Spam) keeps its own messages, whatever else shows them.
            if let found, mapping.rule != .allMail, !found.folders.contains(mapping.source) {
                copy.append(message.uid)
            } else if held.take(globalID: found?.id, messageID: ids[message.uid] ?? nil, size: message.size,
                                internalDate: message.internalDate) {
                elsewhere += 1
            } else {
                copy.append(message.uid)
            }
        }
        if !deciding {
            let described = Set(metadata.map(\.uid))
            copy += candidates.filter { !described.contains($0) }
        }
        return (copy.sorted(), elsewhere)
    }
}
