/// Every step kind this build knows, for reading saved plans and journals: a new kind is one line here.
public enum StepKinds {
    /// The kinds, by the name their payload is saved under.
    public static let all: [any StepKind.Type] = [DNSStep.self, ProvisionStep.self, MailPassStep.self, CollectionPassStep.self]
}
