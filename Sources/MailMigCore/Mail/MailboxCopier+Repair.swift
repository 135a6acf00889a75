import Foundation

extension MailboxCopier {
    /// Forgets the ledger rows of copied messages that verify found missing and that are still not on
    /// the target, so this pass copies them again; returns how many.
    ///
    /// Under the UIDVALIDITY recorded at the append, a target UID that is no longer listed is gone for
    /// good (UIDs are never reused). Where the target folder was renumbered, only a copy with the same
    /// size and SHA-256 counts as there, and a row without a hash (recorded by `dedupe: target`) is kept:
    /// a message copied twice is worse than one reported missing again.
    func forgetMissing(_ keys: [MessageKey], mapping: FolderMapping, uidValidity: UInt32, dst: any MailStoreSession) async throws -> Int {
        let entries = try store.ledger(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, uids: keys)
        guard !entries.isEmpty else { return 0 }
        let selected = try await wrap(folder: mapping.source, side: .target) { try await dst.openFolder(mapping.target, forWriting: false) }
        let listed = Set(try await wrap(folder: mapping.source, side: .target) { try await dst.messageUIDs(.all) })
        var claimed = try store.targetUIDs(mailbox: ledgerKey, targetFolder: mapping.target, targetUIDValidity: selected.uidValidity)
        var gone: [LedgerEntry] = []
        var relocated: [LedgerEntry] = []
        for entry in entries {
            if entry.targetFolder == mapping.target, entry.targetUIDValidity == selected.uidValidity, let uid = entry.targetUID {
                if !listed.contains(uid) { gone.append(entry) }
                continue
            }
            guard !entry.sha256.isEmpty else { continue }
            if let copy = try await wrap(folder: mapping.source, side: .target, { try await Self.findCopy(of: entry, excluding: claimed, on: dst) }) {
                var moved = entry
                moved.targetFolder = mapping.target
                moved.targetUIDValidity = selected.uidValidity
                moved.targetUID = copy.uid
                claimed.insert(copy.uid)
                relocated.append(moved)
            } else {
                gone.append(entry)
            }
        }
        try await wrap(folder: mapping.source, side: .target) { try await dst.closeFolder() }
        try store.commitCopies(relocated)
        try store.forgetCopies(gone)
        return gone.count
    }

    /// Puts the source's flags on every copied message of the folder whose target copy holds others,
    /// comparing with what the target holds rather than with the ledger; returns the messages updated.
    ///
    /// This is the pass verify asks for: flags changed on the target behind mailmig's back, or on a
    /// source whose HIGHESTMODSEQ did not move, are invisible to `syncFlags`. Flags the target is known
    /// not to store (recorded as a rewrite when the message was appended) are not stored again.
    func repairFlags(mapping: FolderMapping, uidValidity: UInt32, src: any MailStoreSession, dst: any MailStoreSession,
                     dropped: inout [String]) async throws -> Int {
        let ledger = try store.ledger(mailbox: ledgerKey, folder: mapping.source).filter { $0.uidValidity == uidValidity && $0.targetUID != nil }
        guard !ledger.isEmpty else { return 0 }
        let sourceMetadata = try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.uids(ledger.map(\.uid))) }
        let wanted = Dictionary(sourceMetadata.map { ($0.uid, Self.storable($0.flags)) }, uniquingKeysWith: { first, _ in first })
        let selected = try await wrap(folder: mapping.source, side: .target) { try await dst.openFolder(mapping.target, forWriting: true) }
        let located = ledger.filter { $0.targetFolder == mapping.target && ($0.targetUIDValidity == nil || $0.targetUIDValidity == selected.uidValidity) }
        let targetMetadata = try await wrap(folder: mapping.source, side: .target) { try await dst.metadata(.uids(located.compactMap(\.targetUID))) }
        let held = Dictionary(targetMetadata.map { ($0.uid, Self.storable($0.flags)) }, uniquingKeysWith: { first, _ in first })
        let rewrites = try store.targetRewrites(mailbox: ledgerKey, folder: mapping.source)
            .filter { $0.uidValidity == uidValidity && $0.attribute == .flags }
        let words = { (text: String) in text.split(separator: " ").map(String.init) }
        var groups: [[String]: [LedgerEntry]] = [:]
        var recorded: [MessageKey: [String]] = [:]
        for entry in located {
            guard let flags = wanted[entry.uid], let uid = entry.targetUID, let current = held[uid] else { continue }
            if !MessageFlags.same(flags, entry.flags) { recorded[entry.uid] = flags }
            // Keywords no target can be sent never arrive: the target is right without them.
            guard !MessageFlags.same(MessageFlags.sendable(flags).kept, current) else { continue }
            let limit = rewrites.first { $0.uid == entry.uid }
            if let limit, MessageFlags.same(words(limit.sent), flags), MessageFlags.same(words(limit.stored), current) { continue }
            groups[flags, default: []].append(entry)
        }
        for (flags, entries) in groups {
            let sendable = MessageFlags.sendable(flags)
            dropped.append(contentsOf: sendable.dropped)
            try await wrap(folder: mapping.source, side: .target) { try await dst.replaceFlags(of: entries.compactMap(\.targetUID), with: sendable.kept) }
            for entry in entries { recorded[entry.uid] = flags }
        }
        try await wrap(folder: mapping.source, side: .target) { try await dst.closeFolder() }
        try store.updateLedgerFlags(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, flags: recorded)
        return groups.values.reduce(0) { $0 + $1.count }
    }
}
