import Foundation

// Protocol requirements cannot have default arguments: these are the short forms callers use.
extension StateStore {
    /// Every resource, ordered by address.
    public func resources() throws(StateError) -> [ResourceRecord] {
        try resources(prefix: nil)
    }

    /// Commits changes that belong to no apply (`state rm`, discovery); returns the new serial.
    @discardableResult
    public func commit(_ changes: [ResourceChange]) throws(StateError) -> Int {
        try commit(changes, applyID: nil)
    }

    /// The last 1,000 changes, newest first.
    public func history() throws(StateError) -> [HistoryEntry] {
        try history(address: nil, limit: 1_000)
    }

    /// The last 1,000 changes of one resource (of all when `address` is `nil`), newest first.
    public func history(address: String?) throws(StateError) -> [HistoryEntry] {
        try history(address: address, limit: 1_000)
    }

    /// The last `limit` changes, newest first.
    public func history(limit: Int) throws(StateError) -> [HistoryEntry] {
        try history(address: nil, limit: limit)
    }

    /// The last 50 applies, newest first.
    public func applies() throws(StateError) -> [ApplyRecord] {
        try applies(limit: 50)
    }

    /// Every ledger row of a mailbox.
    public func ledger(mailbox: String) throws(StateError) -> [LedgerEntry] {
        try ledger(mailbox: mailbox, folder: nil)
    }

    /// Every skipped message.
    public func skipped() throws(StateError) -> [SkippedMessage] {
        try skipped(mailbox: nil)
    }

    /// What the target changed in one mailbox.
    public func targetRewrites(mailbox: String) throws(StateError) -> [TargetRewrite] {
        try targetRewrites(mailbox: mailbox, folder: nil)
    }
}
