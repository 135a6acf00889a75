import Foundation
import Testing

/// A source that answers `NO [UNAVAILABLE]` to logins, SELECT/EXAMINE and FETCH at random (the fault proxy
/// in mode `unavailable`, standing in for a throttling server): apply backs off and completes, or stops
/// cleanly and a re-run completes; the number of connections stays small (no error storm).
@Suite("Faults: throttling server (NO [UNAVAILABLE])", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct ThrottlingTests {
    @Test("NO [UNAVAILABLE] at random: the copy completes exactly once without a storm of reconnections")
    func unavailable() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        try servers.addPair(source: "flt-thr-src", target: "flt-thr-tgt", messages: 80, seed: 71)
        let proxy = try FaultProxy(targetPort: servers.sourcePort, mode: "unavailable", seed: 7, rate: 0.3, maxFaults: 4,
                                   certificate: servers.certificate("server.crt"), key: servers.certificate("server.key"))
        let plan = try FaultPlan(sourceVia: proxy, servers: servers, mailboxes: [("flt-thr-src", "flt-thr-tgt")])
        defer { plan.remove() }
        let started = Date()
        let result = try plan.applyUntilDone(limit: 8)
        let seconds = Date().timeIntervalSince(started)
        let faults = proxy.faultsInjected
        let connections = proxy.connections
        #expect(result.runs != nil, "apply did not succeed within 8 runs:\n\(result.log.suffix(3000))")
        #expect(faults > 0, "the proxy refused nothing")
        #expect(connections > 0 && connections <= 40, "\(connections) connections for \(faults) refusals: a reconnection storm")
        // NO [UNAVAILABLE] is throttling: it paces the run and never fails it, during planning or copying.
        #expect(result.runs == 1, "\(result.runs.map(String.init) ?? "-") runs for \(faults) refusals:\n\(result.log.suffix(1500))")
        let source = try servers.snapshot("flt-thr-src", on: .source)
        let target = try servers.snapshot("flt-thr-tgt", on: .target)
        let expected = MailFolderRules().expected(from: source)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        print("Throttling: \(faults) NO [UNAVAILABLE] answers, \(connections) connections, runs \(result.runs.map(String.init) ?? "-"), \(String(format: "%.1f", seconds)) s, target \(target.count)/\(source.count)")
    }
}
