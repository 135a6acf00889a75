extension IMAPClient {
    /// The wire form of a mailbox name: UTF-8 once UTF8=ACCEPT is enabled, modified UTF-7 otherwise.
    public func wireName(_ name: String) -> String {
        utf8Enabled ? name : ModifiedUTF7.encode(name)
    }

    /// The wire form of a mailbox name: the server's own bytes where it gave them, else `wireName(text)`.
    public func wireName(_ name: MailboxName) -> String {
        name.wire ?? wireName(name.text)
    }

    /// The decoded form of a wire mailbox name; a name that is not valid modified UTF-7 is kept as sent.
    public func decodedName(_ raw: String) -> String {
        utf8Enabled ? raw : (ModifiedUTF7.decode(raw) ?? raw)
    }

    /// Whether a wire mailbox name decodes: always with UTF8=ACCEPT, else when it is valid modified UTF-7.
    func isDecodable(_ raw: String) -> Bool {
        utf8Enabled || ModifiedUTF7.decode(raw) != nil
    }

    func addMailbox(_ name: some MailboxNameConvertible, to command: inout Command) {
        command.string(wireName(name.mailboxName), utf8Allowed: utf8Enabled)
    }

    /// LIST, with SPECIAL-USE attributes and STATUS values in the same round trip where the server offers it.
    ///
    /// With `status` set and no LIST-STATUS, STATUS is sent for each selectable mailbox, pipelined; a
    /// mailbox whose STATUS the server answers with `NO` is listed without status.
    public func list(reference: String = "", pattern: String = "*", status: Bool = false) async throws -> [MailboxInfo] {
        var command = Command("LIST ", name: "LIST \"\(pattern)\"", kind: .list)
        addMailbox(reference, to: &command)
        command.space()
        addMailbox(pattern, to: &command)
        var returns: [String] = []
        if capabilities.contains("SPECIAL-USE"), capabilities.contains("LIST-EXTENDED") {
            returns.append("SPECIAL-USE")
        }
        let statusInline = status && capabilities.contains("LIST-STATUS")
        if statusInline { returns.append("STATUS (\(statusItems.joined(separator: " ")))") }
        if !returns.isEmpty { command.add(" RETURN (" + returns.joined(separator: " ") + ")") }
        let result = try await execute(command)
        var statuses: [String: MailboxStatus] = [:]
        for case .status(let response) in result.untagged { statuses[response.rawName] = response.status }
        var mailboxes: [MailboxInfo] = []
        for case .list(let entry) in result.untagged {
            mailboxes.append(MailboxInfo(name: decodedName(entry.rawName), rawName: entry.rawName,
                                         delimiter: entry.delimiter, attributes: entry.attributes,
                                         status: statuses[entry.rawName], isNameDecoded: isDecodable(entry.rawName)))
        }
        if status, !statusInline {
            var entries: [(Int, PendingCommand)] = []
            for (index, mailbox) in mailboxes.enumerated() where mailbox.isSelectable {
                // The server's own bytes: a name that is not valid modified UTF-7 must not be re-encoded.
                entries.append((index, try await send(statusCommand(mailbox.mailboxName))))
            }
            // Matched by name: pipelined STATUS answers need not be credited to their own command.
            var byName: [String: MailboxStatus] = [:]
            for (_, entry) in entries {
                do {
                    for case .status(let response) in try await wait(entry).untagged { byName[response.rawName] = response.status }
                } catch IMAPError.no {
                    // One folder the server will not report on (a damaged index, a name it cannot take
                    // back) is listed without status; opening it fails later, for that folder alone.
                    continue
                }
            }
            for (index, _) in entries { mailboxes[index].status = byName[mailboxes[index].rawName] }
        }
        return mailboxes
    }

    /// Subscribed mailboxes (LSUB).
    public func listSubscribed(reference: String = "", pattern: String = "*") async throws -> [MailboxInfo] {
        var command = Command("LSUB ", name: "LSUB \"\(pattern)\"", kind: .lsub)
        addMailbox(reference, to: &command)
        command.space()
        addMailbox(pattern, to: &command)
        let result = try await execute(command)
        var mailboxes: [MailboxInfo] = []
        for case .lsub(let entry) in result.untagged {
            mailboxes.append(MailboxInfo(name: decodedName(entry.rawName), rawName: entry.rawName,
                                         delimiter: entry.delimiter, attributes: entry.attributes, status: nil,
                                         isNameDecoded: isDecodable(entry.rawName)))
        }
        return mailboxes
    }

    /// The hierarchy delimiter of the personal namespace, from `LIST "" ""`.
    public func hierarchyDelimiter() async throws -> Character? {
        let result = try await execute(Command("LIST \"\" \"\"", kind: .list))
        for case .list(let entry) in result.untagged { return entry.delimiter }
        return nil
    }

    private var statusItems: [String] {
        var items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN"]
        if capabilities.contains("CONDSTORE") || capabilities.contains("QRESYNC") { items.append("HIGHESTMODSEQ") }
        // A folder's size in the same round trip lets a first plan count bytes without opening it.
        if capabilities.contains("STATUS=SIZE") { items.append("SIZE") }
        return items
    }

    private func statusCommand(_ mailbox: MailboxName) -> Command {
        var command = Command("STATUS ", name: "STATUS \"\(mailbox)\"", kind: .status)
        addMailbox(mailbox, to: &command)
        command.add(" (\(statusItems.joined(separator: " ")))")
        return command
    }

    /// STATUS: message count, UIDNEXT, UIDVALIDITY, UNSEEN and, with CONDSTORE, HIGHESTMODSEQ; with
    /// STATUS=SIZE (RFC 8438), the folder's size.
    public func status(_ mailbox: some MailboxNameConvertible) async throws -> MailboxStatus {
        let result = try await execute(statusCommand(mailbox.mailboxName))
        for case .status(let response) in result.untagged { return response.status }
        throw IMAPError.protocolViolation(server: server, detail: "STATUS \(mailbox) completed without data")
    }

    /// CREATE.
    public func create(_ mailbox: some MailboxNameConvertible) async throws {
        var command = Command("CREATE ", name: "CREATE \"\(mailbox)\"")
        addMailbox(mailbox, to: &command)
        _ = try await execute(command)
    }

    /// DELETE.
    public func delete(_ mailbox: some MailboxNameConvertible) async throws {
        var command = Command("DELETE ", name: "DELETE \"\(mailbox)\"")
        addMailbox(mailbox, to: &command)
        _ = try await execute(command)
    }

    /// SUBSCRIBE.
    public func subscribe(_ mailbox: some MailboxNameConvertible) async throws {
        var command = Command("SUBSCRIBE ", name: "SUBSCRIBE \"\(mailbox)\"")
        addMailbox(mailbox, to: &command)
        _ = try await execute(command)
    }

    /// UNSUBSCRIBE.
    public func unsubscribe(_ mailbox: some MailboxNameConvertible) async throws {
        var command = Command("UNSUBSCRIBE ", name: "UNSUBSCRIBE \"\(mailbox)\"")
        addMailbox(mailbox, to: &command)
        _ = try await execute(command)
    }

    /// SELECT (read-write), with CONDSTORE where offered so HIGHESTMODSEQ and MODSEQ are available.
    @discardableResult
    public func select(_ mailbox: some MailboxNameConvertible) async throws -> SelectedMailbox {
        try await open(mailbox, readOnly: false)
    }

    /// EXAMINE (read-only), with CONDSTORE where offered.
    @discardableResult
    public func examine(_ mailbox: some MailboxNameConvertible) async throws -> SelectedMailbox {
        try await open(mailbox, readOnly: true)
    }

    private func open(_ name: some MailboxNameConvertible, readOnly: Bool) async throws -> SelectedMailbox {
        let mailbox = name.mailboxName
        let command = openCommand(mailbox, readOnly: readOnly)
        selected = nil
        return try opened(mailbox, readOnly: readOnly, try await execute(command))
    }

    /// SELECT or EXAMINE of `mailbox`, with CONDSTORE where offered.
    func openCommand(_ mailbox: MailboxName, readOnly: Bool) -> Command {
        let verb = readOnly ? "EXAMINE" : "SELECT"
        var command = Command("\(verb) ", name: "\(verb) \"\(mailbox)\"", kind: .select)
        addMailbox(mailbox, to: &command)
        if capabilities.contains("CONDSTORE"), !enabled.contains("QRESYNC") { command.add(" (CONDSTORE)") }
        return command
    }

    /// The mailbox a completed SELECT or EXAMINE opened, which becomes the selected one.
    func opened(_ mailbox: MailboxName, readOnly: Bool, _ result: CommandResult) throws -> SelectedMailbox {
        let verb = readOnly ? "EXAMINE" : "SELECT"
        var state = SelectedMailbox(name: mailbox.text, isReadOnly: readOnly, uidValidity: 0, uidNext: nil,
                                    highestModSeq: nil, exists: 0, flags: [], permanentFlags: [])
        var sawValidity = false
        for data in result.untagged {
            switch data {
            case .exists(let count): state.exists = count
            case .flags(let flags): state.flags = flags
            case .condition(let line):
                switch line.code {
                case .uidValidity(let value)?:
                    state.uidValidity = value
                    sawValidity = true
                case .uidNext(let value)?: state.uidNext = value
                case .highestModSeq(let value)?: state.highestModSeq = value
                case .permanentFlags(let flags)?: state.permanentFlags = flags
                default: break
                }
            default: break
            }
        }
        if case .readOnly? = result.line.code { state.isReadOnly = true }
        if case .readWrite? = result.line.code { state.isReadOnly = false }
        guard sawValidity else {
            throw IMAPError.protocolViolation(server: server, detail: "\(verb) \(mailbox) returned no UIDVALIDITY")
        }
        selected = state
        return state
    }

    /// UNSELECT where offered, otherwise nothing to do: the next SELECT replaces the mailbox.
    public func unselect() async throws {
        guard selected != nil else { return }
        if capabilities.contains("UNSELECT") { _ = try await execute(Command("UNSELECT")) }
        selected = nil
    }
}
