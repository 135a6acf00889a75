import MailMigCore
import MailMigPOP3

/// Reading messages: keys and sizes from the listing, headers with TOP, bytes with RETR.
extension POP3StoreSession {
    /// POP3 has no flags: whether the user's own client downloaded a message is not told, so a copy
    /// arrives unread, and carries no flag the source cannot show.
    static let flags: Set<String> = []

    /// The most bytes an answer about a message of `size` listed octets may take: twice the size, for
    /// a server that counts bare LF line ends which RETR sends as CRLF, and room for a short message's
    /// added CRLF. The cap only keeps a server that lies from filling memory.
    static func answerLimit(forListedSize size: Int) -> Int {
        let margin = 64 << 10
        return size > (Int.max - margin) / 2 ? Int.max : max(0, size) * 2 + margin
    }

    /// By the listing's unique-ids and sizes; by the internal date (read from the headers of every
    /// message, `ArrivalDate`) for a date search, which compares days as the date is written,
    /// disregarding time and zone, as IMAP SEARCH BEFORE does (RFC 3501 §6.4.4).
    func messageUIDs(_ filter: MessageFilter) async throws -> [MessageKey] {
        switch filter {
        case .all: return maildrop.entries.map(\.key)
        case .size(let size): return maildrop.entries.filter { $0.size == size }.map(\.key)
        case .larger(let size): return maildrop.entries.filter { $0.size > size }.map(\.key)
        case .before(let day):
            var found: [MessageKey] = []
            for entry in maildrop.entries {
                guard let date = try await internalDate(of: entry) else { continue }
                if let written = Self.day(of: date), (written.year, written.month, written.day) < (day.year, day.month, day.day) {
                    found.append(entry.key)
                }
            }
            return found
        }
    }

    func metadata(_ selection: MessageSelection, changedSince: UInt64?) async throws -> [MessageMetadata] {
        if changedSince != nil {
            throw MailStoreError(.failed, "a POP3 maildrop does not track changes, so flags changed since a mod-sequence cannot be asked for")
        }
        var result: [MessageMetadata] = []
        for entry in maildrop.entries(selection) {
            // A message the server refuses to describe is left out, and the engine reports it.
            guard try await headerFacts(of: entry) != nil else { continue }
            result.append(MessageMetadata(uid: entry.key, size: entry.size, internalDate: try await internalDate(of: entry), flags: Self.flags))
        }
        return result
    }

    func messageIDs(_ selection: MessageSelection) async throws -> [MessageKey: String?] {
        var result: [MessageKey: String?] = [:]
        for entry in maildrop.entries(selection) {
            guard let facts = try await headerFacts(of: entry) else { continue }
            result[entry.key] = .some(facts.messageID)
        }
        return result
    }

    /// The messages in message-number order, the order they arrived in, so the target numbers its
    /// copies the same way; one RETR at a time, as the stream is read.
    func messages(_ uids: [MessageKey], maxBodySize: Int64?) async throws -> MessageStream {
        let cursor = EntryCursor(maildrop.entries(.uids(uids)))
        return MessageStream { [self] in
            while let entry = cursor.next() {
                if let message = try await self.retrieve(entry, maxBodySize: maxBodySize) { return message }
            }
            return nil
        }
    }

    /// One message by RETR, with its exact bytes (dot-unstuffed by the library, nothing else changed);
    /// without them, with `omittedSize`, when LIST or RETR shows it larger than `maxBodySize`; nil when
    /// the server refuses to send it (the session goes on, and the engine reports the message).
    func retrieve(_ entry: Maildrop.Entry, maxBodySize: Int64?) async throws -> StoredMessage? {
        if let maxBodySize, Int64(entry.size) > maxBodySize {
            return StoredMessage(uid: entry.key, body: [], internalDate: try await internalDate(of: entry), flags: Self.flags,
                                 omittedSize: entry.size)
        }
        let body: [UInt8]
        do {
            body = try await client.retrieve(entry.number, maximumSize: Self.answerLimit(forListedSize: entry.size))
        } catch where POP3ErrorClassifier.refusesMessage(error) {
            return nil
        } catch {
            throw POP3ErrorClassifier.classify(error)
        }
        if facts[entry.key] == nil { facts[entry.key] = HeaderFacts(body) }
        let date = try await internalDate(of: entry)
        if let maxBodySize, Int64(body.count) > maxBodySize {
            return StoredMessage(uid: entry.key, body: [], internalDate: date, flags: Self.flags, omittedSize: body.count)
        }
        return StoredMessage(uid: entry.key, body: body, internalDate: date, flags: Self.flags)
    }

    /// The internal date by `ArrivalDate`'s rule: from the header, else the time the session began;
    /// nil only for a message the server refuses to describe.
    func internalDate(of entry: Maildrop.Entry) async throws -> MessageDate? {
        guard let facts = try await headerFacts(of: entry) else { return nil }
        return facts.arrival ?? passTime
    }

    /// The message's header facts, read once per session: by TOP n 0, or by RETR from a server without
    /// TOP or refusing it for this message; nil when it refuses to send the message at all.
    func headerFacts(of entry: Maildrop.Entry) async throws -> HeaderFacts? {
        if let known = facts[entry.key] { return known }
        let limit = Self.answerLimit(forListedSize: entry.size)
        var header: [UInt8]?
        if readsHeadersWithTOP {
            do {
                header = try await client.headers(entry.number, maximumSize: limit)
            } catch where POP3ErrorClassifier.refusesMessage(error) {
                // RETR still tells the header; a server that said nothing of TOP in CAPA is not asked again.
                if await client.capabilities == nil { readsHeadersWithTOP = false }
            } catch {
                throw POP3ErrorClassifier.classify(error)
            }
        }
        if header == nil {
            do {
                header = try await client.retrieve(entry.number, maximumSize: limit)
            } catch where POP3ErrorClassifier.refusesMessage(error) {
                return nil
            } catch {
                throw POP3ErrorClassifier.classify(error)
            }
        }
        let read = HeaderFacts(header ?? [])
        facts[entry.key] = read
        return read
    }

    /// The day an internal date's text names (`07-Jul-1996 …`), as written.
    static func day(of date: MessageDate) -> (year: Int, month: Int, day: Int)? {
        guard let text = date.text.split(separator: " ").first else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 3, let day = Int(parts[0]), let year = Int(parts[2]),
              let month = MessageDateText.months.firstIndex(where: { $0.caseInsensitiveCompare(parts[1]) == .orderedSame }) else { return nil }
        return (year, month + 1, day)
    }
}
