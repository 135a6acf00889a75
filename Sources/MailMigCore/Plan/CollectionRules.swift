/// Which address books and calendars move (`collections:`), and how.
public struct CollectionRules: Sendable, Hashable, Codable {
    /// Copy address books.
    public var contacts: Bool
    /// Copy calendars of events.
    public var calendars: Bool
    /// Copy calendars that hold only tasks (VTODO).
    public var tasks: Bool
    /// Globs of collections never copied, matched against the collection's name (last path segment)
    /// and its display name: `*` any run of characters, `?` one.
    public var exclude: [String]
    /// Whether ORGANIZER and ATTENDEE addresses of the plan's mailboxes are rewritten to their target
    /// addresses (`rewrite_addresses`, on by default): matters only when addresses change.
    public var rewriteAddresses: Bool
    /// Where the section is in the plan.
    public var location: SourceLocation

    /// Creates the rules.
    public init(contacts: Bool = true, calendars: Bool = true, tasks: Bool = true, exclude: [String] = [], rewriteAddresses: Bool = true,
                location: SourceLocation) {
        self.contacts = contacts
        self.calendars = calendars
        self.tasks = tasks
        self.exclude = exclude
        self.rewriteAddresses = rewriteAddresses
        self.location = location
    }

    /// The kinds to copy.
    public var kinds: [CollectionKind] {
        CollectionKind.allCases.filter { kind in
            switch kind {
            case .contacts: contacts
            case .calendars: calendars
            case .tasks: tasks
            }
        }
    }

    /// Whether `collection` is copied: its kind is chosen and no `exclude` glob matches its name or
    /// display name.
    public func copies(_ collection: ItemCollection) -> Bool {
        guard kinds.contains(collection.kind) else { return false }
        let names = [collection.name] + (collection.displayName.map { [$0] } ?? [])
        return !exclude.contains { pattern in names.contains { Glob.matches(pattern, $0) } }
    }
}

/// Where one side's CalDAV/CardDAV server is (`source.dav`, `target.dav`).
public struct DAVEndpoint: Sendable, Hashable, Codable {
    /// The server's URL (`https://dav.acme.test/`); a path in it is where discovery starts.
    public var url: String
    /// Whether TLS certificates are verified (`tls: verify`, the default) or not (`tls: insecure`).
    public var verifyCertificates: Bool
    /// A CA file to trust instead of the system's roots, relative to the plan's folder.
    public var caFile: String?
    /// The path of a mailbox's principal as a template with mailbox placeholders
    /// (`/principals/{address}/`); nil: found by RFC 6764 discovery.
    public var principalFormat: String?
    /// Where it is in the plan.
    public var location: SourceLocation

    /// Creates an endpoint.
    public init(url: String, verifyCertificates: Bool = true, caFile: String? = nil, principalFormat: String? = nil, location: SourceLocation) {
        self.url = url
        self.verifyCertificates = verifyCertificates
        self.caFile = caFile
        self.principalFormat = principalFormat
        self.location = location
    }
}
