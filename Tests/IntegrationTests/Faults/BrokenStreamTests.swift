import Foundation
import Testing

/// A source that closes the connection right after every third message body it sends (the fault proxy in
/// mode `cut-fetch`): every attempt appends and records what arrived, so one apply copies the whole
/// mailbox, each message exactly once.
@Suite("Faults: a source that breaks every third FETCH response", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct BrokenStreamTests {
    @Test("the connection cut after every third message body: one apply copies all 17 messages exactly once")
    func cutEveryThirdBody() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        try servers.addPair(source: "flt-cut-src", target: "flt-cut-tgt", messages: 17, seed: 31)
        let proxy = try FaultProxy(targetPort: servers.sourcePort, mode: "cut-fetch", seed: 1, maxFaults: 100, every: 3,
                                   certificate: servers.certificate("server.crt"), key: servers.certificate("server.key"))
        let plan = try FaultPlan(sourceVia: proxy, servers: servers, mailboxes: [("flt-cut-src", "flt-cut-tgt")])
        defer { plan.remove() }
        let result = try plan.applyUntilDone(limit: 8)
        let faults = proxy.faultsInjected
        #expect(result.runs == 1, "\(result.runs.map(String.init) ?? "no") successful run in 8:\n\(result.log.suffix(3000))")
        #expect(faults >= 5, "the proxy cut \(faults) streams")
        let source = try servers.snapshot("flt-cut-src", on: .source)
        let target = try servers.snapshot("flt-cut-tgt", on: .target)
        let expected = MailFolderRules().expected(from: source)
        #expect(source.count == 17)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        #expect(target.count == source.count, "\(target.count) of \(source.count) messages")
        print("Cut every third body: \(faults) cuts, runs \(result.runs.map(String.init) ?? "-"), target \(target.count)/\(source.count)")
    }
}
