import Foundation
import MailMigCore
import MailMigDAV

/// One mailbox's address books and calendars on a DAV server.
final class DAVSession: CollectionStoreSession, @unchecked Sendable {
    let client: DAVClient
    let side: MailSide
    let server: String
    let mailbox: String
    /// Found once, before the session is handed out; read only afterwards.
    private(set) var homes = DAVHomes(principal: "/", addressbookHomes: [], calendarHomes: [])

    init(client: DAVClient, side: MailSide, server: String, mailbox: String) {
        self.client = client
        self.side = side
        self.server = server
        self.mailbox = mailbox
    }

    func discover(contextPath: String, principal: String?) async throws {
        homes = try await run(nil) { try await self.client.discoverHomes(contextPath: contextPath, principal: principal) }
        if homes.addressbookHomes.isEmpty, homes.calendarHomes.isEmpty {
            throw MailError(side: side, server: server, mailbox: mailbox,
                            reason: "the principal \(homes.principal) names no addressbook-home-set or calendar-home-set")
        }
    }

    func collections() async throws -> [ItemCollection] {
        var found: [ItemCollection] = []
        var seen: Set<String> = []
        for home in homes.addressbookHomes + homes.calendarHomes where seen.insert(DAVClient.normalisedPath(home)).inserted {
            let listed = try await run(nil) { try await self.client.collections(in: home) }
            for collection in listed where !found.contains(where: { DAVClient.normalisedPath($0.path) == DAVClient.normalisedPath(collection.href) }) {
                found.append(Self.collection(collection))
            }
        }
        return found
    }

    /// An address book is `contacts`; a calendar is `tasks` when it holds tasks and no events, else `calendars`.
    static func collection(_ collection: DAVCollection) -> ItemCollection {
        let components = collection.components.map { $0.uppercased() }
        let kind: CollectionKind = collection.isAddressbook ? .contacts
            : (components.contains("VTODO") && !components.contains("VEVENT") ? .tasks : .calendars)
        return ItemCollection(path: collection.href, kind: kind, displayName: collection.displayName, color: collection.color,
                              description: collection.description, components: components, syncToken: collection.syncToken)
    }

    func versions(in collection: ItemCollection) async throws -> [ItemVersion] {
        try await run(collection) { try await self.client.members(of: collection.path) }.map { ItemVersion(href: $0.href, etag: $0.etag) }
    }

    func changes(in collection: ItemCollection, since token: String) async throws -> ItemChanges? {
        guard collection.syncToken != nil else { return nil }
        guard let changes = try await run(collection, { try await self.client.changes(of: collection.path, since: token) }) else { return nil }
        return ItemChanges(changed: changes.changed.map { ItemVersion(href: $0.href, etag: $0.etag) }, removed: changes.removed, token: changes.token)
    }

    func items(_ hrefs: [String], in collection: ItemCollection) async throws -> [CollectionItem] {
        try await run(collection) {
            try await self.client.items(hrefs, of: collection.path, calendar: collection.kind != .contacts)
        }.map { CollectionItem(version: ItemVersion(href: $0.href, etag: $0.etag), data: $0.data) }
    }

    func createCollection(named name: String, like model: ItemCollection) async throws -> ItemCollection {
        let homes = model.kind == .contacts ? self.homes.addressbookHomes : self.homes.calendarHomes
        guard let home = homes.first else {
            throw MailError(side: side, server: server, mailbox: mailbox, folder: name,
                            reason: "the server has no \(model.kind == .contacts ? "addressbook-home-set" : "calendar-home-set") for this mailbox")
        }
        let path = ItemCollection.memberPath(name, in: home) + "/"
        let body = DAVRequestBody.makeCollection(addressbook: model.kind == .contacts, displayName: model.displayName, color: model.color,
                                                 description: model.description, components: model.components)
        _ = try await run(model) {
            try await self.client.makeCollection(path, calendar: model.kind != .contacts, body: body, what: "creating \(path)")
        }
        var created = model
        created.path = path
        created.syncToken = nil
        return created
    }

    func put(_ data: Data, named name: String, in collection: ItemCollection, replacing version: String?) async throws -> ItemPutOutcome {
        let path = ItemCollection.memberPath(name, in: collection.path)
        let type = collection.kind == .contacts ? "text/vcard; charset=utf-8" : "text/calendar; charset=utf-8"
        let outcome = try await run(collection) {
            try await self.client.put(path, data: data, contentType: type, ifMatch: version, what: "storing \(name)")
        }
        switch outcome {
        case .stored(let etag, let location):
            return .stored(href: location.map { URL(string: $0)?.path ?? $0 } ?? path, etag: etag)
        case .preconditionFailed:
            return .preconditionFailed
        case .refused(let status, let reason):
            return .refused("\(status) \(reason)")
        }
    }

    func item(uid: String, component: String, in collection: ItemCollection) async throws -> CollectionItem? {
        let calendar = collection.kind != .contacts
        let members = try await run(collection) {
            try await self.client.members(uid: uid, in: collection.path, calendar: calendar, component: component)
        }
        guard !members.isEmpty else { return nil }
        let items = try await run(collection) { try await self.client.items(members.map(\.href), of: collection.path, calendar: calendar) }
        return items.first { ContentLines.uid(of: ContentLines.parse($0.data)) == uid }
            .map { CollectionItem(version: ItemVersion(href: $0.href, etag: $0.etag), data: $0.data) }
    }

    /// Runs a request; a `DAVFailure` becomes a `MailError` naming the server, the mailbox and the collection.
    private func run<T>(_ collection: ItemCollection?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DAVFailure {
            let kind: MailStoreError.Kind
            if case .unauthorized = error { kind = .loginRefused } else { kind = error.isTransient ? .transient : .failed }
            throw MailError(side: side, server: server, mailbox: mailbox, folder: collection.map(\.label), kind: kind,
                            reason: error.description)
        }
    }
}
