import Foundation
@testable import MailMigCore

/// A fixed execution plan with drift, a create, an update, a delete, a held-back cutover and a warning,
/// and apply reports over it (one failed part-way, one interrupted), for the golden output tests.
enum RenderFixtures {
    static let mx = RRsetKey(domain: "acme.test", owner: "@", type: .MX)
    static let dmarc = RRsetKey(domain: "acme.test", owner: "_dmarc", type: .TXT)
    static let cname = RRsetKey(domain: "beta.test", owner: "autodiscover", type: .CNAME)

    static let plan = ExecutionPlan(
        steps: [
            PlannedStep(
                id: "dns:\(dmarc.address)", address: dmarc.address, action: .create, reason: "set the records the plan declares",
                work: .dns(DNSChange(key: dmarc, provider: "primary", expected: nil,
                                     desired: RRsetSnapshot(ttl: 300, values: ["\"v=DMARC1; p=none\""]),
                                     original: nil, phase: .source, forget: false)),
                dependsOn: []),
            PlannedStep(
                id: "dns:\(mx.address)", address: mx.address, action: .update, reason: "cut over to the target",
                work: .dns(DNSChange(key: mx, provider: "primary",
                                     expected: RRsetSnapshot(ttl: 3600, values: ["10 mx.oldmail.test.", "20 mx2.oldmail.test."]),
                                     desired: RRsetSnapshot(ttl: 300, values: ["10 mx.newmail.test.", "20 mx2.oldmail.test."]),
                                     original: RRsetSnapshot(ttl: 3600, values: ["10 mx.oldmail.test.", "20 mx2.oldmail.test."]),
                                     phase: .cutover, forget: false)),
                dependsOn: ["dns:\(dmarc.address)"]),
            PlannedStep(
                id: "dns:\(cname.address)", address: cname.address, action: .delete,
                reason: "no longer in the plan: restore the records from before mailmig, then forget it",
                work: .dns(DNSChange(key: cname, provider: "primary",
                                     expected: RRsetSnapshot(ttl: 300, values: ["autodiscover.newmail.test."]),
                                     desired: RRsetSnapshot(ttl: 3600, values: ["autodiscover.oldmail.test."]),
                                     original: RRsetSnapshot(ttl: 3600, values: ["autodiscover.oldmail.test."]),
                                     phase: .source, forget: true)),
                dependsOn: ["dns:\(mx.address)"]),
        ],
        drift: [DriftItem(address: "domain.acme.test/dns/@/TXT", recorded: "ttl 300: \"v=spf1 -all\"",
                          live: "ttl 300: \"v=spf1 a|mx -all\"", resolution: "the plan sets it back")],
        blocked: [BlockedItem(address: "domain.gamma.test",
                              reason: "the cutover of gamma.test waits for the old TTL: gamma.test MX lowered to 300s at 2026-03-01T12:00:00Z; resolvers may keep 3600s answers until 2026-03-01T13:00:00Z",
                              earliest: Date(timeIntervalSince1970: 1_772_370_000))],
        warnings: ["--force: cutting over although batch 'pilot' holds mailboxes of acme.test and has not synced yet; the cutover needs every such batch at sync"])

    /// The plan applied with its second step failed and its third not started.
    static let report: ApplyReport = {
        var report = ApplyReport(
            applyID: "3f2c9a5e-apply",
            entries: [
                ApplyReport.Entry(step: plan.steps[0], outcome: .done(warnings: ["the change of acme.test TXT was accepted but not yet answered by every checked server"])),
                ApplyReport.Entry(step: plan.steps[1], outcome: .failed("DNS provider primary for acme.test MX: the record changed since it was planned: now ttl 60: 10 other.test.; run `mailmig plan` again")),
                ApplyReport.Entry(step: plan.steps[2], outcome: .notStarted),
            ],
            interrupted: false)
        report.throttling = [ServerThrottling(side: .target, server: "outlook.office365.com",
                                              pacing: .init(throttlings: 12, throttledSeconds: 94.2, lowestWindow: 2, window: 8, ceiling: 8))]
        return report
    }()

    /// The plan cancelled after its first step: the step in flight finished, nothing new started.
    static let interrupted = ApplyReport(
        applyID: "3f2c9a5e-interrupted",
        entries: [
            ApplyReport.Entry(step: plan.steps[0], outcome: .done(warnings: [])),
            ApplyReport.Entry(step: plan.steps[1], outcome: .notStarted),
            ApplyReport.Entry(step: plan.steps[2], outcome: .notStarted),
        ],
        interrupted: true)
}
