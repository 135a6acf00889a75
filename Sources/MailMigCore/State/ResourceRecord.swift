import Foundation

/// One managed object in the state, by address (`domain.acme.test/dns/@/MX`), with its recorded attributes.
public struct ResourceRecord: Sendable, Equatable {
    /// The resource's address.
    public var address: String
    /// What kind of resource it is (`dns-rrset`, `mailbox`, `folder`, `batch`, …).
    public var kind: String
    /// The attributes as JSON, decoded by kind.
    public var attributes: Data
    /// The serial of the change that last wrote it.
    public var serial: Int
    /// When it was last written.
    public var updatedAt: Date

    /// Decodes the attributes as `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try StateCoding.decoder.decode(type, from: attributes)
    }
}

/// A change to commit to the state in one transaction.
public enum ResourceChange: Sendable {
    /// Create or replace a resource.
    case put(address: String, kind: String, attributes: Data)
    /// Forget a resource (`state rm`, or an object that no longer exists).
    case remove(address: String)

    /// Creates a `put` from a value encoded as JSON.
    public static func put<T: Encodable>(_ address: String, kind: String, _ value: T) throws -> ResourceChange {
        .put(address: address, kind: kind, attributes: try StateCoding.encoder.encode(value))
    }

    var address: String {
        switch self {
        case .put(let address, _, _), .remove(let address): return address
        }
    }
}

/// A past change of a resource, for the audit trail and `rollback --to-serial`.
public struct HistoryEntry: Sendable, Equatable {
    /// The serial that made the change.
    public var serial: Int
    /// The resource.
    public var address: String
    /// `put` or `remove`.
    public var action: String
    /// Attributes before, if it existed.
    public var before: Data?
    /// Attributes after, if it still exists.
    public var after: Data?
    /// The kind of the resource.
    public var kind: String
    /// The apply that made it.
    public var applyID: String?
    /// When.
    public var at: Date
}

/// The identity and version of a state.
public struct StateMeta: Sendable, Equatable, Codable {
    /// A UUID made once when the state is created; saved plans must match it.
    public var lineage: String
    /// Incremented by every committed change.
    public var serial: Int
    /// The database schema version.
    public var schemaVersion: Int
}

/// JSON coding used for everything stored: sorted keys and ISO 8601 dates, so stored text is deterministic.
public enum StateCoding {
    /// The encoder.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// The decoder.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
