import Foundation
import MailMigCore

/// An in-memory CardDAV/CalDAV server for the engine's tests: collections per mailbox, items with
/// entity tags that change on every store, `If-None-Match`/`If-Match` as a real server checks them,
/// one item per UID and collection, and switches for what broken servers do.
public final class FakeCollectionStore: CollectionStore, @unchecked Sendable {
    public let side: MailSide
    public let server: String
    private let lock = NSLock()
    private var collections: [String: [String: FakeCollection]] = [:]
    private var counter = 0
    /// Stores that succeed before every later one fails with a connection error (nil: never).
    public var failAfterStores: Int?
    /// Stores that succeed before every later one is stored and then fails as a lost answer would
    /// (the item is on the server; the client never hears so), nil: never.
    public var loseAnswersAfterStores: Int?
    /// Items whose data contains this text are refused with 422 (a strict server's validation).
    public var refuseContaining: String?
    /// Every `put` that reached the server, in order.
    public private(set) var puts: [String] = []
    /// Collections created through the seam.
    public private(set) var created: [String] = []
    /// Whether collections carry a sync token and answer `changes(in:since:)` (RFC 6578).
    public var offersSync = true
    /// Tokens older than this change number are no longer honoured (a server that forgot them).
    public var forgetTokensBefore = 0
    /// Runs once, right after the next successful store (another client's change during a pass).
    public var afterNextStore: (@Sendable () -> Void)?
    /// Full listings (`versions(in:)`) asked for, and change sets (`changes(in:since:)`) answered.
    public private(set) var listings = 0, changeSets = 0

    /// One collection.
    public struct FakeCollection: Sendable {
        public var info: ItemCollection
        public var items: [String: (etag: String, data: Data)]
        /// The change number of each name's last store or removal.
        var changedAt: [String: Int] = [:]
    }

