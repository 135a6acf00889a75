import Foundation

/// What changed in a collection since a sync token (RFC 6578): members added or changed, with their
/// new ETags, members removed, and the token that covers this answer.
public struct DAVChanges: Sendable, Equatable {
    /// Members added or changed since the token.
    public var changed: [DAVMember]
    /// Paths of members removed since the token.
    public var removed: [String]
    /// The token to ask from next time.
    public var token: String
}

/// Gathers the answers of one or more `sync-collection` reports of a collection (a server may
/// truncate a long answer, RFC 6578 §3.6): a later answer about a member wins over an earlier one.
struct DAVChangeCollector {
    /// The collection's normalised path.
    let collection: String
    private var changed: [String: DAVMember] = [:]
    private var order: [String] = []
    private var ordered: Set<String> = []
    private var removed: [String: String] = [:]

    init(collection: String) {
        self.collection = DAVClient.normalisedPath(collection)
    }

    /// Adds one answer; returns whether the server truncated it (the collection's own response has
    /// status 507), and the report is to be repeated from the answer's token.
    mutating func add(_ found: Multistatus) -> Bool {
        var truncated = false
        for response in found.responses {
            let path = DAVClient.normalisedPath(response.href)
            if path == collection {
                truncated = truncated || response.status == 507
                continue
            }
            if response.status == 404 {
                changed[path] = nil
                removed[path] = response.href
                continue
            }
            guard !response.isCollection, let etag = response.text(DAVName.getETag) else { continue }
            if ordered.insert(path).inserted { order.append(path) }
            changed[path] = DAVMember(href: response.href, etag: etag)
            removed[path] = nil
        }
        return truncated
    }

    /// The changes gathered, as of `token`.
    func changes(token: String) -> DAVChanges {
        DAVChanges(changed: order.compactMap { changed[$0] }, removed: removed.values.sorted(), token: token)
    }
}

extension DAVClient {
    /// Reports each `sync-collection` may take before the answer counts as endless.
    static let syncReportsPerCollection = 1_000

    /// The members of `collection` changed or removed since `token`, by `sync-collection` reports
    /// (RFC 6578 §3.2, Depth 0, sync-level 1), following truncated answers (§3.6); nil when the
    /// server no longer honours the token (403 with `valid-sync-token`, or another client error), so
    /// that the caller lists the collection instead.
    public func changes(of collection: String, since token: String) async throws(DAVFailure) -> DAVChanges? {
        var collector = DAVChangeCollector(collection: collection)
        var next = token
        for _ in 0..<Self.syncReportsPerCollection {
            let answer = try await send("REPORT", collection,
                                        body: DAVRequestBody.syncCollection(token: next, properties: [DAVName.getETag, DAVName.resourceType]),
                                        headers: ["Depth": "0"], expecting: [207, 400, 403, 409, 412], followRedirects: true,
                                        what: "asking \(collection) for its changes")
            guard answer.status == 207 else { return nil }
            let found = try MultistatusParser.parse(answer.body, what: "the changes of \(collection)")
            guard let newToken = found.syncToken else {
                throw .malformed(what: "the changes of \(collection)", reason: "the answer has no sync-token")
            }
            next = newToken
            if !collector.add(found) { return collector.changes(token: newToken) }
        }
        throw .malformed(what: "the changes of \(collection)", reason: "still truncated after \(Self.syncReportsPerCollection) reports")
    }
}
