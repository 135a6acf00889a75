/// What a service preset (`source|target.preset`, the files in `presets/`) says beyond the settings
/// it fills in for a side: the service's folder names, its message size limit, and what cannot be
/// migrated over IMAP.
public struct ServicePreset: Sendable, Hashable, Codable {
    /// The preset's name (`microsoft365`).
    public var name: String
    /// The service, for people (`Exchange Online (Microsoft 365)`).
    public var description: String
    /// The service's folder of each SPECIAL-USE role (RFC 6154), by role in lower case without its
    /// backslash (`sent` → `Sent Items`): used where the server does not announce the roles.
    public var folderNames: [String: String]
    /// The largest message the service accepts, when it has a limit.
    public var maxMessageSize: ByteSize?
    /// What cannot be migrated over IMAP, or needs doing first, one sentence each (`mailmig discover` lists them).
    public var notes: [String]

    /// Creates a preset.
    public init(name: String, description: String, folderNames: [String: String], maxMessageSize: ByteSize?, notes: [String]) {
        self.name = name
        self.description = description
        self.folderNames = folderNames
        self.maxMessageSize = maxMessageSize
        self.notes = notes
    }
}
