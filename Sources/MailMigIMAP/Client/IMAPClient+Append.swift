extension IMAPClient {
    /// APPENDs one message byte for byte and returns its APPENDUID when the server offers UIDPLUS.
    ///
    /// A message with NUL bytes goes as literal8 (`~{n}`) where BINARY is offered; otherwise
    /// `IMAPError.appendRequiresBinary` is thrown and nothing is sent.
    public func append(_ message: AppendMessage, to mailbox: some MailboxNameConvertible) async throws -> AppendResult {
        try await append([message], to: mailbox)[0]
    }

    /// APPENDs several messages, pipelined: all commands go out before the first answer is awaited.
    ///
    /// Results come back in the order of `messages`. The first failure is thrown after every command
    /// has completed, so the connection stays in step.
    public func append(_ messages: [AppendMessage], to mailbox: some MailboxNameConvertible) async throws -> [AppendResult] {
        for message in messages { try checkAppendable(message, mailbox: mailbox) }
        var entries: [PendingCommand] = []
        for message in messages {
            var command = Command("APPEND ", name: "APPEND to \"\(mailbox.mailboxName)\"")
            addMailbox(mailbox, to: &command)
            addMessage(message, to: &command)
            entries.append(try await send(command))
        }
        var results: [AppendResult] = []
        var firstError: (any Error)?
        for entry in entries {
            do {
                results.append(Self.appendResult(try await wait(entry)))
            } catch {
                if firstError == nil { firstError = error }
                results.append(AppendResult())
            }
        }
        if let firstError { throw firstError }
        return results
    }

    /// MULTIAPPEND (RFC 3502): several messages in one command, all or none; falls back to pipelined APPENDs.
    public func multiAppend(_ messages: [AppendMessage], to mailbox: some MailboxNameConvertible) async throws -> [AppendResult] {
        guard capabilities.contains("MULTIAPPEND"), messages.count > 1 else {
            return try await append(messages, to: mailbox)
        }
        for message in messages { try checkAppendable(message, mailbox: mailbox) }
        var command = Command("APPEND ", name: "MULTIAPPEND of \(messages.count) messages to \"\(mailbox.mailboxName)\"")
        addMailbox(mailbox, to: &command)
        for message in messages { addMessage(message, to: &command) }
        let result = try await execute(command)
        guard case .appendUID(let validity, let set)? = result.line.code, let uids = set.uids, uids.count == messages.count else {
            return messages.map { _ in AppendResult() }
        }
        return uids.map { AppendResult(uidValidity: validity, uid: $0) }
    }

    func checkAppendable(_ message: AppendMessage, mailbox: some MailboxNameConvertible) throws {
        if message.containsNUL, !capabilities.contains("BINARY") {
            throw IMAPError.appendRequiresBinary(server: server, mailbox: mailbox.mailboxName.text, size: message.content.count)
        }
    }

    func addMessage(_ message: AppendMessage, to command: inout Command) {
        if !message.flags.isEmpty {
            command.space()
            command.flagList(message.flags)
        }
        if let date = message.internalDate { command.add(" \"\(date)\"") }
        command.space()
        command.literal(message.content, binary: message.containsNUL)
    }

    static func appendResult(_ result: CommandResult) -> AppendResult {
        guard case .appendUID(let validity, let set)? = result.line.code, let uid = set.ranges.first?.lower else {
            return AppendResult()
        }
        return AppendResult(uidValidity: validity, uid: uid)
    }
}
