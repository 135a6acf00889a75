import MailMigConcurrency

/// What one look into a mailbox returned (`IMAPClient.read(_:search:metadataOf:changedSince:close:)`).
public struct MailboxReading: Sendable {
    /// The mailbox as EXAMINE opened it.
    public var mailbox: SelectedMailbox
    /// The UIDs the search found, ascending; empty when no search was asked for.
    public var uids: [UInt32]
    /// Flags, internal date and size of the messages asked for (no bodies); empty when none were.
    public var metadata: [FetchedMessage]
}

extension IMAPClient {
    /// EXAMINE of `mailbox`, followed without waiting by UID SEARCH of `search`, UID FETCH of the
    /// flags, internal dates and sizes of `metadataOf` (with `changedSince`, only of the messages whose
    /// mod-sequence is above it: RFC 7162 §3.1.4), and UNSELECT when `close`: one round trip instead of
    /// up to four, which over a WAN is most of what opening a folder costs.
    ///
    /// RFC 3501 §5.5 lets a client send commands without waiting when their results do not depend on
    /// each other's; the server runs them in order, so the search and fetch act on the mailbox just
    /// opened, and fail (NO or BAD) when it could not be opened, in which case EXAMINE's own error is
    /// thrown. A server that ran a search or fetch before the EXAMINE had completed (and answered NO
    /// or BAD although the mailbox opened) is asked it again on its own. A search or UID set too long
    /// for one command is sent the usual way, one after the other.
    public func read(_ name: some MailboxNameConvertible, search: SearchCriteria?, metadataOf: UIDSet?, changedSince: UInt64? = nil,
                     close: Bool) async throws -> MailboxReading {
        let mailbox = name.mailboxName
        let searchParts = search?.splittingUIDSets().count ?? 1
        let fetchParts = metadataOf.map { $0.parts().count } ?? 0
        guard searchParts == 1, fetchParts <= 1 else {
            let opened = try await examine(mailbox)
            var uids: [UInt32] = []
            if let search { uids = try await self.search(search) }
            var metadata: [FetchedMessage] = []
            if let metadataOf { metadata = try await fetchMetadata(metadataOf, changedSince: changedSince) }
            if close { try await unselect() }
            return MailboxReading(mailbox: opened, uids: uids, metadata: metadata)
        }
        selected = nil
        let opening = try await send(openCommand(mailbox, readOnly: true))
        var searching: Result<PendingCommand, any Error>?
        if let search { searching = await outcome { try await send(searchCommand(search)) } }
        var fetching: Result<BoundedQueue<FetchResponse>, any Error>?
        if let metadataOf { fetching = await outcome { try await sendFetch(metadataOf, body: false, binary: false, changedSince: changedSince) } }
        var closing: Result<PendingCommand, any Error>?
        if close, capabilities.contains("UNSELECT") { closing = await outcome { try await send(Command("UNSELECT")) } }

        // Every answer is read, whatever failed first, so that the connection is left with nothing
        // pending. The fetch is read while the others are waited for: a server that runs the search and
        // the fetch at once (Dovecot does) may send every FETCH before the search completes, and a
        // fetch queue nobody empties would stop the connection from reading that completion.
        async let drained = Self.drain(fetching)
        let opened = await outcome { try await wait(opening) }
        var found: Result<[UInt32], any Error>?
        if let searching { found = await outcome { try searchResult(try await wait(try searching.get())) } }
        let fetched = await drained
        var closed: Result<Void, any Error>?
        if let closing { closed = await outcome { _ = try await wait(try closing.get()) } }

        var state = try self.opened(mailbox, readOnly: true, try opened.get())
        if case .success? = closed { selected = nil }
        // A server that ran a command before the EXAMINE sent with it had completed answers NO or BAD
        // ("no mailbox selected"): such a command is asked again on its own, with the mailbox open.
        var uids: [UInt32] = []
        var searchAgain = false
        switch found {
        case .success(let found)?: uids = found
        case .failure(let error)?: if Self.mayBeEarly(error) { searchAgain = true } else { throw error }
        case nil: break
        }
        var metadata: [FetchedMessage] = []
        var fetchAgain = false
        switch fetched {
        case .success(let found)?: metadata = found
        // `1:*` of an empty mailbox is an error on some servers: there is nothing to describe anyway.
        case .failure? where state.exists == 0: break
        case .failure(let error)?: if Self.mayBeEarly(error) { fetchAgain = true } else { throw error }
        case nil: break
        }
        if case .failure(let error)? = closed, !Self.mayBeEarly(error) { throw error }
        if searchAgain || fetchAgain {
            if selected == nil { state = try await examine(mailbox) }
            if searchAgain, let search { uids = try await self.search(search) }
            if fetchAgain, let metadataOf { metadata = try await fetchMetadata(metadataOf, changedSince: changedSince) }
        }
        if close { try await unselect() }
        return MailboxReading(mailbox: state, uids: uids, metadata: metadata)
    }

    /// Whether a pipelined command's failure may only mean it ran before the mailbox was open.
    private static func mayBeEarly(_ error: any Error) -> Bool {
        switch error as? IMAPError {
        case .no?, .bad?: true
        default: false
        }
    }

    /// The outcome of `body`, as a value.
    func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// Every message of a metadata fetch that was sent, in the order they came; nil when none was sent.
    private static func drain(_ sent: Result<BoundedQueue<FetchResponse>, any Error>?) async -> Result<[FetchedMessage], any Error>? {
        guard let sent else { return nil }
        do {
            let queue = try sent.get()
            var messages: [FetchedMessage] = []
            while let response = try await queue.next() {
                guard let uid = response.uid else { continue }
                messages.append(FetchStream.message(response, uid: uid, body: nil, maxBodySize: nil))
            }
            return .success(messages)
        } catch {
            return .failure(error)
        }
    }
}
