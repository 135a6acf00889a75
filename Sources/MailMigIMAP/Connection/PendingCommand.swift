import MailMigConcurrency
import NIOCore

/// A command completed while the client waited for a continuation request.
struct CommandCompletedEarly: Error {}

/// A command on the wire, waiting for its tagged completion.
final class PendingCommand {
    let tag: String
    let name: String
    let kind: CommandKind
    let fetchQueue: BoundedQueue<FetchResponse>?
    /// For a body FETCH: the largest body to read; larger ones are skipped and reported by size.
    let maxBodySize: Int?
    /// The time the command may take: the read timeout plus its outgoing literal bytes at the minimum rate.
    var budget = TimeAmount.seconds(0)
    /// When its clock started: when it was sent or became the oldest waiting command.
    private(set) var clockStarted = NIODeadline.now()
    /// When it fails unless completed; moved later by message data arriving and by consumer pauses.
    var deadline = NIODeadline.distantFuture
    /// The connection's literal byte count when its clock started.
    private(set) var literalBytesAtStart = 0
    var untagged: [UntaggedResponse] = []
    /// FETCH items received so far for messages not yet complete, by UID, with the bytes each took.
    var partialFetches: [UInt32: (response: FetchResponse, size: Int)] = [:]
    /// Bytes of responses it holds (`untagged` and `partialFetches`): bounded like one response.
    var heldBytes = 0
    var waiter: CheckedContinuation<CommandResult, any Error>?
    var outcome: Result<CommandResult, any Error>?
    /// When it was written: its round trip, in the trace log, is counted from here.
    let sentAt = NIODeadline.now()

    init(tag: String, name: String, kind: CommandKind, fetchQueue: BoundedQueue<FetchResponse>?, maxBodySize: Int? = nil) {
        self.tag = tag
        self.name = name
        self.kind = kind
        self.fetchQueue = fetchQueue
        self.maxBodySize = maxBodySize
    }

    /// Starts (or, for a command that became the oldest, restarts) its clock with its whole budget;
    /// never moves the deadline earlier.
    func startClock(literalBytes: Int) {
        let now = NIODeadline.now()
        guard deadline == .distantFuture || now + budget > deadline else { return }
        clockStarted = now
        deadline = now + budget
        literalBytesAtStart = literalBytes
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
