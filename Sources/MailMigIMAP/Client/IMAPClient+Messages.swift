import MailMigSpool
import MailMigConcurrency
extension IMAPClient {
    /// UID SEARCH in the selected mailbox; returns matching UIDs in ascending order.
    ///
    /// Criteria that name a long UID set (alone or in a top-level AND) are searched in parts and the
    /// results joined, so the command line never grows with the folder.
    public func search(_ criteria: SearchCriteria) async throws -> [UInt32] {
        let parts = criteria.splittingUIDSets()
        guard parts.count == 1 else {
            var found = Set<UInt32>()
            for part in parts { found.formUnion(try await searchOnce(part)) }
            return found.sorted()
        }
        return try await searchOnce(criteria)
    }

    private func searchOnce(_ criteria: SearchCriteria) async throws -> [UInt32] {
        guard selected != nil else { throw IMAPError.noMailboxSelected(server: server, operation: "UID SEARCH") }
        return try searchResult(try await execute(searchCommand(criteria)))
    }

    /// UID SEARCH of `criteria`, with ESEARCH's compact answer where offered.
    func searchCommand(_ criteria: SearchCriteria) -> Command {
        var command = Command("UID SEARCH ", name: "UID SEARCH", kind: .search)
        if capabilities.contains("ESEARCH") { command.add("RETURN (ALL) ") }
        if criteria.needsUTF8, !utf8Enabled { command.add("CHARSET UTF-8 ") }
        criteria.encode(into: &command, utf8: true)
        return command
    }

    /// The UIDs a completed UID SEARCH found, in ascending order.
    func searchResult(_ result: CommandResult) throws -> [UInt32] {
        var uids: [UInt32] = []
        for data in result.untagged {
            switch data {
            case .search(let numbers, _): uids.append(contentsOf: numbers)
            case .esearch(let response):
                if let all = response.all {
                    guard let expanded = all.uids else {
                        throw IMAPError.protocolViolation(server: server, detail: "ESEARCH result \(all) is too large")
                    }
                    uids.append(contentsOf: expanded)
                }
            default: break
            }
        }
        return uids.sorted()
    }

    /// Streams `UID FETCH uids (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[] [MODSEQ])`, one message at a time.
    ///
    /// Reading from the server pauses while the consumer is behind, so memory stays bounded by a few
    /// messages whatever the folder size. With `changedSince` (CONDSTORE) only messages whose MODSEQ is
    /// higher are returned. The stream throws the server's NO/BAD or a connection failure at the end.
    ///
    /// Exact bytes: some servers (Dovecot) replace NUL with 0x80 in BODY[]. Where BINARY is offered, a
    /// body containing 0x80 is fetched again at the end of the stream with BINARY.PEEK[] as well, and
    /// the binary form is used when it differs only by NUL bytes in those places. Such messages
    /// therefore arrive after the others; order is by UID only within each pass.
    ///
    /// A set longer than ``UIDSet/maxWireLength`` is fetched in parts, one command after the other, as
    /// one stream: the next part is asked for when the previous one has been read.
    ///
    /// With `maxBodySize` (bytes), a message whose body is larger arrives without it, with
    /// `omittedBodySize` set to the length the server announced: its literal is dropped as it arrives,
    /// never held in memory, whatever RFC822.SIZE claimed. The rest of the stream is unaffected.
    public func fetch(_ uids: UIDSet, body: Bool = true, changedSince: UInt64? = nil, maxBodySize: Int? = nil) async throws -> FetchStream {
        var parts = uids.parts()
        let first = parts.isEmpty ? uids : parts.removeFirst()
        let limit = body ? maxBodySize : nil
        let queue = try await startFetch(first, body: body, binary: false, changedSince: changedSince, maxBodySize: limit)
        let recheck = body && capabilities.contains("BINARY")
        return FetchStream(queue: queue, client: self, recheckNul: recheck,
                           rest: FetchStream.Rest(parts: parts, body: body, changedSince: changedSince, maxBodySize: limit))
    }

    func startFetch(_ uids: UIDSet, body: Bool, binary: Bool, changedSince: UInt64?,
                    maxBodySize: Int? = nil) async throws -> BoundedQueue<FetchResponse> {
        guard selected != nil else { throw IMAPError.noMailboxSelected(server: server, operation: "UID FETCH") }
        return try await sendFetch(uids, body: body, binary: binary, changedSince: changedSince, maxBodySize: maxBodySize)
    }

