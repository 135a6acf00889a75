/// The store kinds this build speaks for one seam, by their plan key (`source.<kind>`): mail stores
/// (`MailStoreRegistry`) and contact and calendar stores (`CollectionStoreRegistry`).
///
/// The engine knows no protocol: the composition root registers one factory per kind (IMAP, POP3,
/// Maildir; DAV) and the mail context asks for the store of each side.
public struct StoreRegistry<Store: Sendable>: Sendable {
    /// Makes the store of one side from the plan's settings for it; nil when the settings do not
    /// describe a store of the factory's kind.
    public typealias Factory = @Sendable (_ side: MailSide, _ server: MailServer, _ context: AdapterContext) -> Store?

    private var factories: [(kind: String, make: Factory)] = []

    /// An empty registry.
    public init() {}

    /// Registers `factory` for the plan key `kind`; a later registration of the same key replaces it.
    public mutating func register(_ kind: String, _ factory: @escaping Factory) {
        factories.removeAll { $0.kind == kind }
        factories.append((kind, factory))
    }

    /// The plan keys registered, in registration order.
    public var kinds: [String] { factories.map(\.kind) }

    /// The store for one side: the first registered kind whose factory accepts the settings; nil when none does.
    public func store(side: MailSide, server: MailServer, context: AdapterContext) -> Store? {
        for factory in factories {
            if let store = factory.make(side, server, context) { return store }
        }
        return nil
    }
}

/// The mail store kinds: `imap`, `pop3`, `maildir`.
public typealias MailStoreRegistry = StoreRegistry<any MailStore>

/// The contact and calendar store kinds: `dav`.
public typealias CollectionStoreRegistry = StoreRegistry<any CollectionStore>
