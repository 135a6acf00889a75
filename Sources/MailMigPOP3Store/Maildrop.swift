import MailMigCore
import MailMigPOP3

/// The maildrop as one session's LIST and UIDL showed it: each message's message-number, size and
/// unique-id, in message-number order (the order the messages arrived in).
///
/// Message-numbers are valid for this session only; the unique-id is the message's `MessageKey`
/// (`.name`), which the ledger keeps from one pass to the next. A listing that cannot give every
/// message its own unique-id is refused, never trimmed: a message without one, or two sharing one,
/// could not be told apart from another in a later pass.
struct Maildrop: Sendable {
    /// One message.
    struct Entry: Sendable, Equatable {
        /// The message-number in this session.
        var number: Int
        /// The size LIST gave, in octets; the bytes RETR delivers may differ (a final CRLF the server
        /// adds, a server counting bare LF line ends), so it never stands for the message.
        var size: Int
        /// The unique-id, as a key.
        var key: MessageKey
    }

    /// Every message, in message-number order.
    let entries: [Entry]
    private let byKey: [MessageKey: Entry]
    /// A number that changes whenever the set of unique-ids does: what the store reports as the
    /// folder's HIGHESTMODSEQ, so a later pass can tell an unchanged maildrop without its count
    /// alone (one message deleted by a mail client and one delivered keep the count the same).
    /// FNV-1a over the unique-ids in order, kept to 53 bits so it stays exact in any JSON reader.
    let changeTag: UInt64

    /// The maildrop of a listing; throws `MailStoreError` (`.failed`) when a message has no unique-id
    /// or shares one with another.
    init(_ listing: [POP3MessageInfo]) throws {
        var entries: [Entry] = []
        var byKey: [MessageKey: Entry] = [:]
        for message in listing {
            guard let uniqueID = message.uniqueID, !uniqueID.isEmpty else {
                throw MailStoreError(.failed, "the POP3 server's UIDL gave message \(message.number) no unique-id, so it could not be "
                    + "recognised in a later pass; nothing is copied from this maildrop")
            }
            let entry = Entry(number: message.number, size: message.size, key: .name(uniqueID))
            if let first = byKey[entry.key] {
                throw MailStoreError(.failed, "the POP3 server's UIDL gave messages \(first.number) and \(message.number) the same "
                    + "unique-id \"\(uniqueID)\", so they could not be told apart in a later pass; nothing is copied from this maildrop")
            }
            byKey[entry.key] = entry
            entries.append(entry)
        }
        self.entries = entries
        self.byKey = byKey
        self.changeTag = Self.changeTag(of: listing.compactMap(\.uniqueID))
    }

    /// FNV-1a (64 bits) of the unique-ids, each followed by a line end, masked to 53 bits; never 0,
    /// which would read as "no mod-sequence".
    static func changeTag(of uniqueIDs: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for uniqueID in uniqueIDs {
            for byte in uniqueID.utf8 + [UInt8(ascii: "\n")] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        return max(hash & (1 << 53 - 1), 1)
    }

    /// The message with this key, if the maildrop has it.
    func entry(_ key: MessageKey) -> Entry? { byKey[key] }

    /// The messages a selection names, each once, in message-number order; unknown keys name nothing.
    func entries(_ selection: MessageSelection) -> [Entry] {
        switch selection {
        case .all: return entries
        case .uids(let keys):
            let wanted = Set(keys)
            return entries.filter { wanted.contains($0.key) }
        }
    }
}