    /// Creates an empty server.
    public init(side: MailSide, server: String? = nil) {
        self.side = side
        self.server = server ?? (side == .source ? "dav.oldmail.test" : "dav.newmail.test")
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func nextETag() -> String {
        counter += 1
        return "\"e\(counter)\""
    }

    /// Stores `item` as `name` of a collection and notes the change.
    private func store(_ item: (etag: String, data: Data)?, named name: String, in collection: inout FakeCollection) {
        collection.items[name] = item
        counter += 1
        collection.changedAt[name] = counter
    }

    private func token(_ collection: FakeCollection) -> String? {
        offersSync ? "fake-sync/\(collection.changedAt.values.max() ?? 0)" : nil
    }

    /// Adds a collection `name` of `kind` to `mailbox`.
    public func addCollection(_ mailbox: String, _ name: String, kind: CollectionKind, displayName: String? = nil) {
        locked {
            let path = "/\(mailbox)/\(name)/"
            let components = kind == .contacts ? [] : (kind == .tasks ? ["VTODO"] : ["VEVENT"])
            collections[mailbox, default: [:]][name] = FakeCollection(info: ItemCollection(path: path, kind: kind, displayName: displayName ?? name,
                                                                                          components: components), items: [:])
        }
    }

    /// Stores an item directly (as a user of the server would), replacing any of that name.
    public func setItem(_ mailbox: String, _ collection: String, _ name: String, _ text: String) {
        locked {
            guard var found = collections[mailbox]?[collection] else { return }
            store((nextETag(), Data(text.utf8)), named: name, in: &found)
            collections[mailbox]?[collection] = found
        }
    }

    /// Removes an item directly (as a user of the server would).
    public func removeItem(_ mailbox: String, _ collection: String, _ name: String) {
        locked {
            guard var found = collections[mailbox]?[collection] else { return }
            store(nil, named: name, in: &found)
            collections[mailbox]?[collection] = found
        }
    }

    /// The items of a collection by name, as text.
    public func items(_ mailbox: String, _ collection: String) -> [String: String] {
        locked {
            (collections[mailbox]?[collection]?.items ?? [:]).mapValues { String(decoding: $0.data, as: UTF8.self) }
        }
    }

    /// The collections of a mailbox by name.
    public func collectionInfo(_ mailbox: String) -> [String: ItemCollection] {
        locked { (collections[mailbox] ?? [:]).mapValues(\.info) }
    }

    public func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any CollectionStoreSession) async throws -> T) async throws -> T {
        let address = (side == .source ? mailbox.source : mailbox.target).description
        return try await body(Session(store: self, mailbox: address))
    }

    fileprivate func collectionName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    fileprivate func fail(_ mailbox: String, _ reason: String) -> MailError {
        MailError(side: side, server: server, mailbox: mailbox, kind: .transient, reason: reason)
    }

    private struct Session: CollectionStoreSession {
        let store: FakeCollectionStore
        let mailbox: String

        func collections() async throws -> [ItemCollection] {
            store.locked {
                (store.collections[mailbox] ?? [:]).values.map { collection in
                    var info = collection.info
                    info.syncToken = store.token(collection)
                    return info
                }.sorted { $0.path < $1.path }
            }
        }

        func versions(in collection: ItemCollection) async throws -> [ItemVersion] {
            store.locked {
                store.listings += 1
                let name = store.collectionName(collection.path)
                return (store.collections[mailbox]?[name]?.items ?? [:]).map { ItemVersion(href: collection.path + $0.key, etag: $0.value.etag) }
                    .sorted { $0.href < $1.href }
            }
        }

        func changes(in collection: ItemCollection, since token: String) async throws -> ItemChanges? {
            store.locked {
                guard store.offersSync, let found = store.collections[mailbox]?[store.collectionName(collection.path)],
                      let since = Int(token.replacingOccurrences(of: "fake-sync/", with: "")), since >= store.forgetTokensBefore else { return nil }
                store.changeSets += 1
                let names = found.changedAt.filter { $0.value > since }.keys.sorted()
                return ItemChanges(changed: names.compactMap { name in found.items[name].map { ItemVersion(href: collection.path + name, etag: $0.etag) } },
                                   removed: names.filter { found.items[$0] == nil }.map { collection.path + $0 },
                                   token: store.token(found) ?? token)
            }
        }

        func items(_ hrefs: [String], in collection: ItemCollection) async throws -> [CollectionItem] {
            store.locked {
                let items = store.collections[mailbox]?[store.collectionName(collection.path)]?.items ?? [:]
                return hrefs.compactMap { href in
                    let name = ItemVersion(href: href, etag: "").name
                    return items[name].map { CollectionItem(version: ItemVersion(href: href, etag: $0.etag), data: $0.data) }
                }
            }
        }

        func createCollection(named name: String, like model: ItemCollection) async throws -> ItemCollection {
            store.locked {
                if let existing = store.collections[mailbox]?[name] { return existing.info }
                var info = model
                info.path = "/\(mailbox)/\(name)/"
                info.syncToken = nil
                store.collections[mailbox, default: [:]][name] = FakeCollection(info: info, items: [:])
                store.created.append(name)
                return info
            }
        }

        func put(_ data: Data, named name: String, in collection: ItemCollection, replacing version: String?) async throws -> ItemPutOutcome {
            let outcome = try store.locked { () throws -> ItemPutOutcome in
                if let limit = store.failAfterStores, store.puts.count >= limit { throw store.fail(mailbox, "connection reset") }
                store.puts.append(name)
                let key = store.collectionName(collection.path)
                guard var target = store.collections[mailbox]?[key] else { return .refused("404 no such collection") }
                if let refuse = store.refuseContaining, String(decoding: data, as: UTF8.self).contains(refuse) {
                    return .refused("422 the item is not valid")
                }
                if let version {
                    guard target.items[name]?.etag == version else { return .preconditionFailed }
                } else {
                    guard target.items[name] == nil else { return .preconditionFailed }
                    let uid = ContentLines.uid(of: ContentLines.parse(data))
                    if let uid, target.items.values.contains(where: { ContentLines.uid(of: ContentLines.parse($0.data)) == uid }) {
                        return .refused("409 an item with UID \(uid) exists")
                    }
                }
                let etag = store.nextETag()
                store.store((etag, data), named: name, in: &target)
                store.collections[mailbox]?[key] = target
                if let limit = store.loseAnswersAfterStores, store.puts.count > limit { throw store.fail(mailbox, "connection reset after the request") }
                return .stored(href: collection.path + name, etag: etag)
            }
            if let after = store.locked({ () -> (@Sendable () -> Void)? in
                defer { store.afterNextStore = nil }
                return store.afterNextStore
            }) {
                after()
            }
            return outcome
        }

        func item(uid: String, component: String, in collection: ItemCollection) async throws -> CollectionItem? {
            store.locked {
                // As a calendar-query's comp-filter: only items whose component is the one asked for.
                let items = store.collections[mailbox]?[store.collectionName(collection.path)]?.items ?? [:]
                return items.sorted { $0.key < $1.key }.first { item in
                    let lines = ContentLines.parse(item.value.data)
                    return ContentLines.uid(of: lines) == uid && ContentLines.component(of: lines) == component
                }.map { CollectionItem(version: ItemVersion(href: collection.path + $0.key, etag: $0.value.etag), data: $0.value.data) }
            }
        }
    }
}
