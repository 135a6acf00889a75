import Foundation

/// Plan, apply and rollback over one workspace: the operations behind the CLI's commands.
public struct Engine: Sendable {
    /// The workspace.
    public let workspace: Workspace
    /// The state.
    public let store: StateStore
    let now: @Sendable () -> Date

    /// Creates an engine over an open state.
    public init(workspace: Workspace, store: StateStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.workspace = workspace
        self.store = store
        self.now = now
    }

    /// Settles steps a killed apply left pending; call under the lock.
    public func recover() async throws -> [String] {
        try await Recovery(store: store, dnsProviders: workspace.dnsProviders, now: now).run()
    }

    /// Reads the live records and compares them with the plan and the state.
    public func plan(force: Bool = false, filter: ResourceFilter = ResourceFilter()) async throws -> ExecutionPlan {
        let recorded = try recordedDNS()
        var keys: [RRsetKey: String] = [:]
        for domain in workspace.plan.domains {
            for key in DNSPlanner.managedKeys(of: domain) { keys[key] = domain.dnsProvider }
        }
        for state in recorded.values where keys[state.key] == nil { keys[state.key] = state.provider }
        var live: [RRsetKey: RRsetSnapshot?] = [:]
        for (key, providerName) in keys.sorted(by: { $0.key < $1.key }) {
            guard let provider = workspace.dnsProviders[providerName] else {
                throw ProviderError(.server("the plan defines no DNS provider named \(providerName)"), provider: providerName, key: key)
            }
            live[key] = .some(try await provider.read(key))
        }
        let planner = DNSPlanner(plan: workspace.plan, recorded: recorded, live: live, facts: try gateFacts(), now: now(), force: force)
        var result = filter.apply(to: try planner.makePlan())
        if filter.isActive {
            result.warnings.append("only part of the plan is considered (--target/--exclude); the state may not match the plan afterwards")
        }
        return result
    }

    /// Runs a plan's steps.
    public func apply(_ plan: ExecutionPlan, operation: String = "apply", parallelism: Int = 4,
                      cancellation: CancellationFlag = CancellationFlag(), observer: (any ExecutionObserver)? = nil) async -> ApplyReport {
        let executor = Executor(store: store, dnsProviders: workspace.dnsProviders, cancellation: cancellation,
                                parallelism: parallelism, now: now)
        return await executor.run(plan, applyID: UUID().uuidString.lowercased(), operation: operation, observer: observer)
    }

    /// The recorded DNS RRsets by address.
    public func recordedDNS() throws -> [String: DNSRecordState] {
        var result: [String: DNSRecordState] = [:]
        for record in try store.resources() where record.kind == DNSRecordState.kind {
            result[record.address] = try record.decode(DNSRecordState.self)
        }
        return result
    }

    /// What the mail side has recorded about batches and verification.
    func gateFacts() throws -> CutoverGateFacts {
        var facts = CutoverGateFacts()
        for record in try store.resources(prefix: "batch.") {
            if let progress = try? record.decode(BatchProgress.self) { facts.batchStages[progress.name] = progress.reached }
        }
        if let record = try store.resource("verification"), let result = try? record.decode(VerificationSummary.self) {
            facts.failedVerification = Set(result.failedDomains)
        }
        return facts
    }
}

/// How far a batch has got (resource `batch.NAME`), written by mail passes.
public struct BatchProgress: Sendable, Codable, Equatable {
    /// The batch.
    public var name: String
    /// The last stage completed for every mailbox of the batch.
    public var reached: Stage
    /// When it was reached.
    public var at: Date

    /// The state address of a batch.
    public static func address(_ name: String) -> String { "batch.\(name)" }
    /// The kind name in the state.
    public static let kind = "batch"
}

/// The outcome of the last `mailmig verify` (resource `verification`).
public struct VerificationSummary: Sendable, Codable, Equatable {
    /// When it ran.
    public var at: Date
    /// Domains with at least one mailbox that did not verify.
    public var failedDomains: [String]
}
