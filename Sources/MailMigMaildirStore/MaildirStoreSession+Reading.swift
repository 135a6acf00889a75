import Foundation
import MailMigCore

extension MaildirStoreSession {
    /// The keys of the open folder's messages that match `filter`, in key order.
    public func messageUIDs(_ filter: MessageFilter) async throws -> [MessageKey] {
        let (folder, messages) = try openMessages()
        var keys: [MessageKey] = []
        for message in messages.values {
            let matches: Bool
            switch filter {
            case .all: matches = true
            case .before(let day):
                matches = try message.described(in: folder).internalDate.map { MaildirDates.isBefore($0, day) } ?? false
            case .size(let size): matches = try message.described(in: folder).size == size
            case .larger(let size): matches = (try message.described(in: folder).size ?? 0) > size
            }
            if matches { keys.append(message.messageKey) }
        }
        return keys.sorted()
    }

    /// Size, internal date and flags of messages of the open folder, in key order; there are no
    /// mod-sequences to ask since.
    public func metadata(_ selection: MessageSelection, changedSince: UInt64?) async throws -> [MessageMetadata] {
        if changedSince != nil {
            throw MailStoreError(.failed, "a Maildir does not track changes, so flags changed since a mod-sequence cannot be asked for")
        }
        let (folder, messages) = try openMessages()
        return try Self.selected(selection, from: messages).map { try $0.described(in: folder).metadata }
    }

    /// The Message-ID of messages of the open folder, read from the start of each file only.
    public func messageIDs(_ selection: MessageSelection) async throws -> [MessageKey: String?] {
        let (folder, messages) = try openMessages()
        var found: [MessageKey: String?] = [:]
        for message in Self.selected(selection, from: messages) {
            let head = try Posix.contents(of: folder.absolute(message.file), limit: 256 * 1024)
            found[message.messageKey] = .some(MessageHeaderFields.messageID(in: head))
        }
        return found
    }

    /// The messages' exact bytes, in key order, one file read at a time as the stream is read; a file
    /// larger than `maxBodySize` is not read and arrives as its size. A file gone meanwhile is left out.
    /// On the source side, a file that is not what its manifest line recorded fails the stream.
    public func messages(_ uids: [MessageKey], maxBodySize: Int64?) async throws -> MessageStream {
        let (folder, messages) = try openMessages()
        let chosen = Self.selected(.uids(uids), from: messages)
        // A source must not pass a damaged file on as the message; a target's verify compares what is
        // there and reports the difference itself.
        let reader = MaildirBodyReader(folder: folder, messages: chosen, maxBodySize: maxBodySize, checksRecordedHash: side == .source)
        return MessageStream { try reader.next() }
    }

    /// The messages a selection names, in key order; keys the folder does not hold are ignored.
    static func selected(_ selection: MessageSelection, from messages: [String: MaildirMessage]) -> [MaildirMessage] {
        switch selection {
        case .all:
            return messages.values.sorted { $0.key < $1.key }
        case .uids(let keys):
            var seen = Set<String>()
            return keys.sorted().compactMap { key in
                guard case .name(let name) = key, seen.insert(name).inserted else { return nil }
                return messages[name]
            }
        }
    }
}
