import Foundation

extension MailboxCopier {
    /// Of All Mail's candidates (SPECIAL-USE `\All`: Gmail's `[Gmail]/All Mail`, which shows every
    /// message of every label once more), those that no other folder of the mailbox holds: the
    /// messages without a label, which exist nowhere else.
    ///
    /// Only messages that were there when the pass began are decided (`uid < seenBelow`, All Mail's
    /// UIDNEXT before any folder was copied), so a message that arrives in a label folder during the
    /// pass is not mistaken for one without a label; messages below `decidedBelow` were decided by an
    /// earlier pass. A message is in another folder when a ledger entry of another folder has its
    /// Message-ID, size and internal date (Gmail shows the same message alike in every label).
    /// Returns the messages to copy and how many were found in other folders.
    func unlabeled(_ candidates: [MessageKey], mapping: FolderMapping, seenBelow: UInt32?, decidedBelow: UInt32?,
                   src: any MailStoreSession) async throws -> (copy: [MessageKey], elsewhere: Int) {
        let undecided = candidates.filter { key in
            guard let uid = key.uid else { return false }
            return uid >= (decidedBelow ?? 0) && seenBelow.map { uid < $0 } ?? true
        }
        guard !undecided.isEmpty else { return ([], 0) }
        var copied = Self.heldElsewhere(try store.ledger(mailbox: ledgerKey, folder: nil), besides: mapping.source)
        let metadata = try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.uids(undecided)) }
        let ids = try await wrap(folder: mapping.source, side: .source) { try await src.messageIDs(.uids(undecided)) }
        var copy: [MessageKey] = []
        var elsewhere = 0
        for message in metadata {
            let key = Self.dedupeKey((ids[message.uid] ?? nil) ?? "", message.size, message.internalDate)
            if let count = copied[key], count > 0 {
                // One ledger entry accounts for one All Mail message: two equal messages with one label need two entries.
                copied[key] = count - 1
                elsewhere += 1
            } else {
                copy.append(message.uid)
            }
        }
        // A candidate the metadata left out is not decided: it is asked for again by the next pass.
        return (copy, elsewhere)
    }

    /// How many messages of each `dedupeKey` the ledger entries of folders other than `folder` account
    /// for: what the copier and verify both compare All Mail's messages with.
    static func heldElsewhere(_ ledger: [LedgerEntry], besides folder: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for entry in ledger where entry.folder != folder {
            counts[dedupeKey(entry.messageID ?? "", entry.size, MessageDate(entry.internalDate)), default: 0] += 1
        }
        return counts
    }
}
