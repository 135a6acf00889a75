/// A pass that copied what it could but left more messages skipped than the batch's `max_skipped`
/// allows, so the mailbox counts as failed (Exchange's bad-item limit) and is charged to the error budget.
///
/// The copied messages stay in the ledger; the next pass copies nothing again and fails the same way
/// until the limit is raised or the skipped messages are dealt with.
public struct SkipLimitExceeded: Error, Sendable, CustomStringConvertible {
    /// The source mailbox.
    public var mailbox: String
    /// Its batch.
    public var batch: String
    /// Messages of the mailbox skipped so far, every pass counted.
    public var skipped: Int
    /// The batch's `max_skipped`.
    public var limit: Int

    /// `alice@acme.test: 12 messages are skipped, more than max_skipped: 10 of batch 'wave-1' allows; …`.
    public var description: String {
        "\(mailbox): \(Formatting.count(skipped)) message\(skipped == 1 ? " is" : "s are") skipped, more than max_skipped: \(limit) "
            + "of batch '\(batch)' allows; mailmig status lists them with the reason"
    }
}
