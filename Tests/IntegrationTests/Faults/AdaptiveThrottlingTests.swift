import Foundation
import Testing

/// A source that throttles as Exchange Online, Gmail or an RFC 5530 server does (the fault proxy's
/// throttle modes, in front of a real Dovecot): one apply completes, every message exactly once, the
/// connections to the source are halved on throttling and grow back after a clean interval (the
/// `mailmig.pacing` lines of the log), and the summary names the throttling server.
@Suite("Faults: throttling answers of Exchange Online, Gmail and RFC 5530", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct AdaptiveThrottlingTests {
    static let mailboxes = (1...5).map { ("flt-aimd-src\($0)", "flt-aimd-tgt\($0)") }

    @Test("throttling never fails a mailbox: one apply copies everything once, the window halves and recovers",
          arguments: ["throttle-exchange", "throttle-gmail", "throttle-code"])
    func adaptive(mode: String) throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        for (index, pair) in Self.mailboxes.enumerated() {
            try servers.addPair(source: pair.0, target: pair.1, messages: 40, seed: 90 + index)
        }
        let proxy = try FaultProxy(targetPort: servers.sourcePort, mode: mode, seed: 11, rate: 0.25, maxFaults: 10,
                                   certificate: servers.certificate("server.crt"), key: servers.certificate("server.key"))
        let ca = servers.certificate("ca.crt")
        var source = FaultPlan.Endpoint(port: proxy.port, tls: "implicit", caFile: ca)
        source.connections = 4
        source.settings = "throttling: { recover_after: 1s, give_up_after: 10m }"
        let target = FaultPlan.Endpoint(port: servers.targetPort, tls: "starttls", caFile: ca)
        let plan = try FaultPlan(source: source, target: target, mailboxes: Self.mailboxes)
        defer { plan.remove() }
        let logFile = plan.folder.appendingPathComponent("apply.log").path

        let started = Date()
        let apply = try plan.mailmig(["apply", "--auto-approve", "--log-file", logFile, "--log-level", "notice"])
        let seconds = Date().timeIntervalSince(started)
        let faults = proxy.faultsInjected
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        #expect(apply.status == 0, "one apply did not complete under throttling:\n\(apply.stdout.suffix(2500))\(apply.stderr.suffix(1500))")
        #expect(faults > 0, "the proxy throttled nothing")
        let pacing = log.split(separator: "\n").filter { $0.contains("source 127.0.0.1: ") && $0.contains("connections") }
        #expect(pacing.contains { $0.contains("throttled, connections 4 → 2") }, "no halving in the log:\n\(pacing.joined(separator: "\n"))")
        #expect(pacing.contains { $0.contains("no throttling lately, connections") }, "the window never grew back:\n\(pacing.joined(separator: "\n"))")
        #expect(apply.stdout.contains("source 127.0.0.1 throttled"), "the summary does not name the throttling server:\n\(apply.stdout.suffix(800))")

        // Multisets, so a message copied twice shows as a difference as surely as one missing.
        for (from, to) in Self.mailboxes {
            let expected = MailFolderRules().expected(from: try servers.snapshot(from, on: .source))
            let copied = try servers.snapshot(to, on: .target)
            #expect(copied.multisets == expected, "\(from): \(MailboxSnapshot.difference(expected: expected, actual: copied.multisets))")
        }
        let window = pacing.map { $0.components(separatedBy: "connections ").last ?? "" }.joined(separator: ", ")
        print("Throttling \(mode): \(faults) answers, \(String(format: "%.1f", seconds)) s; source connections: \(window)")
    }
}
