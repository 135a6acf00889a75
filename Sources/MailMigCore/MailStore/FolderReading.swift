/// What one look into a folder returned: what opening it tells, the messages a filter found, and
/// metadata of messages (`MailStoreSession.read(_:listing:withMetadata:)`, `readMetadata(_:in:)`).
public struct FolderReading: Sendable, Equatable {
    /// What opening the folder told.
    public var snapshot: FolderSnapshot
    /// The messages the filter found, in key order; empty when none was asked for.
    public var keys: [MessageKey]
    /// Size, internal date and flags of the messages asked for; empty when none were.
    public var metadata: [MessageMetadata]

    /// Creates a reading.
    public init(snapshot: FolderSnapshot, keys: [MessageKey] = [], metadata: [MessageMetadata] = []) {
        self.snapshot = snapshot
        self.keys = keys
        self.metadata = metadata
    }
}

extension MailStoreSession {
    /// One step after the other: `openFolder`, `messageUIDs`, `metadata(.all)`.
    public func read(_ path: String, listing filter: MessageFilter, withMetadata: Bool) async throws -> FolderReading {
        let snapshot = try await openFolder(path, forWriting: false)
        let keys = try await messageUIDs(filter)
        let metadata = withMetadata && snapshot.exists > 0 ? try await metadata(.all, changedSince: nil) : []
        return FolderReading(snapshot: snapshot, keys: keys, metadata: metadata)
    }

    /// One step after the other: `openFolder`, `metadata`, `closeFolder`.
    public func readMetadata(_ selection: MessageSelection, in path: String) async throws -> FolderReading {
        let snapshot = try await openFolder(path, forWriting: false)
        let metadata = try await metadata(selection, changedSince: nil)
        try await closeFolder()
        return FolderReading(snapshot: snapshot, metadata: metadata)
    }
}
