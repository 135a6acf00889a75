import Foundation

/// Where a source collection and its copy stood when the last pass over them completed: both sides'
/// sync tokens (RFC 6578) as of before that pass read them, and the source items it found removed,
/// so that the next pass asks each side what changed since instead of listing every item.
public struct CollectionSyncPoint: Sendable, Equatable, Codable {
    /// The source collection's token.
    public var sourceToken: String
    /// The path of its copy on the target.
    public var targetPath: String
    /// The copy's token.
    public var targetToken: String
    /// Names of items the ledger has that the source no longer holds (their copies are kept).
    public var removedOnSource: [String]

    /// Creates a sync point.
    public init(sourceToken: String, targetPath: String, targetToken: String, removedOnSource: [String]) {
        self.sourceToken = sourceToken
        self.targetPath = targetPath
        self.targetToken = targetToken
        self.removedOnSource = removedOnSource
    }
}

/// Both sides' items of a collection and its copy, as a pass decides from them (`ItemAction`): listed
/// in full, or, when both servers offer sync tokens and the last pass recorded them, rebuilt from the
/// ledger and what each side changed since.
///
/// A rebuilt listing is as good as a full one: a source item without a ledger row is either new since
/// the token (and among the changes) or was never seen; every store is conditional (`If-None-Match`,
/// `If-Match`), so a target item the ledger cannot vouch for is looked up before its action is chosen.
struct CollectionListing: Sendable {
    /// The source's items.
    var source: [ItemVersion]
    /// The target's items by name.
    var targetByName: [String: ItemVersion]
    /// Names of ledger rows whose source item is gone.
    var removedOnSource: Set<String>
    /// The point to record once a pass has acted on this listing; nil when a side has no token.
    var next: CollectionSyncPoint?

    /// Reads both sides of `collection` and its copy (nil: not on the target yet), with `rows` the
    /// ledger rows of the collection by source name and `point` the last pass's sync point.
    static func read(_ collection: ItemCollection, copy: ItemCollection?, rows: [String: ItemLedgerEntry], point: CollectionSyncPoint?,
                     source: any CollectionStoreSession, target: any CollectionStoreSession) async throws -> CollectionListing {
        guard let copy else {
            let versions = try await source.versions(in: collection)
            return CollectionListing(source: versions, targetByName: [:], removedOnSource: removed(rows, listed: versions), next: nil)
        }
        if let point, point.targetPath == copy.path, let sourceToken = collection.syncToken, let targetToken = copy.syncToken,
           let sourceChanges = try await changes(source, collection, now: sourceToken, since: point.sourceToken),
           let targetChanges = try await changes(target, copy, now: targetToken, since: point.targetToken) {
            return try await rebuilt(rows: rows, point: point, copy: copy, sourceChanges: sourceChanges, targetChanges: targetChanges, target: target)
        }
        let versions = try await source.versions(in: collection)
        let targetVersions = try await target.versions(in: copy)
        let removed = removed(rows, listed: versions)
        var next: CollectionSyncPoint?
        if let sourceToken = collection.syncToken, let targetToken = copy.syncToken {
            next = CollectionSyncPoint(sourceToken: sourceToken, targetPath: copy.path, targetToken: targetToken, removedOnSource: removed.sorted())
        }
        return CollectionListing(source: versions, targetByName: Dictionary(targetVersions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
                                 removedOnSource: removed, next: next)
    }

    /// The changes of `collection` since `token`: none without asking when its token is still
    /// `token`; nil when the server cannot tell.
    private static func changes(_ session: any CollectionStoreSession, _ collection: ItemCollection, now: String,
                                since token: String) async throws -> ItemChanges? {
        if now == token { return ItemChanges(changed: [], removed: [], token: token) }
        return try await session.changes(in: collection, since: token)
    }

    private static func removed(_ rows: [String: ItemLedgerEntry], listed: [ItemVersion]) -> Set<String> {
        Set(rows.keys).subtracting(listed.map(\.name))
    }

    private static func rebuilt(rows: [String: ItemLedgerEntry], point: CollectionSyncPoint, copy: ItemCollection, sourceChanges: ItemChanges,
                                targetChanges: ItemChanges, target: any CollectionStoreSession) async throws -> CollectionListing {
        var removed = Set(point.removedOnSource)
        var source: [String: ItemVersion] = [:]
        for (name, row) in rows where !removed.contains(name) {
            source[name] = ItemVersion(href: row.href, etag: row.sourceETag)
        }
        for href in sourceChanges.removed {
            let name = ItemVersion.name(of: href)
            source[name] = nil
            if rows[name] != nil { removed.insert(name) }
        }
        for version in sourceChanges.changed {
            source[version.name] = version
            removed.remove(version.name)
        }

        var targetByName: [String: ItemVersion] = [:]
        for row in rows.values where row.targetCollection == copy.path {
            if let etag = row.targetETag { targetByName[row.targetName] = ItemVersion(href: row.targetHref, etag: etag) }
        }
        var told: Set<String> = []
        for href in targetChanges.removed {
            let name = ItemVersion.name(of: href)
            targetByName[name] = nil
            told.insert(name)
        }
        for version in targetChanges.changed {
            targetByName[version.name] = version
            told.insert(version.name)
        }
        // Where another item held an item's name, it is taken to hold it still until the target tells
        // otherwise: only then is the item tried again.
        for row in rows.values where row.targetCollection == copy.path && row.targetETag == nil && row.conflict != nil
            && !told.contains(row.targetName) && targetByName[row.targetName] == nil {
            targetByName[row.targetName] = ItemVersion(href: row.targetHref, etag: "")
        }
        // Copies the ledger cannot vouch for where the pass may act on them: a recorded conflict whose
        // source item changed, a copy whose version was never known. Their state is asked for.
        let changedOnSource = Set(sourceChanges.changed.map(\.name))
        let unsure = rows.filter { name, row in
            !told.contains(row.targetName) && source[name] != nil && !row.pending
                && (row.conflict == nil ? row.targetETag == nil : changedOnSource.contains(name))
        }.values.map(\.targetHref)
        var start = 0
        while start < unsure.count {
            let chunk = Array(unsure[start..<min(start + CollectionCopier.chunkSize, unsure.count)])
            start += CollectionCopier.chunkSize
            let found = Dictionary(try await target.items(chunk, in: copy).map { ($0.version.name, $0.version) }, uniquingKeysWith: { first, _ in first })
            for href in chunk {
                let name = ItemVersion.name(of: href)
                targetByName[name] = found[name]
            }
        }
        let next = CollectionSyncPoint(sourceToken: sourceChanges.token, targetPath: copy.path, targetToken: targetChanges.token,
                                       removedOnSource: removed.sorted())
        return CollectionListing(source: source.values.sorted { $0.href < $1.href }, targetByName: targetByName, removedOnSource: removed,
                                 next: next)
    }
}
