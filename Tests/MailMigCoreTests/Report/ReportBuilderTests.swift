import Foundation
import Testing
@testable import MailMigCore
import MailMigPlanFile
import MailMigStateSQLite
import TestSupport

@Suite("Report: status and closeout built from the state")
struct ReportBuilderTests {
    @Test("figures per mailbox come from the ledger and the skipped table")
    func mailboxFigures() throws {
        let fixture = try ReportFixture()
        let status = try fixture.builder.status()
        let byName = Dictionary(uniqueKeysWithValues: status.mailboxes.map { ($0.source, $0) })
        let totals = try fixture.store.ledgerTotals()
        for (source, total) in totals {
            #expect(byName[source]?.copied == total.messages)
            #expect(byName[source]?.copiedBytes == total.bytes)
        }
        let alice = try #require(byName["alice@acme.test"])
        #expect(alice.copied == 3 && alice.copiedBytes == 43_500 && alice.sourceMessages == 3 && alice.outcome == .migrated)
        #expect(alice.lastDuration == 12.5 && alice.provisioned && alice.verification?.passed == true)
        let bob = try #require(byName["bob@acme.test"])
        #expect(bob.skipped == 2 && bob.skippedBytes == 40_000_512 && bob.outcome == .migratedWithSkips)
        #expect(bob.skipReasons.map(\.count) == [1, 1])
        #expect(bob.sourceMessages == nil, "no folder counts are recorded for bob: the total is not claimed")
        let carol = try #require(byName["carol@acme.test"])
        #expect(carol.outcome == .failed && carol.error?.contains("OVERQUOTA") == true)
        #expect(byName["dave@acme.test"]?.outcome == .notStarted)
    }

    @Test("batches keep plan order and report the lowest stage once every member passed")
    func batches() throws {
        let status = try ReportFixture().builder.status()
        #expect(status.batches.map(\.name) == ["pilot", "everyone"])
        #expect(status.batches[0].reached == .sync && status.batches[0].goal == .sync)
        #expect(status.batches[1].reached == nil)
        #expect(status.serial > 0 && status.planName == "report-fixture <&>")
    }

    @Test("the domain shows recorded TTLs, a partial cutover and what the cutover gate still waits for")
    func domain() throws {
        let fixture = try ReportFixture()
        let domain = try #require(try fixture.builder.status().domains.first)
        #expect(domain.records.map(\.key) == [ReportFixture.mx, ReportFixture.cname])
        #expect(domain.records.map(\.phase) == [.cutover, .source])
        #expect(!domain.cutOver)
        // The old TTL expired an hour ago, so time no longer holds it back; the batch 'everyone' does.
        #expect(domain.earliestCutover == fixture.now)
        #expect(domain.waitingFor.contains { $0.contains("batch 'everyone'") })
        #expect(domain.records[1].ttlState.contains("lowered from 3600"))
    }

    @Test("a lowering that has not expired gives the expiry as the earliest cutover")
    func earliestFromTTL() throws {
        let fixture = try ReportFixture()
        let early = ReportBuilder(plan: fixture.plan, store: fixture.store, now: fixture.now.addingTimeInterval(-5_000))
        let domain = try #require(try early.status().domains.first)
        #expect(domain.earliestCutover == fixture.now.addingTimeInterval(-7_200 + 3_600))
    }

    @Test("the closeout sums, DNS history and applies")
    func closeout() throws {
        let report = try ReportFixture().builder.closeout()
        #expect(report.summary.messages == 5 && report.summary.bytes == 56_545)
        #expect(report.summary.skippedMessages == 2)
        #expect(report.summary.count(.migrated) == 1 && report.summary.count(.migratedWithSkips) == 1)
        #expect(report.summary.count(.failed) == 1 && report.summary.count(.notStarted) == 1)
        #expect(report.skipped.count == 2)
        #expect(report.failures.map(\.mailbox) == ["carol@acme.test"])
        #expect(report.applies.map(\.status) == ["succeeded", "failed"])
        #expect(report.dnsChanges.count == 5)
        #expect(report.dnsChanges.map(\.change).filter { $0.hasPrefix("TTL lowered to 300s") }.count == 2)
        let last = try #require(report.dnsChanges.last)
        #expect(last.change == "cut over to the target" && last.after.contains("mx.newmail.test"))
        #expect(report.dnsChanges.map(\.serial) == report.dnsChanges.map(\.serial).sorted())
    }

    @Test("the first change of an RRset shows the live RRset it replaced, with its TTL, as before")
    func firstChangeBefore() throws {
        let key = ReportFixture.mx
        let state = DNSRecordState(key: key, provider: "primary", original: RRsetSnapshot(ttl: 60, values: ["10 mx.oldmail.test."]),
                                   applied: RRsetSnapshot(ttl: 30, values: ["10 mx.oldmail.test."]), phase: .source,
                                   lowered: TTLLowering(ttl: 30, fromTTL: 60, at: Date()), cutoverAt: nil)
        let entry = HistoryEntry(serial: 1, address: "domain.acme.test/dns/@/MX", action: "put", before: nil,
                                 after: try StateCoding.encoder.encode(state), kind: DNSRecordState.kind, applyID: "a", at: Date())
        let item = ReportBuilder.dnsChange(entry)
        #expect(item.change == "TTL lowered to 30s (from 60s)")
        #expect(item.before == "ttl 60: 10 mx.oldmail.test.")
        #expect(item.after == "ttl 30: 10 mx.oldmail.test.")
    }

    @Test("mailboxes no batch selects are listed as not migrated, recorded ones under their recorded batch")
    func unbatched() throws {
        let fixture = try ReportFixture()
        let status = try ReportBuilder(plan: fixture.planWithoutEveryone(), store: fixture.store, now: fixture.now).status()
        #expect(status.batches.map(\.name) == ["pilot", ReportBuilder.noBatch, "everyone"])
        #expect(status.batches[1].mailboxes.map(\.source) == ["dave@acme.test"])
        #expect(status.batches[2].goal == nil && status.batches[2].mailboxes.map(\.source) == ["carol@acme.test"])
    }

    @Test("an empty state gives an empty report with every mailbox not started")
    func emptyState() throws {
        let fixture = try ReportFixture()
        let folder = fixture.folder.appendingPathComponent("empty")
        let store = try SQLiteStateStore.open(folder: folder)
        let report = try ReportBuilder(plan: fixture.plan, store: store, now: fixture.now).closeout()
        #expect(report.summary.messages == 0 && report.summary.count(.notStarted) == 4)
        #expect(report.summary.bytesPerSecond == nil)
    }
}
