extension MailboxCopier {
    /// Shows the messages of a chunk that the target holds already in another folder (copied from
    /// another source folder) in this folder too, by a label instead of a second upload; returns the
    /// indices of `entries` so shown.
    ///
    /// A message is the same when its SHA-256 and size are those of a ledger entry whose target UID is
    /// known, and it has the same flags (flags belong to the one stored message, so a message whose
    /// flags differ between source folders is uploaded again to keep each folder's). Each stored copy
    /// is labelled into a folder once: a second identical message of the same folder is uploaded.
    /// Adding a label twice changes nothing, so a chunk left pending and labelled again after a crash
    /// is still shown once; the ledger entry records this folder with no target UID of its own.
    func label(_ entries: [LedgerEntry], copies: inout TargetCopies, mapping: FolderMapping, dst: any MailStoreSession) async throws -> Set<Int> {
        var groups: [TargetCopies.Place: [(index: Int, uid: MessageKey)]] = [:]
        for (index, entry) in entries.enumerated() {
            if let copy = copies.take(sha256: entry.sha256, size: entry.size, flags: entry.flags) {
                groups[copy.place, default: []].append((index, copy.uid))
            }
        }
        var labelled = Set<Int>()
        for (place, members) in groups.sorted(by: { $0.key.folder < $1.key.folder }) {
            let done = try await wrap(folder: mapping.source, side: .target) {
                try await dst.addLabel(of: mapping.target, to: members.map(\.uid), in: place.folder, uidValidity: place.uidValidity)
            }
            if done { labelled.formUnion(members.map(\.index)) }
        }
        return labelled
    }
}

/// Where the target holds the messages this mailbox's ledger says were copied from other source
/// folders, by content: what a target whose folders are labels can show in one more folder.
struct TargetCopies: Sendable {
    /// A target folder under one UIDVALIDITY.
    struct Place: Hashable, Sendable {
        var folder: String
        var uidValidity: UInt32
    }

    /// One stored copy.
    struct Copy: Sendable {
        var place: Place
        var uid: MessageKey
        /// The flags the ledger recorded for it.
        var flags: [String]
    }

    /// By SHA-256 and size, those not labelled into this folder yet.
    private var copies: [String: Copy] = [:]

    /// The copies of ledger entries of folders other than `mapping`'s, in target folders other than its target.
    init(_ ledger: [LedgerEntry], besides mapping: FolderMapping) {
        for entry in ledger where entry.folder != mapping.source && entry.targetFolder != mapping.target {
            guard let uid = entry.targetUID, let validity = entry.targetUIDValidity else { continue }
            copies["\(entry.sha256) \(entry.size)"] = Copy(place: Place(folder: entry.targetFolder, uidValidity: validity), uid: uid,
                                                            flags: entry.flags)
        }
    }

    /// The stored copy of a message with these bytes and flags, taken: it is labelled into the folder once.
    mutating func take(sha256: String, size: Int, flags: [String]) -> Copy? {
        let key = "\(sha256) \(size)"
        guard let copy = copies[key], MessageFlags.same(copy.flags, flags) else { return nil }
        copies[key] = nil
        return copy
    }
}
