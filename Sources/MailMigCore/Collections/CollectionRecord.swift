import Foundation

/// What the state keeps of one kind of a mailbox's collections: the last pass and its outcome.
public struct CollectionRecord: Sendable, Equatable, Codable {
    /// The source address.
    public var source: String
    /// The target address.
    public var target: String
    /// Address books, calendars or task lists.
    public var kind: CollectionKind
    /// When the last pass ended.
    public var lastPass: Date?
    /// The outcome of the last pass that completed.
    public var lastResult: CollectionPassResult?
    /// Why the last pass failed, with the server's answer; nil once a pass completes.
    public var lastError: String?
    /// When it failed.
    public var lastFailure: Date?
    /// Where each source collection (by path) and its copy stood after the last completed pass, for
    /// servers that offer sync tokens; nil or missing: the next pass lists it in full.
    public var syncPoints: [String: CollectionSyncPoint]?

    /// The resource kind.
    public static let kind = "collections"

    /// The resource address: `mailbox.alice@acme.test/contacts`.
    public static func address(_ source: String, kind: CollectionKind) -> String { "mailbox.\(source)/\(kind.rawValue)" }
}

/// What one collection pass did.
public struct CollectionPassResult: Sendable, Equatable, Codable {
    /// Source collections copied.
    public var collections: Int = 0
    /// Collections created on the target.
    public var createdCollections: [String] = []
    /// Source items seen.
    public var items: Int = 0
    /// Items stored new on the target.
    public var copied: Int = 0
    /// Items stored over their earlier copy.
    public var updated: Int = 0
    /// Items found already on the target (a killed pass, or there before) and recorded.
    public var settled: Int = 0
    /// Items not copied as they are now (changed on the target, refused), each with why.
    public var conflicts: [String] = []
    /// Items deleted on the source since copied (their copies are kept).
    public var deletedOnSource: Int = 0

    /// Creates an empty result.
    public init() {}
}
