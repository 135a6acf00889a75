import Foundation

/// A system that holds a mailbox's contacts and calendars as collections of items, whatever it speaks
/// (CardDAV and CalDAV today; Microsoft Graph would be another adapter).
///
/// Items move whole: a vCard (RFC 6350) or an iCalendar object (RFC 5545) is read as the source has
/// it and stored as such. Nothing is ever deleted through this seam.
public protocol CollectionStore: Sendable {
    /// Which side of the migration it is.
    var side: MailSide { get }
    /// How errors name the system (its host).
    var server: String { get }

    /// Runs `body` with a session logged in as `mailbox` on this side, and closes it afterwards.
    func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any CollectionStoreSession) async throws -> T) async throws -> T
}

/// One mailbox's collections on one side.
public protocol CollectionStoreSession: Sendable {
    /// Every address book and calendar of the mailbox.
    func collections() async throws -> [ItemCollection]

    /// Every item of `collection` with its version (no data).
    func versions(in collection: ItemCollection) async throws -> [ItemVersion]

    /// What changed in `collection` since `token` (a `syncToken` it had before): nil when the server
    /// no longer knows the token, or the collection offers no changes (no `syncToken`), and the
    /// caller lists it in full with `versions(in:)`.
    func changes(in collection: ItemCollection, since token: String) async throws -> ItemChanges?

    /// The items at `hrefs` with their data; items gone since they were listed are left out.
    func items(_ hrefs: [String], in collection: ItemCollection) async throws -> [CollectionItem]

    /// Creates a collection named `name` (the last segment of its path) in the mailbox's home for its
    /// kind, with the display name, colour, description and components of `model`; returns it. A
    /// collection already there by that name is returned as it is.
    func createCollection(named name: String, like model: ItemCollection) async throws -> ItemCollection

    /// Stores `data` as the item `name` of `collection`: a new item only (`replacing` nil) or over the
    /// version `replacing` only.
    func put(_ data: Data, named name: String, in collection: ItemCollection, replacing version: String?) async throws -> ItemPutOutcome

    /// The item of `collection` whose UID is `uid` (`component` the iCalendar component it is in,
    /// `VCARD` for a contact), with its data; nil when there is none.
    func item(uid: String, component: String, in collection: ItemCollection) async throws -> CollectionItem?
}

/// What an address book or calendar holds.
public enum CollectionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An address book (CardDAV).
    case contacts
    /// A calendar of events (VEVENT), perhaps with tasks too.
    case calendars
    /// A calendar of tasks only (VTODO).
    case tasks

    /// The plan output's noun for collections of this kind, singular and plural.
    public var collectionNoun: (one: String, many: String) {
        switch self {
        case .contacts: ("address book", "address books")
        case .calendars: ("calendar", "calendars")
        case .tasks: ("task list", "task lists")
        }
    }

    /// The plan output's noun for the items.
    public var itemNoun: (one: String, many: String) {
        switch self {
        case .contacts: ("contact", "contacts")
        case .calendars: ("event", "events")
        case .tasks: ("task", "tasks")
        }
    }
}

/// An address book or calendar.
public struct ItemCollection: Sendable, Hashable, Codable {
    /// Its path on its server.
    public var path: String
    /// What it holds.
    public var kind: CollectionKind
    /// The name users see.
    public var displayName: String?
    /// Its colour (`#1E90FFFF`), for calendars.
    public var color: String?
    /// Its description.
    public var description: String?
    /// The iCalendar components it holds (`VEVENT`, `VTODO`); empty for an address book or when the
    /// server does not say.
    public var components: [String]
    /// A token naming its current state, when its server can tell what changed since (RFC 6578
    /// `sync-token`); nil when it cannot, and every pass lists it in full.
    public var syncToken: String?

    /// Creates a collection.
    public init(path: String, kind: CollectionKind, displayName: String? = nil, color: String? = nil, description: String? = nil,
                components: [String] = [], syncToken: String? = nil) {
        self.path = path
        self.kind = kind
        self.displayName = displayName
        self.color = color
        self.description = description
        self.components = components
        self.syncToken = syncToken
    }

    /// How output names it: its display name, else its name, with control characters (a line break a
    /// server let into a display name) shown as `?` so that no name can forge a line of output.
    public var label: String {
        String((displayName ?? name).unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? "?" : Character($0) })
    }

    /// The last segment of its path, percent-decoded: what the plan's `exclude` matches besides the
    /// display name, and the name its copy gets on the target.
    public var name: String { ItemVersion.name(of: path) }

    /// The path of the member `name` of the collection at `path`: the name percent-encoded as one
    /// segment, after a `/`. Where the engine records a new item before it is stored, and where a store
    /// stores it.
    public static func memberPath(_ name: String, in path: String) -> String {
        let base = path.hasSuffix("/") ? path : path + "/"
        return base + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? name)
    }

    /// Its copy among `collections` of the other side: the one of the same name that holds the same
    /// kind of items (an address book for an address book, a calendar for a calendar or task list).
    public func copy(in collections: [ItemCollection]) -> ItemCollection? {
        collections.first { $0.name == name && ($0.kind == .contacts) == (kind == .contacts) }
    }
}

/// An item's place and version.
public struct ItemVersion: Sendable, Hashable, Codable {
    /// Its path on its server.
    public var href: String
    /// Its version (an HTTP entity tag).
    public var etag: String

    /// Creates a version.
    public init(href: String, etag: String) {
        self.href = href
        self.etag = etag
    }

    /// The last segment of its path, percent-decoded.
    public var name: String { Self.name(of: href) }

    /// The last segment of a path, percent-decoded: how items and collections are named and matched.
    public static func name(of path: String) -> String {
        let segment = path.split(separator: "/").last.map(String.init) ?? path
        return segment.removingPercentEncoding ?? segment
    }
}

/// What changed in a collection since a sync token.
public struct ItemChanges: Sendable, Equatable {
    /// Items added or changed, with their new versions.
    public var changed: [ItemVersion]
    /// Paths of items removed.
    public var removed: [String]
    /// The collection's token as of this answer.
    public var token: String

    /// Creates a change set.
    public init(changed: [ItemVersion], removed: [String], token: String) {
        self.changed = changed
        self.removed = removed
        self.token = token
    }
}

/// An item with its data.
public struct CollectionItem: Sendable, Equatable {
    /// Its place and version.
    public var version: ItemVersion
    /// The vCard or iCalendar object.
    public var data: Data

    /// Creates an item.
    public init(version: ItemVersion, data: Data) {
        self.version = version
        self.data = data
    }
}

/// What storing an item did.
public enum ItemPutOutcome: Sendable, Equatable {
    /// Stored at `href`, with its new version when the server said.
    case stored(href: String, etag: String?)
    /// Not stored: an item is already there (a new item), or the item changed since the version given.
    case preconditionFailed
    /// Not stored: the server refused the item itself, with its reason.
    case refused(String)
}
