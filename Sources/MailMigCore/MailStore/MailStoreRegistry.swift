/// The mail store kinds this build can read from and write to, by their plan key (`source.<kind>`).
///
/// The engine knows no mail protocol: the composition root registers one factory per kind (IMAP
/// today) and the mail context asks for the store of each side.
public struct MailStoreRegistry: Sendable {
    /// Makes the store of one side from the plan's settings for it; nil when the settings do not
    /// describe a store of the factory's kind.
    public typealias Factory = @Sendable (_ side: MailSide, _ server: MailServer, _ context: AdapterContext) -> (any MailStore)?

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
    public func store(side: MailSide, server: MailServer, context: AdapterContext) -> (any MailStore)? {
        for factory in factories {
            if let store = factory.make(side, server, context) { return store }
        }
        return nil
    }
}
