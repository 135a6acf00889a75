import MailMigConcurrency
/// A command completed while the client waited for a continuation request.
struct CommandCompletedEarly: Error {}

/// A command on the wire, waiting for its tagged completion.
final class PendingCommand {
    let tag: String
    let name: String
    let kind: CommandKind
    let fetchQueue: BoundedQueue<FetchResponse>?
    var untagged: [UntaggedResponse] = []
    /// FETCH items received so far for messages not yet complete, by UID.
    var partialFetches: [UInt32: FetchResponse] = [:]
    var waiter: CheckedContinuation<CommandResult, any Error>?
    var outcome: Result<CommandResult, any Error>?

    init(tag: String, name: String, kind: CommandKind, fetchQueue: BoundedQueue<FetchResponse>?) {
        self.tag = tag
        self.name = name
        self.kind = kind
        self.fetchQueue = fetchQueue
    }

    func complete(_ result: Result<CommandResult, any Error>) {
        if let waiter {
            self.waiter = nil
            waiter.resume(with: result)
        } else {
            outcome = result
        }
    }
}
