import Foundation

/// Where the plan's state lives (`state:`): the folder next to the plan, or a PostgreSQL database that
/// several operators and worker machines share.
public enum StateSettings: Sendable, Hashable, Codable {
    /// `.mailmig/` next to the plan file: one SQLite file and a file lock (the default).
    case local
    /// A PostgreSQL database, the plan's state in one schema of it.
    case postgres(PostgresStateSettings)

    /// Whether several processes (`apply --workers`, `mailmig worker`) can share one apply over it.
    public var isShared: Bool {
        if case .postgres = self { return true }
        return false
    }
}

/// `state: { postgres: { url: env:MAILMIG_PG_URL, schema: acme_migration } }`.
public struct PostgresStateSettings: Sendable, Hashable, Codable {
    /// The connection URL (`postgres://user:password@host:5432/database`), a secret reference since it
    /// usually holds a password.
    public var url: SecretReference
    /// The PostgreSQL schema that holds this plan's tables; nil: derived from the plan's name.
    public var schema: String?
    /// Where `state:` was written.
    public var location: SourceLocation

    /// Creates settings.
    public init(url: SecretReference, schema: String?, location: SourceLocation) {
        self.url = url
        self.schema = schema
        self.location = location
    }

    /// The schema of a plan that names none: `mailmig_` and the plan's name in lower case, every
    /// character other than a letter or digit made `_`, at most 63 bytes (PostgreSQL's identifier limit).
    public static func defaultSchema(planName: String) -> String {
        let characters = planName.lowercased().unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        }
        return String(("mailmig_" + String(characters)).prefix(63))
    }

    /// Whether a name is a schema name this setting accepts: lower-case letters, digits and `_`, not
    /// starting with a digit or `pg_`, at most 63 characters, so it never needs quoting.
    public static func isValidSchema(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || first == "_", name.count <= 63,
              !name.hasPrefix("pg_") else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
