extension IMAPClient {
    /// Pipelined APPENDs that report each message's outcome separately.
    ///
    /// Unlike `append(_:to:)`, one refused message (too large, rejected by a filter) does not hide what
    /// happened to the others, so a caller can record the appended ones and report the refused one.
    /// A message that cannot be sent at all (NUL bytes without BINARY) fails alone, before anything is sent.
    public func appendEach(_ messages: [AppendMessage], to mailbox: some MailboxNameConvertible) async -> [Result<AppendResult, IMAPError>] {
        var pending: [Result<PendingCommand, IMAPError>] = []
        for message in messages {
            do {
                try checkAppendable(message, mailbox: mailbox)
                var command = Command("APPEND ", name: "APPEND to \"\(mailbox.mailboxName)\"")
                addMailbox(mailbox, to: &command)
                addMessage(message, to: &command)
                pending.append(.success(try await send(command)))
            } catch {
                pending.append(.failure(Self.imapError(error, server: server)))
            }
        }
        var results: [Result<AppendResult, IMAPError>] = []
        for entry in pending {
            switch entry {
            case .success(let command):
                do {
                    results.append(.success(Self.appendResult(try await wait(command))))
                } catch {
                    results.append(.failure(Self.imapError(error, server: server)))
                }
            case .failure(let error):
                results.append(.failure(error))
            }
        }
        return results
    }

    private static func imapError(_ error: any Error, server: String) -> IMAPError {
        (error as? IMAPError) ?? .protocolViolation(server: server, detail: "\(error)")
    }
}
