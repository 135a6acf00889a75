import Foundation

/// A loaded plan file with its state backend and providers: what every engine command starts from.
public struct Workspace: Sendable {
    /// The checked plan.
    public let plan: Plan
    /// The plan file as the user named it.
    public let planPath: String
    /// SHA-256 of the plan file, for saved plans.
    public let planSHA256: String
    /// Where the plan's state lives and how it is locked.
    public let stateBackend: any StateBackend
    /// DNS providers by name.
    public let dnsProviders: [String: any DNSZoneProvider]
    /// Mail connections to both sides.
    public let mail: MailContext

    /// Creates a workspace over a state backend; DNS providers default to the ones the plan declares,
    /// and both mail stores are made by `adapters`.
    public init(plan: Plan, planPath: String, planBytes: [UInt8], stateBackend: any StateBackend, adapters: AdapterRegistry,
                dnsProviders: [String: any DNSZoneProvider]? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.plan = plan
        self.planPath = planPath
        self.planSHA256 = SavedPlan.digest(planBytes)
        self.stateBackend = stateBackend
        let context = AdapterContext(baseDirectory: plan.baseDirectory, environment: environment)
        self.dnsProviders = dnsProviders ?? adapters.dns.providers(for: plan, context: context)
        self.mail = MailContext(plan: plan, registry: adapters.mail, collections: adapters.collections, environment: environment)
    }

    /// Opens the state, creating it on first use.
    public func openState() throws(StateError) -> any StateStore { try stateBackend.open() }

    /// Takes the state lock.
    /// The "state is locked" error names the plan file in its `force-unlock` advice.
    public func lock(operation: String, timeout: Int) throws(StateError) -> any StateLock {
        do {
            return try stateBackend.lock(operation: operation, timeout: timeout)
        } catch .locked(let info, _) {
            throw .locked(info, plan: planPath)
        }
    }
}

/// Which changes an operator limits a run to (`--target`, `--exclude`).
public struct ResourceFilter: Sendable {
    /// Addresses (or prefixes: `domain.acme.test`) to keep; empty keeps all.
    public var targets: [String]
    /// Addresses (or prefixes) to drop.
    public var excludes: [String]

    /// Creates a filter.
    public init(targets: [String] = [], excludes: [String] = []) {
        self.targets = targets
        self.excludes = excludes
    }

    /// Whether the filter does anything.
    public var isActive: Bool { !targets.isEmpty || !excludes.isEmpty }

    /// Whether `address` is kept. A prefix matches at a `/` boundary or whole.
    public func keeps(_ address: String) -> Bool {
        func matches(_ pattern: String) -> Bool {
            address == pattern || address.hasPrefix(pattern + "/") || address.hasPrefix(pattern + ".") && pattern.hasPrefix("mailbox")
        }
        if !targets.isEmpty, !targets.contains(where: matches) { return false }
        return !excludes.contains(where: matches)
    }

    /// The plan without the filtered-out steps, and without dependencies on them.
    public func apply(to plan: ExecutionPlan) -> ExecutionPlan {
        guard isActive else { return plan }
        var result = plan
        result.steps = plan.steps.filter { keeps($0.address) }
        let kept = Set(result.steps.map(\.id))
        for index in result.steps.indices { result.steps[index].dependsOn.removeAll { !kept.contains($0) } }
        result.drift = plan.drift.filter { keeps($0.address) }
        result.blocked = plan.blocked.filter { keeps($0.address) }
        return result
    }
}
