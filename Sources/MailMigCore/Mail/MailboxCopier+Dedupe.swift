
extension MailboxCopier {
    /// Finds source messages that already have a copy on the target (made by another tool, or under a
    /// state since lost) and records them.
    ///
    /// A copy must have the same Message-ID, size and internal date, and not already stand in the ledger.
    /// A message without a Message-ID is matched by its bytes instead (same size and SHA-256, as recovery
    /// finds an interrupted append), since a header-less match would be too easy to confuse.
    /// Returns the source messages recorded.
    func deduplicate(_ candidates: [MessageKey], mapping: FolderMapping, uidValidity: UInt32, src: any MailStoreSession,
                     dst: any MailStoreSession) async throws -> Set<MessageKey> {
        let sourceIDs = try await wrap(folder: mapping.source, side: .source) { try await src.messageIDs(.uids(candidates)) }
        let sourceMeta = try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.uids(candidates)) }
        let selected = try await wrap(folder: mapping.target, side: .target) { try await dst.openFolder(mapping.target, forWriting: false) }
        guard selected.exists > 0 else { return [] }
        let targetIDs = try await wrap(folder: mapping.target, side: .target) { try await dst.messageIDs(.all) }
        let targetMeta = try await wrap(folder: mapping.target, side: .target) { try await dst.metadata(.all) }
        let claimed = try store.targetUIDs(mailbox: ledgerKey, targetFolder: mapping.target, targetUIDValidity: selected.uidValidity)
        var available: [String: [MessageKey]] = [:]
        for message in targetMeta where !claimed.contains(message.uid) {
            guard let id = targetIDs[message.uid] ?? nil else { continue }
            available[Self.dedupeKey(id, message.size, message.internalDate), default: []].append(message.uid)
        }
        var entries: [LedgerEntry] = []
        for message in sourceMeta {
            guard let id = sourceIDs[message.uid] ?? nil else { continue }
            let key = Self.dedupeKey(id, message.size, message.internalDate)
            guard var uids = available[key], !uids.isEmpty else { continue }
            let targetUID = uids.removeFirst()
            available[key] = uids
            entries.append(LedgerEntry(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, uid: message.uid, messageID: id,
                                       size: message.size ?? 0, internalDate: message.internalDate?.description ?? "", sha256: "",
                                       flags: Self.storable(message.flags), targetFolder: mapping.target,
                                       targetUIDValidity: selected.uidValidity, targetUID: targetUID))
        }
        let anonymous = sourceMeta.filter { (sourceIDs[$0.uid] ?? nil) == nil }
        if !anonymous.isEmpty {
            let taken = claimed.union(entries.compactMap(\.targetUID))
            entries += try await matchBytes(anonymous, mapping: mapping, uidValidity: uidValidity, targetUIDValidity: selected.uidValidity,
                                            excluding: taken, src: src, dst: dst)
        }
        try store.commitCopies(entries)
        return Set(entries.map(\.uid))
    }

    /// Ledger rows for the source messages of `messages` whose exact bytes the selected target folder
    /// holds, among target messages not in `excluding`.
    private func matchBytes(_ messages: [MessageMetadata], mapping: FolderMapping, uidValidity: UInt32, targetUIDValidity: UInt32,
                            excluding: Set<MessageKey>, src: any MailStoreSession, dst: any MailStoreSession) async throws -> [LedgerEntry] {
        let keys = messages.map(\.uid)
        let flags = Dictionary(messages.map { ($0.uid, Self.storable($0.flags)) }, uniquingKeysWith: { first, _ in first })
        var wanted: [LedgerEntry] = []
        let stream = try await wrap(folder: mapping.source, side: .source) { try await src.messages(keys) }.restricted(to: keys)
        for try await message in stream {
            wanted.append(LedgerEntry(mailbox: ledgerKey, folder: mapping.source, uidValidity: uidValidity, uid: message.uid, messageID: nil,
                                      size: message.body.count, internalDate: message.internalDate?.description ?? "",
                                      sha256: try MessageHeaders.sha256(message.body), flags: flags[message.uid] ?? [], targetFolder: mapping.target,
                                      targetUIDValidity: targetUIDValidity, targetUID: nil))
        }
        var claimed = excluding
        var found: [LedgerEntry] = []
        for var entry in wanted {
            guard let copy = try await wrap(folder: mapping.source, side: .target, { try await Self.findCopy(of: entry, excluding: claimed, on: dst) })
            else { continue }
            entry.targetUID = copy.uid
            claimed.insert(copy.uid)
            found.append(entry)
        }
        return found
    }

    /// Message-ID, size and the instant of the internal date (servers may not keep its zone offset).
    static func dedupeKey(_ id: String, _ size: Int?, _ date: MessageDate?) -> String {
        "\(id)|\(size ?? -1)|\(date?.instant?.timeIntervalSince1970 ?? -1)"
    }
}
