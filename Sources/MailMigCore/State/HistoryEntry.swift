import Foundation

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

    /// Creates an entry, as a state store reads it back.
    public init(serial: Int, address: String, action: String, before: Data?, after: Data?, kind: String, applyID: String?, at: Date) {
        self.serial = serial
        self.address = address
        self.action = action
        self.before = before
        self.after = after
        self.kind = kind
        self.applyID = applyID
        self.at = at
    }
}
