
extension MailboxCopier {
    /// Finds source messages that already have a copy on the target (made by another tool) and records them.
    ///
    /// A copy must have the same Message-ID, size and internal date, and not already stand in the ledger;
    /// messages without a Message-ID are never matched this way (too easy to confuse), so they are copied.
    /// Returns the source messages recorded.
    func deduplicate(_ candidates: [MessageKey], mapping: FolderMapping, uidValidity: UInt32, src: any MailStoreSession,
                     dst: any MailStoreSession) async throws -> Set<MessageKey> {
        let sourceIDs = try await wrap(folder: mapping.source, side: .source) { try await src.messageIDs(.uids(candidates)) }
        let sourceMeta = try await wrap(folder: mapping.source, side: .source) { try await src.metadata(.uids(candidates)) }
        let selected = try await wrap(folder: mapping.target, side: .target) { try await dst.openFolder(mapping.target, forWriting: false) }
        guard selected.exists > 0 else { return [] }
        let targetIDs = try await wrap(folder: mapping.target, side: .target) { try await dst.messageIDs(.all) }
        let targetMeta = try await wrap(folder: mapping.target, side: .target) { try await dst.metadata(.all) }
        let claimed = try store.targetUIDs(mailbox: mailboxID, targetFolder: mapping.target, targetUIDValidity: selected.uidValidity)
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
            entries.append(LedgerEntry(mailbox: mailboxID, folder: mapping.source, uidValidity: uidValidity, uid: message.uid, messageID: id,
                                       size: message.size ?? 0, internalDate: message.internalDate?.description ?? "", sha256: "",
                                       flags: Self.storable(message.flags), targetFolder: mapping.target,
                                       targetUIDValidity: selected.uidValidity, targetUID: targetUID))
        }
        try store.commitCopies(entries)
        return Set(entries.map(\.uid))
    }

    /// Message-ID, size and the instant of the internal date (servers may not keep its zone offset).
    static func dedupeKey(_ id: String, _ size: Int?, _ date: MessageDate?) -> String {
        "\(id)|\(size ?? -1)|\(date?.instant?.timeIntervalSince1970 ?? -1)"
    }
}
