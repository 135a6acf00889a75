/// What is left of a folder's copy once its messages are appended: reading back what the target
/// stored of the last of them, then recording the folder. `MailboxCopier` finishes it while the
/// source opens the next folder, so the two round trips overlap.
struct FolderTail: Sendable {
    /// The folder copied.
    var mapping: FolderMapping
    /// Appended messages not read back yet.
    var unread: [LedgerEntry]
    /// The folder's record, when the pass over it was complete (nil: it stays pending).
    var record: FolderRecord?

    /// Reads back `unread` from the target and records the folder; errors name the folder.
    func finish(_ copier: MailboxCopier, dst: any MailStoreSession) async throws {
        try await copier.recordRewrites(of: unread, in: mapping.target, folder: mapping.source, dst: dst)
        guard let record else { return }
        try copier.store.commit([try .put(FolderRecord.address(mailbox: copier.ledgerKey, folder: mapping.source), kind: FolderRecord.kind, record)])
    }
}
