/// The collection store kinds this build speaks, by the plan key of their endpoint (`source.dav`).
///
/// Like `MailStoreRegistry`: the composition root registers one factory per kind, and the mail
/// context asks for the store of each side whose settings name one.
public struct CollectionStoreRegistry: Sendable {
    /// Makes the store of one side; nil when the side's settings describe no store of the factory's kind.
    public typealias Factory = @Sendable (_ side: MailSide, _ server: MailServer, _ context: AdapterContext) -> (any CollectionStore)?

    private var factories: [(kind: String, make: Factory)] = []

    /// An empty registry.
    public init() {}

    /// Registers `factory` for the plan key `kind`; a later registration of the same key replaces it.
    public mutating func register(_ kind: String, _ factory: @escaping Factory) {
        factories.removeAll { $0.kind == kind }
        factories.append((kind, factory))
    }

    /// The store for one side; nil when no registered kind accepts its settings.
    public func store(side: MailSide, server: MailServer, context: AdapterContext) -> (any CollectionStore)? {
        for factory in factories {
            if let store = factory.make(side, server, context) { return store }
        }
        return nil
    }
}
