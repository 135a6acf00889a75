import Foundation
@testable import MailMigCore
import MailMigPlanFile
import MailMigStateSQLite

/// A clock tests set by hand, injected as the engine's `now`.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// Starts at `start`.
    init(_ start: Date = EngineFixtures.start) { current = start }

    /// The time now.
    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Moves the clock forward.
    func advance(_ seconds: TimeInterval) {
        lock.lock()
        current = current.addingTimeInterval(seconds)
        lock.unlock()
    }
}

/// The plan and zone content the engine tests share: acme.test with an MX, an autodiscover CNAME and an
/// apex TXT RRset holding an SPF record next to another verification record.
enum EngineFixtures {
    /// 2026-03-01T12:00:00Z.
    static let start = Date(timeIntervalSince1970: 1_772_366_400)

    static let mx = RRsetKey(domain: "acme.test", owner: "@", type: .MX)
    static let txt = RRsetKey(domain: "acme.test", owner: "@", type: .TXT)
    static let cname = RRsetKey(domain: "acme.test", owner: "autodiscover", type: .CNAME)

    static let oldMX = "10 mx.oldmail.test."
    static let newMX = "10 mx.newmail.test."
    static let oldCNAME = "autodiscover.oldmail.test."
    static let newCNAME = "autodiscover.newmail.test."
    static let oldSPF = "\"v=spf1 include:spf.oldmail.test -all\""
    static let newSPF = "\"v=spf1 include:spf.newmail.test -all\""
    static let otherTXT = "\"google-site-verification=abc123\""
    static let verifyTXT = "\"MS=ms12345678\""

    /// The zone before mailmig touches it.
    static var originalRecords: [RRsetKey: RRsetSnapshot] {
        [
            mx: RRsetSnapshot(ttl: 3600, values: [oldMX]),
            txt: RRsetSnapshot(ttl: 3600, values: [oldSPF, otherTXT]),
            cname: RRsetSnapshot(ttl: 3600, values: [oldCNAME]),
        ]
    }

    /// The plan, with the domain routed to `route`; `records` replaces the cutover records, `extra` is appended.
    static func plan(route: String = "source", records: [String]? = nil, extra: String = "") -> String {
        let cutover = records ?? [
            "{ type: MX, values: [\"10 mx.newmail.test.\"] }",
            "{ name: autodiscover, type: CNAME, values: [\"autodiscover.newmail.test.\"] }",
            "{ type: TXT, match: \"v=spf1\", values: [\"v=spf1 include:spf.newmail.test -all\"] }",
        ]
        return """
            mailmig: 1
            name: engine-test
            source:
              imap: { host: imap.oldmail.test, port: 993, tls: implicit }
              login: { admin: { user: admin, password: env:ENGINE_TEST_SOURCE_PASSWORD }, style: master-user }
            target:
              imap: { host: imap.newmail.test, port: 993, tls: implicit }
              login: { admin: { user: admin, password: env:ENGINE_TEST_TARGET_PASSWORD }, style: master-user }
            dns:
              providers:
                primary:
                  rfc2136:
                    server: 127.0.0.1:5353
                    key: { name: mailmig-key, algorithm: hmac-sha256, secret: file:tsig.key }
            domains:
              - name: acme.test
                dns: primary
                verify: { type: TXT, value: "MS=ms12345678" }
                route: \(route)
                cutover:
                  lower_ttl_to: 300
                  records:
            \(cutover.map { "          - \($0)" }.joined(separator: "\n"))
            \(extra)
            """
    }
}

/// A plan that did not load.
struct InvalidTestPlan: Error, CustomStringConvertible {
    let description: String
}

extension Workspace {
    /// Writes `text` as `mailmig.yaml` into `folder`, loads it, and makes a workspace over it with the
    /// state in `.mailmig/` there; throws `InvalidTestPlan` with the diagnostics when it does not load.
    static func test(_ text: String, in folder: URL, adapters: AdapterRegistry,
                     dnsProviders: [String: any DNSZoneProvider] = [:]) throws -> Workspace {
        let path = folder.appendingPathComponent("mailmig.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = PlanLoader.load(text: text, file: path, baseDirectory: folder, dnsKinds: .rfc2136)
        guard let plan = result.plan else {
            throw InvalidTestPlan(description: result.diagnostics.map { "\($0.location): \($0.message)" }.joined(separator: "\n"))
        }
        return Workspace(plan: plan, planPath: path, planBytes: Array(text.utf8),
                         stateBackend: SQLiteStateBackend(folder: folder.appendingPathComponent(".mailmig")),
                         adapters: adapters, dnsProviders: dnsProviders)
    }
}

/// A temporary plan folder, a fake zone and a clock: everything an engine test needs.
final class EngineHarness: @unchecked Sendable {
    /// The plan's folder (the state goes into `.mailmig/` inside it).
    let folder: URL
    /// The DNS zone the engine changes.
    let zone: FakeZone
    /// The engine's clock.
    let clock: TestClock
    /// How the fake provider writes.
    let capabilities: DNSProviderCapabilities

    /// A fresh folder and a zone holding `records`, behind a provider with `capabilities`.
    init(records: [RRsetKey: RRsetSnapshot] = EngineFixtures.originalRecords,
         capabilities: DNSProviderCapabilities = DNSProviderCapabilities(writes: .compareAndSwap)) throws {
        self.capabilities = capabilities
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        zone = FakeZone(records)
        clock = TestClock()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The plan file's path.
    var planPath: String { folder.appendingPathComponent("mailmig.yaml").path }

    /// The state folder.
    var stateFolder: URL { folder.appendingPathComponent(".mailmig") }

    /// Writes `text` as the plan file and loads it into a workspace using the fake zone.
    func workspace(_ text: String) throws -> Workspace {
        try Workspace.test(text, in: folder, adapters: AdapterRegistry(),
                           dnsProviders: ["primary": FakeDNSProvider(zone: zone, capabilities: capabilities)])
    }

    /// An engine over the plan `text`, the state in the folder and the fake zone, at the clock's time.
    func engine(_ text: String = EngineFixtures.plan()) throws -> Engine {
        let workspace = try workspace(text)
        let clock = clock
        return Engine(workspace: workspace, store: try workspace.openState(), now: { clock.now })
    }

    /// Plans and applies `text`; returns the plan and the report.
    @discardableResult
    func apply(_ text: String = EngineFixtures.plan(), force: Bool = false, parallelism: Int = 1,
               operatorPrompt: (any OperatorPrompt)? = nil) async throws -> (plan: ExecutionPlan, report: ApplyReport) {
        let engine = try engine(text)
        let plan = try await engine.plan(force: force)
        let report = await engine.apply(plan, parallelism: parallelism, operatorPrompt: operatorPrompt)
        return (plan, report)
    }

    /// The recorded state of one RRset.
    func recorded(_ key: RRsetKey) throws -> DNSRecordState? {
        try SQLiteStateStore.open(folder: stateFolder).resource(key.address).map { try $0.decode(DNSRecordState.self) }
    }
}

extension ExecutionPlan {
    /// The DNS change of the step for `key`, if the plan has one.
    func change(for key: RRsetKey) -> DNSChange? {
        for step in steps where step.address == key.address {
            if let change = step.work.dnsChange { return change }
        }
        return nil
    }

    /// The step for `key`, if the plan has one.
    func step(for key: RRsetKey) -> PlannedStep? { steps.first { $0.address == key.address } }
}
