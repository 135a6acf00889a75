/// What one look into a folder returned: what opening it tells, the messages a filter found, and
/// metadata of messages (`MailStoreSession.read(_:listing:metadata:)`, `readMetadata(_:in:)`).
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

/// Which messages a folder read describes along with its listing (`MailStoreSession.read(_:listing:metadata:)`).
public enum ReadingMetadata: Sendable, Equatable {
    /// None.
    case none
    /// Every message of the folder.
    case all
    /// The messages whose mod-sequence is above this one (RFC 7162 §3.1.4 CHANGEDSINCE): those whose
    /// flags changed since, and those that arrived since, which always get a higher one.
    case changedSince(UInt64)
}

extension MailStoreSession {
    /// One step after the other: `openFolder`, `messageUIDs`, `metadata`.
    public func read(_ path: String, listing filter: MessageFilter, metadata wanted: ReadingMetadata) async throws -> FolderReading {
        let snapshot = try await openFolder(path, forWriting: false)
        let keys = try await messageUIDs(filter)
        var metadata: [MessageMetadata] = []
        if snapshot.exists > 0 {
            switch wanted {
            case .none: break
            case .all: metadata = try await self.metadata(.all, changedSince: nil)
            case .changedSince(let modSeq): metadata = try await self.metadata(.all, changedSince: modSeq)
            }
        }
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