    /// Sends UID FETCH of `uids` without checking that a mailbox is selected (a pipelined SELECT may
    /// still be on its way); returns the queue its messages arrive in.
    func sendFetch(_ uids: UIDSet, body: Bool, binary: Bool, changedSince: UInt64?,
                   maxBodySize: Int? = nil) async throws -> BoundedQueue<FetchResponse> {
        let condstore = capabilities.contains("CONDSTORE")
        if changedSince != nil, !condstore {
            throw IMAPError.unsupported(server: server, capability: "CONDSTORE", operation: "UID FETCH CHANGEDSINCE")
        }
        var items = ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE"]
        if body { items.append("BODY.PEEK[]") }
        if binary { items.append("BINARY.PEEK[]") }
        if condstore { items.append("MODSEQ") }
        var text = "UID FETCH \(uids) (\(items.joined(separator: " ")))"
        if let changedSince { text += " (CHANGEDSINCE \(changedSince))" }
        let queue = BoundedQueue<FetchResponse>(capacity: configuration.fetchBufferDepth)
        _ = try await send(Command(text, name: "UID FETCH \(uids.abbreviated)", kind: .fetch(uids, requiresBody: body)), fetchQueue: queue,
                           maxBodySize: maxBodySize)
        return queue
    }

    /// Collects a metadata-only fetch (no bodies) into an array; fine for large folders since bodies are absent.
    public func fetchMetadata(_ uids: UIDSet, changedSince: UInt64? = nil) async throws -> [FetchedMessage] {
        var messages: [FetchedMessage] = []
        for try await message in try await fetch(uids, body: false, changedSince: changedSince) {
            messages.append(message)
        }
        return messages
    }

    /// How UID STORE changes flags.
    public enum StoreMode: String, Sendable {
        case add = "+FLAGS"
        case remove = "-FLAGS"
        case replace = "FLAGS"
    }

    /// UID STORE with `.SILENT`; with `unchangedSince` (CONDSTORE) messages modified since are left alone
    /// and their UIDs returned. A long set is stored in parts (see ``UIDSet/maxWireLength``).
    @discardableResult
    public func store(_ uids: UIDSet, _ mode: StoreMode, flags: [String], unchangedSince: UInt64? = nil) async throws -> UIDSet? {
        guard selected != nil else { throw IMAPError.noMailboxSelected(server: server, operation: "UID STORE") }
        var modified: [UIDSet.Range] = []
        for part in uids.parts() {
            var command = Command("UID STORE \(part) ", name: "UID STORE \(part.abbreviated)")
            if let unchangedSince { command.add("(UNCHANGEDSINCE \(unchangedSince)) ") }
            command.add("\(mode.rawValue).SILENT ")
            command.flagList(flags)
            let result = try await execute(command)
            if case .other(name: "MODIFIED", let arguments)? = result.line.code, let arguments {
                var cursor = ByteCursor(.init(string: arguments + "\r\n"))
                if let set = try? cursor.sequenceSet() { modified += set.ranges }
            }
        }
        return modified.isEmpty ? nil : UIDSet(ranges: modified)
    }

    /// UID EXPUNGE where UIDPLUS is offered (in parts for a long set), plain EXPUNGE otherwise.
    public func expunge(_ uids: UIDSet? = nil) async throws {
        if let uids, capabilities.contains("UIDPLUS") {
            for part in uids.parts() {
                _ = try await execute(Command("UID EXPUNGE \(part)", name: "UID EXPUNGE \(part.abbreviated)"))
            }
        } else {
            _ = try await execute(Command("EXPUNGE"))
        }
    }
}

/// The messages of a streaming UID FETCH.
public struct FetchStream: AsyncSequence, Sendable {
    /// One fetched message.
    public typealias Element = FetchedMessage

    let handle: Handle
    /// Held so the connection lives as long as the stream.
    let client: IMAPClient
    let recheckNul: Bool
    let rest: Rest

    /// The parts of a long UID set still to fetch after the first, and how.
    struct Rest: Sendable {
        var parts: [UIDSet]
        var body: Bool
        var changedSince: UInt64?
        /// The largest body to read; see `IMAPClient.fetch(_:body:changedSince:maxBodySize:)`.
        var maxBodySize: Int?
    }

