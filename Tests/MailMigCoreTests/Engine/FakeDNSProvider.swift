import Foundation
@testable import MailMigCore
import MailMigAuthoritativeDNS

/// An in-memory zone with real compare-and-swap semantics, standing in for a DNS server.
actor FakeZone {
    /// The RRsets it holds now.
    private(set) var records: [RRsetKey: RRsetSnapshot] = [:]
    /// Writes accepted so far (successful compare-and-swaps that changed something).
    private(set) var acceptedWrites = 0
    /// Write attempts so far, failed ones included.
    private(set) var attempts = 0
    /// Attempt numbers (1-based) that fail with a server error instead of writing.
    private var failingAttempts: Set<Int> = []

    /// Creates a zone holding `records`.
    init(_ records: [RRsetKey: RRsetSnapshot] = [:]) { self.records = records }

    /// The RRset at `key`, or `nil`.
    func get(_ key: RRsetKey) -> RRsetSnapshot? { records[key] }

    /// Changes an RRset behind the engine's back, like an operator with `nsupdate`.
    func set(_ key: RRsetKey, _ snapshot: RRsetSnapshot?) { records[key] = snapshot }

    /// Values someone else writes just after the `attempt`-th write attempt lands.
    private var interlopers: [Int: RRsetSnapshot] = [:]

    /// Makes someone else write `snapshot` to the RRset just after the `attempt`-th write attempt.
    func interfere(atAttempt attempt: Int, with snapshot: RRsetSnapshot) { interlopers[attempt] = snapshot }

    /// Makes the `attempt`-th write attempt (1-based, counted from the zone's creation) fail.
    func failAttempt(_ attempt: Int) { failingAttempts.insert(attempt) }

    /// The compare-and-swap itself; `conditional: false` replaces whatever is there, as an HTTP API does.
    func write(_ change: DNSChange, provider: String, conditional: Bool = true) throws {
        attempts += 1
        if failingAttempts.contains(attempts) {
            throw ProviderError(.server("injected failure of write \(attempts)"), provider: provider, key: change.key)
        }
        guard !conditional || records[change.key] == change.expected else {
            throw ProviderError(.changedSincePlanned(now: records[change.key]), provider: provider, key: change.key)
        }
        records[change.key] = change.desired
        acceptedWrites += 1
        if let interloper = interlopers.removeValue(forKey: attempts) { records[change.key] = interloper }
    }
}

/// A `DNSZoneProvider` over a `FakeZone`; every change is visible at once.
struct FakeDNSProvider: DNSZoneProvider {
    /// The provider's name in the plan.
    let name: String
    /// The zone behind it.
    let zone: FakeZone
    /// How it writes (compare-and-swap unless a test says otherwise).
    let capabilities: DNSProviderCapabilities

    /// Creates a provider named `name` over `zone`.
    init(name: String = "primary", zone: FakeZone, capabilities: DNSProviderCapabilities = DNSProviderCapabilities(writes: .compareAndSwap)) {
        self.name = name
        self.zone = zone
        self.capabilities = capabilities
    }

    func read(_ key: RRsetKey) async throws -> RRsetSnapshot? { await zone.get(key) }

    func write(_ change: DNSChange) async throws {
        precondition(capabilities.writes != .byOperator, "a provider the operator writes to is never asked to write")
        try await zone.write(change, provider: name, conditional: capabilities.writes == .compareAndSwap)
    }

    func waitUntilVisible(_ key: RRsetKey, _ snapshot: RRsetSnapshot?) async throws -> Bool {
        await zone.get(key) == snapshot
    }

    func normalize(_ value: String, type: DNSRecordType) throws(ProviderError) -> String {
        try PresentationFormat().normalize(value, type: type)
    }

    func text(ofTXT value: String) -> String { PresentationFormat().text(ofTXT: value) }
}
