extension IMAPClient {
    /// CREATE and SUBSCRIBE of several mailboxes, sent one after the other without waiting for each
    /// answer, so setting up a mailbox's folders costs one round trip instead of two per folder.
    ///
    /// RFC 3501 §5.5 allows pipelining commands that do not depend on each other's results; the
    /// server runs them in order, so a parent created earlier in the list exists for its children.
    /// One result per request, in order: the first failure of its CREATE or SUBSCRIBE, else success.
    public func setUp(_ requests: [MailboxSetup]) async -> [Result<Void, IMAPError>] {
        var sent: [(index: Int, command: Result<PendingCommand, IMAPError>)] = []
        for (index, request) in requests.enumerated() {
            for (wanted, verb) in [(request.create, "CREATE"), (request.subscribe, "SUBSCRIBE")] where wanted {
                var command = Command(verb + " ", name: "\(verb) \"\(request.name)\"")
                addMailbox(request.name, to: &command)
                do {
                    sent.append((index, .success(try await send(command))))
                } catch {
                    sent.append((index, .failure((error as? IMAPError) ?? .protocolViolation(server: server, detail: "\(error)"))))
                }
            }
        }
        var results = [Result<Void, IMAPError>](repeating: .success(()), count: requests.count)
        for (index, command) in sent {
            let outcome: Result<Void, IMAPError>
            switch command {
            case .success(let pending):
                do {
                    _ = try await wait(pending)
                    outcome = .success(())
                } catch {
                    outcome = .failure((error as? IMAPError) ?? .protocolViolation(server: server, detail: "\(error)"))
                }
            case .failure(let error):
                outcome = .failure(error)
            }
            if case .success = results[index], case .failure = outcome { results[index] = outcome }
        }
        return results
    }
}

/// One mailbox to set up with `IMAPClient.setUp`: created, subscribed, or both.
public struct MailboxSetup: Sendable, Equatable {
    /// The mailbox.
    public var name: MailboxName
    /// Whether to CREATE it.
    public var create: Bool
    /// Whether to SUBSCRIBE to it.
    public var subscribe: Bool

    /// Creates a request.
    public init(name: MailboxName, create: Bool, subscribe: Bool) {
        self.name = name
        self.create = create
        self.subscribe = subscribe
    }
}
