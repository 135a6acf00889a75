/// What a planned step does: the payload of one `StepKind`, kept behind a box so that plans, the
/// journal and the executor hold any kind without a closed list of cases.
///
/// Encoded as `{"<kind name>": {"_0": payload}}`, the form saved plans and journals have always had.
public struct StepWork: Sendable, Equatable, Codable {
    let box: any StepPayloadBox

    /// The work of a step of kind `kind`.
    public init<Kind: StepKind>(_ kind: Kind.Type, _ payload: Kind.Payload) {
        box = PayloadBox<Kind>(payload: payload)
    }

    /// The kind's name.
    public var kind: String { box.kindName }

    /// The payload, when the step is of kind `kind`.
    public func payload<Kind: StepKind>(of kind: Kind.Type) -> Kind.Payload? {
        (box as? PayloadBox<Kind>)?.payload
    }

    public static func == (left: StepWork, right: StepWork) -> Bool { left.box.isEqual(to: right.box) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NameKey.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a step's work names exactly one kind"))
        }
        guard let kind = StepKinds.all.first(where: { $0.name == key.stringValue }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [key],
                                                    debugDescription: "a step of kind '\(key.stringValue)', which this build does not know"))
        }
        box = try kind.decodeBox(from: container, key: key)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NameKey.self)
        try box.encode(into: &container)
    }

    /// Runs the step.
    func perform(step: PlannedStep, in context: StepContext) async throws -> StepResult {
        try await box.perform(step: step, in: context)
    }

    /// Settles the step after a crash.
    func recover(step: PlannedStep, in context: StepContext) async throws -> StepRecovery {
        try await box.recover(step: step, in: context)
    }

    /// Lines shown under the step.
    public var detail: [String] { box.detail }

    /// Before and after in a few words.
    public var beforeAfter: (before: String, after: String) { box.beforeAfter }

    /// The kind's fields of the JSON line.
    public var jsonFields: [String: any Sendable] { box.jsonFields }

    /// The source mailbox the step works on, if any.
    public var mailbox: String? { box.mailbox }
}

/// A coding key that is any string: the kind's name, and `_0` for its payload.
struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The type-erased payload of one kind.
protocol StepPayloadBox: Sendable {
    var kindName: String { get }
    func isEqual(to other: any StepPayloadBox) -> Bool
    func encode(into container: inout KeyedEncodingContainer<NameKey>) throws
    func perform(step: PlannedStep, in context: StepContext) async throws -> StepResult
    func recover(step: PlannedStep, in context: StepContext) async throws -> StepRecovery
    var detail: [String] { get }
    var beforeAfter: (before: String, after: String) { get }
    var jsonFields: [String: any Sendable] { get }
    var mailbox: String? { get }
}

/// The payload of a step of kind `Kind`, forwarding each operation to the kind.
struct PayloadBox<Kind: StepKind>: StepPayloadBox {
    let payload: Kind.Payload

    var kindName: String { Kind.name }

    func isEqual(to other: any StepPayloadBox) -> Bool { (other as? Self)?.payload == payload }

    func encode(into container: inout KeyedEncodingContainer<NameKey>) throws {
        var inner = container.nestedContainer(keyedBy: NameKey.self, forKey: NameKey(stringValue: Kind.name))
        try inner.encode(payload, forKey: NameKey(stringValue: "_0"))
    }

    func perform(step: PlannedStep, in context: StepContext) async throws -> StepResult {
        try await Kind.perform(payload, step: step, in: context)
    }

    func recover(step: PlannedStep, in context: StepContext) async throws -> StepRecovery {
        try await Kind.recover(payload, step: step, in: context)
    }

    var detail: [String] { Kind.detail(payload) }
    var beforeAfter: (before: String, after: String) { Kind.beforeAfter(payload) }
    var jsonFields: [String: any Sendable] { Kind.jsonFields(payload) }
    var mailbox: String? { Kind.mailbox(payload) }
}

extension StepKind {
    /// Decodes this kind's payload from under `key`.
    static func decodeBox(from container: KeyedDecodingContainer<NameKey>, key: NameKey) throws -> any StepPayloadBox {
        let inner = try container.nestedContainer(keyedBy: NameKey.self, forKey: key)
        return PayloadBox<Self>(payload: try inner.decode(Payload.self, forKey: NameKey(stringValue: "_0")))
    }
}
