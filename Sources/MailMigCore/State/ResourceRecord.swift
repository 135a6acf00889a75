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

    /// Creates a record, as a state store reads it back.
    public init(address: String, kind: String, attributes: Data, serial: Int, updatedAt: Date) {
        self.address = address
        self.kind = kind
        self.attributes = attributes
        self.serial = serial
        self.updatedAt = updatedAt
    }

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

    /// The resource the change is about, whichever the case.
    public var address: String {
        switch self {
        case .put(let address, _, _), .remove(let address): return address
        }
    }
}