    init(queue: BoundedQueue<FetchResponse>, client: IMAPClient, recheckNul: Bool, rest: Rest) {
        handle = Handle(queue: queue)
        self.client = client
        self.recheckNul = recheckNul
        self.rest = rest
    }

    /// Keeps a queue and tells it when nobody listens any more, so the connection never stalls.
    final class Handle: Sendable {
        let queue: BoundedQueue<FetchResponse>
        init(queue: BoundedQueue<FetchResponse>) { self.queue = queue }
        deinit {
            let queue = self.queue
            Task { await queue.abandon() }
        }
    }

    /// Iterates the stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var first: Handle
        let client: IMAPClient
        /// Whether bodies with 0x80 bytes are checked against BINARY[].
        let recheckNul: Bool
        var rest: Rest
        var deferred: [UInt32] = []
        var second: Handle?

        /// The next message, nil at the end of the last part.
        public mutating func next() async throws -> FetchedMessage? {
            while true {
                if let message = try await nextInPart() { return message }
                guard !rest.parts.isEmpty else { return nil }
                let part = rest.parts.removeFirst()
                first = Handle(queue: try await client.startFetch(part, body: rest.body, binary: false, changedSince: rest.changedSince,
                                                                  maxBodySize: rest.maxBodySize))
                second = nil
                deferred = []
            }
        }

        /// The next message of the current part's command (and its BINARY re-fetch), nil at its end.
        private mutating func nextInPart() async throws -> FetchedMessage? {
            if second == nil {
                while let response = try await first.queue.next() {
                    guard let uid = response.uid else { continue }
                    if recheckNul, let body = response.content(of: ""), try body.contains(0x80) {
                        deferred.append(uid)
                        continue
                    }
                    return FetchStream.message(response, uid: uid, body: response.bodyContent, maxBodySize: rest.maxBodySize)
                }
                guard !deferred.isEmpty else { return nil }
                let queue = try await client.startFetch(UIDSet(deferred), body: true, binary: true, changedSince: nil,
                                                        maxBodySize: rest.maxBodySize)
                deferred = []
                second = Handle(queue: queue)
            }
            guard let second else { return nil }
            while let response = try await second.queue.next() {
                guard let uid = response.uid else { continue }
                return FetchStream.message(response, uid: uid, body: try FetchStream.exactBody(response), maxBodySize: rest.maxBodySize)
            }
            return nil
        }
    }

    /// An iterator over the messages.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(first: handle, client: client, recheckNul: recheckNul, rest: rest)
    }

    /// The message as delivered; a body over `maxBodySize` is left out and reported by its size, also
    /// when it was read because another FETCH in flight allowed more.
    static func message(_ response: FetchResponse, uid: UInt32, body: MessageBytes?, maxBodySize: Int?) -> FetchedMessage {
        var message = FetchedMessage(uid: uid, flags: Set(response.flags ?? []), internalDate: response.internalDate,
                                     size: response.size, modSeq: response.modSeq, body: body?.inMemory, spooledBody: body?.spoolFile)
        if let body {
            if let maxBodySize, body.count > maxBodySize {
                message.body = nil
                message.spooledBody = nil
                message.omittedBodySize = body.count
            }
        } else if let omitted = response.omittedBodySize {
            message.omittedBodySize = omitted
        }
        return message
    }

    /// BINARY[] when it is BODY[] with NULs where BODY[] shows 0x80; BODY[] otherwise (BINARY[] may
    /// also have undone a transfer encoding, which must not leak into the copy). Spooled sections are
    /// compared a chunk at a time.
    static func exactBody(_ response: FetchResponse) throws -> MessageBytes? {
        guard let body = response.content(of: "") else { return response.content(of: "BINARY:") }
        guard let binary = response.content(of: "BINARY:"), binary.count == body.count else { return body }
        var sawNul = false
        var differs = false
        var offset = 0
        try body.forEachChunk { chunk in
            let other = try binary.slice(from: offset, count: chunk.count)
            for (mine, theirs) in zip(chunk, other) where mine != theirs {
                guard mine == 0x80, theirs == 0 else {
                    differs = true
                    return false
                }
                sawNul = true
            }
            offset += chunk.count
            return true
        }
        return sawNul && !differs ? binary : body
    }
}
