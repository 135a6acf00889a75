/// The identity and version of a state.
public struct StateMeta: Sendable, Equatable, Codable {
    /// A UUID made once when the state is created; saved plans must match it.
    public var lineage: String
    /// Incremented by every committed change.
    public var serial: Int
    /// The schema version of the store that holds the state.
    public var schemaVersion: Int

    /// Creates the meta data, as a state store reads it back.
    public init(lineage: String, serial: Int, schemaVersion: Int) {
        self.lineage = lineage
        self.serial = serial
        self.schemaVersion = schemaVersion
    }
}
