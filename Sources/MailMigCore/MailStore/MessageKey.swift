/// A message's identity in its folder, as its store defines it: what the ledger keys copies by.
///
/// An IMAP store names messages by UID (RFC 3501 §2.3.1.1), numbers that stay valid while the
/// folder's UIDVALIDITY does and grow with each new message. A store without such numbers names them
/// by a string it keeps stable: a POP3 unique-id (RFC 1939 §7 UIDL), a file name. Keys order UIDs by
/// number, names by their characters, and every UID before every name.
public enum MessageKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// An IMAP UID.
    case uid(UInt32)
    /// A store-defined name (1 or more printable characters).
    case name(String)

    /// The UID, for a key that is one.
    public var uid: UInt32? {
        if case .uid(let value) = self { return value }
        return nil
    }

    /// Whether the key is a UID below `bound` (a folder's UIDNEXT at some moment): such a message
    /// existed at that moment. Names have no order in time, so this is false for them.
    public func isUID(below bound: UInt32) -> Bool {
        uid.map { $0 < bound } ?? false
    }

    /// How messages and reports name it: `UID 42`, `message "1ab3-77"`.
    public var description: String {
        switch self {
        case .uid(let value): return "UID \(value)"
        case .name(let value): return "message \"\(value)\""
        }
    }

    public static func < (lhs: MessageKey, rhs: MessageKey) -> Bool {
        switch (lhs, rhs) {
        case (.uid(let left), .uid(let right)): return left < right
        case (.name(let left), .name(let right)): return left < right
        case (.uid, .name): return true
        case (.name, .uid): return false
        }
    }
}

extension MessageKey {
    /// The key as one string a store of state can index: a UID as its decimal digits, a name after a
    /// `=` so the two never collide (a POP3 unique-id may consist of digits).
    public var storageText: String {
        switch self {
        case .uid(let value): return String(value)
        case .name(let value): return "=" + value
        }
    }

    /// Reads `storageText`; nil for text that is neither form.
    public init?(storageText text: String) {
        if text.first == "=" {
            let name = String(text.dropFirst())
            guard !name.isEmpty else { return nil }
            self = .name(name)
        } else if let value = UInt32(text) {
            self = .uid(value)
        } else {
            return nil
        }
    }
}

extension MessageKey: Codable {
    /// A UID is written as a JSON number, a name as a JSON string, so reports read naturally.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(UInt32.self) {
            self = .uid(value)
        } else {
            self = .name(try container.decode(String.self))
        }
    }

    /// Writes a UID as a number and a name as a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .uid(let value): try container.encode(value)
        case .name(let value): try container.encode(value)
        }
    }
}

extension MessageKey: ExpressibleByIntegerLiteral {
    /// A UID written as a number (`42`).
    public init(integerLiteral value: UInt32) {
        self = .uid(value)
    }
}

extension MessageKey {
    /// The key as a report's column shows it: a UID's digits, or the name itself.
    public var value: String {
        switch self {
        case .uid(let uid): return String(uid)
        case .name(let name): return name
        }
    }
}
