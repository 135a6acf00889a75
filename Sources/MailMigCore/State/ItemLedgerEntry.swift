import Foundation

/// One contact, event or task in the ledger of copied items: the source item, the version last
/// copied, and where its copy is.
///
/// A row is written `pending` before the item is stored on the target and settled after, so a pass
/// killed in between finds the item by its name or UID on the target instead of storing it twice.
public struct ItemLedgerEntry: Sendable, Equatable, Codable {
    /// The source mailbox address.
    public var mailbox: String
    /// The source collection's path.
    public var collection: String
    /// The source item's path.
    public var href: String
    /// What the collection holds.
    public var kind: CollectionKind
    /// The item's UID (vCard `UID`, iCalendar `UID`).
    public var uid: String
    /// The source version last copied (its ETag); for a pending row, the version being copied.
    public var sourceETag: String
    /// The target collection's path.
    public var targetCollection: String
    /// The copy's path on the target.
    public var targetHref: String
    /// The copy's version as last stored or seen (nil: the target did not say, and the next listing tells).
    public var targetETag: String?
    /// Whether a store of this version may have reached the target without being recorded.
    public var pending: Bool
    /// Why the item is not copied as it is now (a change on the target, a refusal), or nil.
    public var conflict: String?
    /// When the row was last written.
    public var updatedAt: Date

    /// Creates a row.
    public init(mailbox: String, collection: String, href: String, kind: CollectionKind, uid: String, sourceETag: String,
                targetCollection: String, targetHref: String, targetETag: String?, pending: Bool, conflict: String? = nil, updatedAt: Date) {
        self.mailbox = mailbox
        self.collection = collection
        self.href = href
        self.kind = kind
        self.uid = uid
        self.sourceETag = sourceETag
        self.targetCollection = targetCollection
        self.targetHref = targetHref
        self.targetETag = targetETag
        self.pending = pending
        self.conflict = conflict
        self.updatedAt = updatedAt
    }

    /// The rows of the source collection at `path`, by the name of their source item.
    public static func byName(_ rows: [ItemLedgerEntry], collection path: String) -> [String: ItemLedgerEntry] {
        Dictionary(rows.filter { $0.collection == path }.map { (ItemVersion.name(of: $0.href), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The name of the copy on the target.
    public var targetName: String { ItemVersion.name(of: targetHref) }
}
