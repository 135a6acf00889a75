import Foundation
import Testing

/// Mail copied through scripts/faults/proxy.py, which drops connections, stalls, delays and cuts responses
/// inside literals at random (seeded; in front of the target also what mailmig sends, so APPENDs are cut
/// inside their literals): `mailmig apply` retries or stops cleanly, a re-run (at most 8 runs)
/// completes, and the target then holds exactly the source's messages — none lost, none duplicated.
@Suite("Faults: network faults through a TCP proxy", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct NetworkFaultTests {
    /// Proxy modes, each tried in front of the source and in front of the target.
    static let modes = ["drop", "stall", "delay", "cut-literal", "random"]

    @Test("Every mode in front of the source and of the target: re-runs complete, exactly once", arguments: ["source", "target"])
    func throughProxy(side: String) throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        let sourceUser = "flt-net-src"
        try servers.addUser(sourceUser, on: .source)
        let corpus = try Spawn.generate(["--mailboxes", "1", "--messages", "120", "--seed", "21", "--attachments", "0.05",
                                                   "--attachment-max", "300000"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try servers.load(corpus.appendingPathComponent("mbox01"), into: sourceUser)
        let source = try servers.snapshot(sourceUser, on: .source)
        let expected = MailFolderRules().expected(from: source)

        var lines: [String] = []
        var totalFaults = 0
        for (index, mode) in Self.modes.enumerated() {
            let targetUser = "flt-net-\(side)-\(index)"
            try servers.addUser(targetUser, on: .target)
            let proxied: PrivateDovecot.Instance = side == "source" ? .source : .target
            let proxy = try FaultProxy(targetPort: servers.port(proxied), mode: mode, seed: 100 + index,
                                       rate: mode == "cut-literal" ? 0.08 : 0.04, maxFaults: mode == "stall" ? 3 : 6,
                                       bothDirections: side == "target",
                                       certificate: servers.certificate("server.crt"), key: servers.certificate("server.key"))
            let ca = servers.certificate("ca.crt")
            let direct = { (instance: PrivateDovecot.Instance) in FaultPlan.Endpoint(port: servers.port(instance), tls: "starttls", caFile: ca) }
            let viaProxy = FaultPlan.Endpoint(port: proxy.port, tls: "implicit", caFile: ca)
            let plan = try FaultPlan(source: side == "source" ? viaProxy : direct(.source),
                                     target: side == "target" ? viaProxy : direct(.target),
                                     mailboxes: [(sourceUser, targetUser)])
            defer { plan.remove() }
            let result = try plan.applyUntilDone(limit: 8)
            let faults = proxy.faultsInjected
            totalFaults += faults
            #expect(result.runs != nil, "\(side) \(mode): apply did not succeed within 8 runs:\n\(result.log.suffix(3000))")
            let target = try servers.snapshot(targetUser, on: .target)
            let exact = target.multisets == expected
            #expect(exact, "\(side) \(mode):\n\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
            #expect(target.count == source.count, "\(side) \(mode): \(target.count) of \(source.count) messages")
            // An error must be one sentence naming the server, never a crash or a stack trace.
            #expect(!result.log.contains("Fatal error"), "\(side) \(mode): crash:\n\(result.log.suffix(2000))")
            lines.append("\(side) \(mode): \(faults) faults injected, runs \(result.runs.map(String.init) ?? "-"), target \(target.count)/\(source.count) \(exact ? "exact" : "MISMATCH")")
        }
        print("Fault proxy (\(side)): \(lines.count) runs, \(totalFaults) faults injected, source \(source.count) messages\n" + lines.joined(separator: "\n"))
        #expect(totalFaults > 0, "no fault was injected in front of the \(side)")
    }
}
