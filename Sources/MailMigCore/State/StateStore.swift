import Foundation

/// Where the engine records what it manages: resources with their history, the journal of applies, the
/// ledger of copied messages, skipped messages and what targets rewrote.
///
/// The engine only speaks to this protocol, so the storage is the composition root's choice. Whatever
/// the store, each call is one transaction: a reader never sees half of a write, and `journalDone`
/// commits the step and its resource changes together. Every committed change of resources increments
/// the serial and is kept in the history with that serial.
public protocol StateStore: AnyObject, Sendable {
    /// Lineage, serial and schema version.
    func meta() throws(StateError) -> StateMeta

    // MARK: Resources

    /// Every resource, ordered by address; only those under `prefix` when given.
    func resources(prefix: String?) throws(StateError) -> [ResourceRecord]

    /// One resource by address.
    func resource(_ address: String) throws(StateError) -> ResourceRecord?

    /// Commits changes in one transaction; returns the new serial (unchanged when `changes` is empty
    /// or changes nothing, so saved plans made from the serial stay valid).
    @discardableResult
    func commit(_ changes: [ResourceChange], applyID: String?) throws(StateError) -> Int

    /// The history, newest first, at most `limit` entries; of one resource when `address` is given.
    func history(address: String?, limit: Int) throws(StateError) -> [HistoryEntry]

    /// Each resource changed after `serial`, with its attributes as they were at `serial` (`nil`: it did not exist).
    func resources(asOf serial: Int) throws(StateError) -> [String: (kind: String, attributes: Data?)]

    // MARK: Applies and their journal

    /// Records the start of an apply.
    func beginApply(id: String, operation: String) throws(StateError)

    /// Records the end of an apply.
    func finishApply(id: String, status: String, summary: String) throws(StateError)

    /// Writes a step as pending before it touches anything outside.
    func journalPending(applyID: String, stepID: String, address: String, step: Data) throws(StateError)

    /// Marks a step done and commits its resource changes in the same transaction; returns the serial.
    @discardableResult
    func journalDone(applyID: String, stepID: String, changes: [ResourceChange]) throws(StateError) -> Int

    /// Marks a step failed (or skipped) with its reason.
    func journalFinish(applyID: String, stepID: String, status: StepStatus, error: String?) throws(StateError)

    /// Steps left pending by an apply that did not finish (a crash or a kill).
    func pendingSteps() throws(StateError) -> [JournalEntry]

    /// The journal of one apply, in order.
    func journal(applyID: String) throws(StateError) -> [JournalEntry]

    /// Applies, newest first, at most `limit`.
    func applies(limit: Int) throws(StateError) -> [ApplyRecord]

    /// Marks applies still `running` as interrupted, with the serial they reached so rollback can undo
    /// them; only the lock holder may call it, which is why their process must be gone.
    func markInterruptedApplies() throws(StateError)

    // MARK: Ledger of copied messages

    /// The source messages of a folder already in the ledger, by unique identifier.
    func ledgerUIDs(mailbox: String, folder: String, uidValidity: UInt32) throws(StateError) -> Set<MessageKey>

    /// Every ledger row of a mailbox (of one folder when given).
    func ledger(mailbox: String, folder: String?) throws(StateError) -> [LedgerEntry]

    /// How many ledger rows a mailbox has (of one folder when given), counted without reading them.
    func ledgerCount(mailbox: String, folder: String?) throws(StateError) -> Int

    /// The ledger rows of some source messages of one folder (those that exist).
    func ledger(mailbox: String, folder: String, uidValidity: UInt32, uids: [MessageKey]) throws(StateError) -> [LedgerEntry]

    /// Messages and bytes in the ledger, per mailbox.
    func ledgerTotals() throws(StateError) -> [String: (messages: Int, bytes: Int64)]

    /// Records a chunk about to be appended, before the first byte goes to the target.
    func recordPendingCopies(_ entries: [LedgerEntry]) throws(StateError)

    /// Commits appended messages to the ledger and clears them from the pending chunk, in one transaction.
    func commitCopies(_ entries: [LedgerEntry]) throws(StateError)

    /// Chunks left pending by an interrupted pass (of one mailbox).
    func pendingCopies(mailbox: String) throws(StateError) -> [LedgerEntry]

    /// Forgets pending entries that reconciliation found were never appended.
    func dropPendingCopies(_ entries: [LedgerEntry]) throws(StateError)

    /// Forgets ledger rows of messages whose target copy is gone (verify found them missing and a pass
    /// checked again), so that the pass copies them once more.
    func forgetCopies(_ entries: [LedgerEntry]) throws(StateError)

    /// Moves ledger rows to a folder's new UIDVALIDITY, one old identifier to one new, instead of copying again.
    func rekey(mailbox: String, folder: String, from oldValidity: UInt32, to newValidity: UInt32,
               uids: [(old: MessageKey, new: MessageKey)]) throws(StateError)

    /// Records the flags now carried to the target.
    func updateLedgerFlags(mailbox: String, folder: String, uidValidity: UInt32, flags: [MessageKey: [String]]) throws(StateError)

    /// Messages of a target folder that the ledger already accounts for, by unique identifier.
    func targetUIDs(mailbox: String, targetFolder: String, targetUIDValidity: UInt32) throws(StateError) -> Set<MessageKey>

    // MARK: Ledger of copied contacts, events and tasks

    /// Every item row of a mailbox, ordered by collection and href.
    func itemLedger(mailbox: String) throws(StateError) -> [ItemLedgerEntry]

    /// Writes item rows in one transaction, each replacing the row of the same mailbox, collection and href.
    func recordItems(_ entries: [ItemLedgerEntry]) throws(StateError)

    // MARK: Skipped messages

    /// Records messages skipped on purpose (idempotent per message).
    func recordSkipped(_ messages: [SkippedMessage]) throws(StateError)

    /// The messages of a folder skipped on purpose, so later passes do not try them again.
    func skippedUIDs(mailbox: String, folder: String, uidValidity: UInt32) throws(StateError) -> Set<MessageKey>

    /// Skipped messages, of one mailbox when given.
    func skipped(mailbox: String?) throws(StateError) -> [SkippedMessage]

    // MARK: Target rewrites

    /// Records what the target changed (idempotent per message and attribute).
    func recordTargetRewrites(_ rewrites: [TargetRewrite]) throws(StateError)

    /// What the target changed in one mailbox (of one folder when given).
    func targetRewrites(mailbox: String, folder: String?) throws(StateError) -> [TargetRewrite]

    // MARK: Reports

    /// Every change of resources of one kind, oldest first (the audit trail a report shows).
    func history(kind: String) throws(StateError) -> [HistoryEntry]

    /// Every apply and rollback, oldest first.
    func allApplies() throws(StateError) -> [ApplyRecord]

    /// Messages of interrupted chunks still pending reconciliation, per mailbox.
    func pendingCopyCounts() throws(StateError) -> [String: Int]
}
