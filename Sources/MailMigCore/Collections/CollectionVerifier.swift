import Foundation

/// What `mailmig verify` found in one collection: every source item's copy read back and compared
/// after normalising (`ItemComparison`), as the target holds it.
public struct CollectionVerification: Sendable, Equatable, Codable {
    /// Address books, calendars or task lists.
    public var kind: CollectionKind
    /// The collection's display name (or name).
    public var collection: String
    /// Source items.
    public var items: Int
    /// Copies found equal to their source item.
    public var equal: Int
    /// Source items whose copy is not on the target (and no pass recorded why), by name.
    public var missing: [String]
    /// Copies that differ from their source item, by name.
    public var differing: [String]
    /// Items a pass did not copy, each `name: why` (changed on the target, refused): reported, not failures.
    public var notCopied: [String]

    /// Whether the collection verifies.
    public var passed: Bool { missing.isEmpty && differing.isEmpty }
}

/// Compares a mailbox's collections on the two sides.
enum CollectionVerifier {
    /// Items read per request.
    static let chunkSize = 50

    /// Every copied collection of `mailbox`, compared item by item.
    static func verify(_ mailbox: MailboxMapping, rules: CollectionRules, source: any CollectionStore, target: any CollectionStore,
                       preparation: ItemPreparation, ledger: [ItemLedgerEntry]) async throws -> [CollectionVerification] {
        try await source.withSession(for: mailbox) { sourceSession in
            try await target.withSession(for: mailbox) { targetSession in
                var results: [CollectionVerification] = []
                let existing = try await targetSession.collections()
                for collection in try await sourceSession.collections() where rules.copies(collection) {
                    let versions = try await sourceSession.versions(in: collection)
                    let rows = ItemLedgerEntry.byName(ledger, collection: collection.path)
                    var result = CollectionVerification(kind: collection.kind, collection: collection.label, items: versions.count,
                                                        equal: 0, missing: [], differing: [], notCopied: [])
                    let copy = collection.copy(in: existing)
                    var copies: [String: Data] = [:]
                    if let copy {
                        let targetVersions = try await targetSession.versions(in: copy)
                        for chunk in stride(from: 0, to: targetVersions.count, by: chunkSize) {
                            let hrefs = targetVersions[chunk..<min(chunk + chunkSize, targetVersions.count)].map(\.href)
                            for item in try await targetSession.items(hrefs, in: copy) { copies[item.version.name] = item.data }
                        }
                    }
                    for chunk in stride(from: 0, to: versions.count, by: chunkSize) {
                        let hrefs = versions[chunk..<min(chunk + chunkSize, versions.count)].map(\.href)
                        for item in try await sourceSession.items(hrefs, in: collection) {
                            let name = item.version.name
                            let row = rows[name]
                            let copyName = row?.targetName ?? name
                            if let conflict = row?.conflict {
                                result.notCopied.append("\(name): \(conflict)")
                            } else if let data = copies[copyName] {
                                if ItemComparison.same(preparation.prepare(item.data), data) { result.equal += 1 } else { result.differing.append(name) }
                            } else {
                                result.missing.append(name)
                            }
                        }
                    }
                    results.append(result)
                }
                return results
            }
        }
    }
}
