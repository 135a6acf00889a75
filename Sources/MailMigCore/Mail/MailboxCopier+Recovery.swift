import Foundation

extension MailboxCopier {
    /// Settles messages an interrupted pass left pending: found on the target → ledger; not found → copied again later.
    ///
    /// A candidate on the target must have the same size, internal date and SHA-256 of its bytes, and
    /// must not already stand in the ledger for another source message, so two identical source
    /// messages never claim one target copy. The search never uses a header: a Message-ID with bytes
    /// that are not UTF-8, or odd quoting, is decoded and matched differently by each server, and a
    /// miss there would copy the message a second time.
    func reconcilePending(_ dst: any MailStoreSession) async throws -> Int {
        let pending = try store.pendingCopies(mailbox: ledgerKey)
        guard !pending.isEmpty else { return 0 }
        var reconciled = 0
        for (folder, entries) in Dictionary(grouping: pending, by: \.targetFolder).sorted(by: { $0.key < $1.key }) {
            let selected: FolderSnapshot
            do {
                selected = try await dst.openFolder(folder, forWriting: false)
            } catch let error as MailStoreError where error.kind == .noSuchFolder {
                try store.dropPendingCopies(entries)
                continue
            } catch {
                throw MailError(error, side: .target, server: target.server, mailbox: mailboxID, folder: folder)
            }
            var claimed = try store.targetUIDs(mailbox: ledgerKey, targetFolder: folder, targetUIDValidity: selected.uidValidity)
            var found: [LedgerEntry] = []
            var missing: [LedgerEntry] = []
            var rewrites: [TargetRewrite] = []
            for entry in entries {
                let match = try await wrap(folder: folder, side: .target) { try await Self.findCopy(of: entry, excluding: claimed, on: dst) }
                if let match {
                    var confirmed = entry
                    confirmed.targetUID = match.uid
                    confirmed.targetUIDValidity = selected.uidValidity
                    claimed.insert(match.uid)
                    found.append(confirmed)
                    rewrites += Self.rewrites(of: confirmed, stored: match)
                } else {
                    missing.append(entry)
                }
            }
            try store.recordTargetRewrites(rewrites)
            try store.commitCopies(found)
            try store.dropPendingCopies(missing)
            reconciled += found.count
        }
        return reconciled
    }

    /// A message of the selected target folder holding exactly `entry`'s bytes (same size and SHA-256),
    /// among those not in `excluding`, with what the target stored for it; nil when there is none.
    ///
    /// The bytes decide, not the internal date: a target may have stored another date than the one
    /// sent (Dovecot stores the current time for dates from 2038 on). Candidates with the date sent
    /// are read first, the others only when none of those matches.
    static func findCopy(of entry: LedgerEntry, excluding claimed: Set<MessageKey>, on session: any MailStoreSession) async throws -> MessageMetadata? {
        let sized = try await session.messageUIDs(.size(entry.size)).filter { !claimed.contains($0) }
        guard !sized.isEmpty else { return nil }
        let instant = MessageDate.parse(entry.internalDate)
        let metadata = try await session.metadata(.uids(sized)).filter { $0.size == entry.size }
        let sameDate = metadata.filter { $0.internalDate?.instant == instant }
        let otherDate = metadata.filter { $0.internalDate?.instant != instant }
        for group in [sameDate, otherDate] where !group.isEmpty {
            let byUID = Dictionary(group.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
            var matches: [MessageKey] = []
            for try await message in try await session.messages(group.map(\.uid)).restricted(to: group.map(\.uid)) {
                if try MessageHeaders.sha256(message.body) == entry.sha256 { matches.append(message.uid) }
            }
            if let uid = matches.min(), let found = byUID[uid] { return found }
        }
        return nil
    }

    /// Moves ledger rows of a folder whose UIDVALIDITY changed to the new UIDs of the same messages.
    ///
    /// Messages are matched by size and internal date; where that is ambiguous, by the SHA-256 of their
    /// bytes. Matched messages are not copied again; unmatched ledger rows stay under the old UIDVALIDITY.
    func rekey(folder: String, from oldValidity: UInt32, to newValidity: UInt32, src: any MailStoreSession) async throws -> Int {
        let old = try store.ledger(mailbox: ledgerKey, folder: folder).filter { $0.uidValidity == oldValidity }
        guard !old.isEmpty else { return 0 }
        let metadata = try await wrap(folder: folder, side: .source) { try await src.metadata(.all) }
        let known = try store.ledgerUIDs(mailbox: ledgerKey, folder: folder, uidValidity: newValidity)
        // Dates compare by instant: servers keep the moment of an INTERNALDATE, not always its zone offset.
        func key(size: Int?, date: Date?) -> String { "\(size ?? -1)|\(date?.timeIntervalSince1970 ?? -1)" }
        var newByKey: [String: [MessageKey]] = [:]
        for message in metadata where !known.contains(message.uid) {
            newByKey[key(size: message.size, date: message.internalDate?.instant), default: []].append(message.uid)
        }
        var oldByKey: [String: [LedgerEntry]] = [:]
        for entry in old { oldByKey[key(size: entry.size, date: MessageDate.parse(entry.internalDate)), default: []].append(entry) }
        var pairs: [(old: MessageKey, new: MessageKey)] = []
        for (candidateKey, entries) in oldByKey {
            guard let uids = newByKey[candidateKey] else { continue }
            if entries.count == 1, uids.count == 1, let entry = entries.first, let uid = uids.first {
                pairs.append((entry.uid, uid))
                continue
            }
            var byHash = try await wrap(folder: folder, side: .source) {
                var hashes: [String: [MessageKey]] = [:]
                for try await message in try await src.messages(uids).restricted(to: uids) {
                    hashes[try MessageHeaders.sha256(message.body), default: []].append(message.uid)
                }
                return hashes
            }
            for entry in entries {
                guard var matches = byHash[entry.sha256], !matches.isEmpty else { continue }
                pairs.append((entry.uid, matches.removeFirst()))
                byHash[entry.sha256] = matches
            }
        }
        try store.rekey(mailbox: ledgerKey, folder: folder, from: oldValidity, to: newValidity, uids: pairs)
        return pairs.count
    }

    /// Carries flags changed on the source since the last pass to the target copies (source wins).
    ///
    /// With CONDSTORE only the messages changed since the recorded HIGHESTMODSEQ are fetched (or taken
    /// from `changes`, when the folder's opening already read them), and only their ledger rows are
    /// read; without it, the flags of every copied message are compared. Messages in `excluding` (copied
    /// by this pass, their flags just sent and not read back yet) are left to the next pass, which sees
    /// any later change by its mod-sequence or by comparing.
    func syncFlags(mapping: FolderMapping, uidValidity: UInt32, since recorded: FolderRecord?, changes: [MessageMetadata]? = nil,
                   excluding: Set<MessageKey> = [], src: any MailStoreSession, dst: any MailStoreSession,
                   dropped: inout [String]) async throws -> Int {
        // A folder without mod-sequences shows HIGHESTMODSEQ 0 in STATUS; CHANGEDSINCE is refused there.
        let changedSince = src.tracksChanges && recorded?.uidValidity == uidValidity ? recorded?.highestModSeq.flatMap { $0 > 0 ? $0 : nil } : nil
        let metadata: [MessageMetadata]
        let ledger: [LedgerEntry]
        if let changedSince {
            if let changes {
                metadata = changes
            } else {
                metadata = try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.all, changedSince: changedSince) }
            }
            guard !metadata.isEmpty else { return 0 }
            ledger = try store.ledger(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, uids: metadata.map(\.uid))
        } else {
            ledger = try store.ledger(mailbox: ledgerKey, folder: mapping.source).filter { $0.uidValidity == uidValidity }
            guard !ledger.isEmpty else { return 0 }
            metadata = try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.uids(ledger.map(\.uid))) }
        }
        let byUID = Dictionary(ledger.filter { $0.targetUID != nil && !excluding.contains($0.uid) }.map { ($0.uid, $0) },
                               uniquingKeysWith: { first, _ in first })
        guard !byUID.isEmpty else { return 0 }
        var groups: [[String]: [LedgerEntry]] = [:]
        for message in metadata {
            guard let entry = byUID[message.uid] else { continue }
            let flags = Self.storable(message.flags)
            if !MessageFlags.same(flags, entry.flags) { groups[flags, default: []].append(entry) }
        }
        guard !groups.isEmpty else { return 0 }
        let selected = try await wrap(folder: mapping.target, side: .target) { try await dst.openFolder(mapping.target, forWriting: true) }
        var updated: [MessageKey: [String]] = [:]
        for (flags, entries) in groups {
            let targets = entries.filter { $0.targetUIDValidity == nil || $0.targetUIDValidity == selected.uidValidity }
            guard !targets.isEmpty else { continue }
            let sendable = MessageFlags.sendable(flags)
            dropped.append(contentsOf: sendable.dropped)
            _ = try await wrap(folder: mapping.target, side: .target) {
                try await dst.replaceFlags(of: targets.compactMap(\.targetUID), with: sendable.kept)
            }
            for entry in targets { updated[entry.uid] = flags }
        }
        try await wrap(folder: mapping.target, side: .target) { try await dst.closeFolder() }
        try store.updateLedgerFlags(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, flags: updated)
        return updated.count
    }
}
