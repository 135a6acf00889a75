import Foundation
import Testing

/// The built `mailmig` binary with a `manual` DNS provider over BIND's `cutover.test`: mailmig never
/// writes, each apply prints the records to set, and `nsupdate` plays the operator between applies.
///
/// Serialized; the zone is shared with "Engine end to end" (the integration suites run one at a time),
/// and each test restores its records at its start and end.
@Suite("Manual DNS provider end to end", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct ManualProviderTests {
    /// The plan's provider: set by hand, checked at the BIND server.
    static func provider(_ zone: CutoverZone) -> PlanProvider {
        PlanProvider(name: "registrar", yaml: """
                registrar:
                  manual: { check_servers: ["\(zone.server)"] }
            """)
    }

    static let checklistHeading = "Set these records by hand at DNS provider registrar, then run `mailmig apply` again:"
    static let waitingSummary = "Applied 0/3: ✓ 0 done, ⧗ 3 waiting for the operator, ✗ 0 failed, ○ 0 not started"
    static let preparedTXT = ["\"\(CutoverZone.verifyValue)\"", CutoverZone.originalVerification, CutoverZone.originalSPF]
    static let cutoverTXT = ["\"\(CutoverZone.verifyValue)\"", CutoverZone.originalVerification, CutoverZone.newSPF]

    /// Runs `mailmig ARGS` in `folder`.
    func mailmig(_ arguments: [String], in folder: URL) throws -> MailMigBinary.Output {
        try MailMigBinary.run(arguments, in: folder, environment: ["CUTOVER_TEST_PASSWORD": "unused"])
    }

    /// `mailmig ARGS`, which must succeed.
    @discardableResult
    func succeed(_ arguments: [String], in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> MailMigBinary.Output {
        let output = try mailmig(arguments, in: folder)
        #expect(output.status == 0, "mailmig \(arguments.joined(separator: " ")):\n\(output.stdout)\n\(output.stderr)", sourceLocation: sourceLocation)
        return output
    }

    /// BIND's zone restored, and a plan folder naming the manual provider; restored again afterwards.
    func withZone(_ body: (CutoverZone, URL) throws -> Void) throws {
        let zone = try CutoverZone(.bind)
        try zone.restore()
        let folder = try zone.workspace(provider: Self.provider(zone))
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? zone.restore()
        }
        try body(zone, folder)
    }

    /// The lines of `output`, without their indentation.
    func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The lines of `output` from the checklist's heading on: the plan printed before it may show the same records.
    func checklistLines(_ output: String) -> [String] {
        Array(lines(output).drop { $0 != Self.checklistHeading })
    }

    /// `apply` output that waits for the operator: the checklist heading, exactly `records` as lines
    /// to set, and the waiting summary.
    func expectChecklist(_ output: MailMigBinary.Output, _ records: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let all = lines(output.stdout)
        #expect(all.contains(Self.checklistHeading), "\(output.stdout)", sourceLocation: sourceLocation)
        let asked = checklistLines(output.stdout).filter { $0.hasPrefix("cutover.test.  ") || $0.hasPrefix("autodiscover.cutover.test.  ") }
        #expect(asked.sorted() == records.sorted(), "\(output.stdout)", sourceLocation: sourceLocation)
        #expect(all.contains("The next apply reads them at the zone's servers and records them once they match."), sourceLocation: sourceLocation)
        #expect(all.last == Self.waitingSummary, "\(output.stdout)", sourceLocation: sourceLocation)
        #expect(output.stderr.isEmpty, "\(output.stderr)", sourceLocation: sourceLocation)
    }

    /// The checklist lines for the mail records at TTL 300 with `mx`, `cname` and `txt`.
    func checklist(mx: String, cname: String, txt: [String]) -> [String] {
        ["cutover.test.  MX  300  \(mx)", "autodiscover.cutover.test.  CNAME  300  \(cname)"]
            + txt.map { "cutover.test.  TXT  300  \($0)" }
    }

    /// Plays the operator: sets the mail records at TTL 300 as the checklist asks.
    func setByHand(_ zone: CutoverZone, mx: String, cname: String, txt: [String]) throws {
        try zone.set("@", "MX", ttl: 300, values: [mx])
        try zone.set("autodiscover", "CNAME", ttl: 300, values: [cname])
        try zone.set("@", "TXT", ttl: 300, values: txt)
    }

    /// The records as they were before mailmig was run: nothing written by mailmig.
    func expectUntouched(_ zone: CutoverZone, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try zone.dig("@", "MX") == (3600, [CutoverZone.originalMX]), sourceLocation: sourceLocation)
        #expect(try zone.dig("@", "TXT") == (3600, [CutoverZone.originalVerification, CutoverZone.originalSPF].sorted()), sourceLocation: sourceLocation)
        #expect(try zone.dig("autodiscover", "CNAME") == (3600, [CutoverZone.originalCNAME]), sourceLocation: sourceLocation)
    }

    @Test("apply prints a checklist and waits; the operator's records are recorded by the next apply, through cutover and rollback")
    func checklistLifecycle() throws {
        try withZone { zone, folder in
            // Preparation: mailmig asks for the lowered TTLs and the verification record, and writes nothing.
            let plan = try succeed(["plan"], in: folder).stdout
            #expect(plan.contains("lower the TTL from 3600s to 300s ahead of the cutover (set by hand at this provider)"), "\(plan)")
            #expect(plan.contains("Warning: DNS provider registrar is set by hand: "), "\(plan)")
            let first = try succeed(["apply", "--auto-approve"], in: folder)
            let prepared = checklist(mx: CutoverZone.originalMX, cname: CutoverZone.originalCNAME, txt: Self.preparedTXT)
            expectChecklist(first, prepared)
            #expect(lines(first.stdout).contains("(now: ttl 3600: 10 mx.oldmail.test.)"))
            #expect(lines(first.stdout).contains("⧗ change the TTL of cutover.test MX from 3600 to 300:"))
            try expectUntouched(zone)
            #expect(try mailmig(["plan", "--detailed-exitcode"], in: folder).status == 2, "still to do until the operator sets them")

            try setByHand(zone, mx: CutoverZone.originalMX, cname: CutoverZone.originalCNAME, txt: Self.preparedTXT)
            let recorded = try succeed(["apply", "--auto-approve"], in: folder).stdout
            #expect(lines(recorded).filter { $0 == "found the records set by hand as asked: record them in the state" }.count == 3, "\(recorded)")
            #expect(recorded.contains("Applied 3/3: ✓ 3 done, ✗ 0 failed, ○ 0 not started"), "\(recorded)")
            #expect(!recorded.contains(Self.checklistHeading))
            #expect(try succeed(["plan"], in: folder).stdout.contains("No changes."))

            // The cutover: the TTL gate holds it back; with --force mailmig asks for the target's records.
            try zone.write(route: "target", in: folder, provider: Self.provider(zone))
            let held = try succeed(["plan"], in: folder).stdout
            #expect(held.contains("Held back:"), "\(held)")
            #expect(held.contains("waits for the old TTL"), "\(held)")
            let forced = try succeed(["apply", "--auto-approve", "--force"], in: folder)
            expectChecklist(forced, checklist(mx: CutoverZone.newMX, cname: CutoverZone.newCNAME, txt: Self.cutoverTXT))
            #expect(lines(forced.stdout).contains("⧗ replace every MX record of cutover.test with exactly these:"))
            #expect(try zone.dig("@", "MX") == (300, [CutoverZone.originalMX]), "mailmig wrote nothing")

            try setByHand(zone, mx: CutoverZone.newMX, cname: CutoverZone.newCNAME, txt: Self.cutoverTXT)
            let cutOver = try succeed(["apply", "--auto-approve"], in: folder).stdout
            #expect(lines(cutOver).filter { $0 == "found the cutover records set by hand as asked: record them in the state" }.count == 3, "\(cutOver)")
            #expect(cutOver.contains("Applied 3/3"), "\(cutOver)")
            let status = try succeed(["status"], in: folder).stdout
            #expect(status.contains("cutover.test  route in the plan: target, cut over at "), "\(status)")
            #expect(status.contains("cutover.test MX  cutover  ttl 300"), "\(status)")
            #expect(status.contains("autodiscover.cutover.test CNAME  cutover  ttl 300"), "\(status)")
            #expect(try succeed(["plan"], in: folder).stdout.contains("No changes."))

            // The rollback: the records to restore, as a checklist.
            let rollback = try succeed(["rollback", "--auto-approve"], in: folder)
            #expect(rollback.stdout.contains("Rollback to serial "), "\(rollback.stdout)")
            #expect(rollback.stdout.contains("roll back to serial "), "\(rollback.stdout)")
            #expect(rollback.stdout.contains("the plan file still says route: target"), "\(rollback.stdout)")
            expectChecklist(rollback, prepared)
            #expect(try zone.dig("@", "MX") == (300, [CutoverZone.newMX]), "mailmig wrote nothing")

            try setByHand(zone, mx: CutoverZone.originalMX, cname: CutoverZone.originalCNAME, txt: Self.preparedTXT)
            try zone.write(route: "source", in: folder, provider: Self.provider(zone))
            let back = try succeed(["apply", "--auto-approve"], in: folder).stdout
            #expect(lines(back).filter { $0 == "found the records set by hand as asked: record them in the state" }.count == 3, "\(back)")
            #expect(back.contains("Applied 3/3"), "\(back)")
            #expect(try succeed(["plan"], in: folder).stdout.contains("No changes."))
            let after = try succeed(["status"], in: folder).stdout
            #expect(after.contains("cutover.test  route in the plan: source, not cut over"), "\(after)")
            #expect(after.contains("cutover.test MX  source  ttl 300"), "\(after)")
        }
    }

    @Test("records the operator set other than asked show as a change outside mailmig")
    func operatorSetOtherRecords() throws {
        try withZone { zone, folder in
            expectChecklist(try succeed(["apply", "--auto-approve"], in: folder),
                            checklist(mx: CutoverZone.originalMX, cname: CutoverZone.originalCNAME, txt: Self.preparedTXT))

            // Asked for MX 10 mx.oldmail.test. at TTL 300; set something else. TXT and CNAME as asked.
            try setByHand(zone, mx: "20 mx.someone.test.", cname: CutoverZone.originalCNAME, txt: Self.preparedTXT)
            let plan = try succeed(["plan"], in: folder).stdout
            #expect(plan.contains("Changed outside mailmig since the last apply:\n  ~ domain.cutover.test/dns/@/MX\n"), "\(plan)")
            #expect(plan.contains("recorded: ttl 3600: 10 mx.oldmail.test."), "\(plan)")
            #expect(plan.contains("now:      ttl 300: 20 mx.someone.test."), "\(plan)")
            #expect(plan.contains("kept: before the cutover the live records are taken as the source's"), "\(plan)")
            let drifted = plan.components(separatedBy: "Symbols:").first ?? ""
            #expect(!drifted.contains("domain.cutover.test/dns/@/TXT"), "the TXT and CNAME are as asked: \(plan)")
            #expect(!drifted.contains("domain.cutover.test/dns/autodiscover/CNAME"), "\(plan)")

            let apply = try succeed(["apply", "--auto-approve"], in: folder).stdout
            #expect(apply.contains("record the change made outside mailmig in the state"), "\(apply)")
            #expect(apply.contains("Applied 3/3"), "\(apply)")
            #expect(try zone.dig("@", "MX") == (300, ["20 mx.someone.test."]))
            #expect(try succeed(["plan"], in: folder).stdout.contains("No changes."))

            // After a forced cutover's checklist, a record other than asked is shown and asked for again.
            try zone.write(route: "target", in: folder, provider: Self.provider(zone))
            try succeed(["apply", "--auto-approve", "--force"], in: folder)
            try setByHand(zone, mx: "30 mx.third.test.", cname: CutoverZone.newCNAME, txt: Self.cutoverTXT)
            let forcedPlan = try succeed(["plan", "--force"], in: folder).stdout
            #expect(forcedPlan.contains("Changed outside mailmig since the last apply:\n  ~ domain.cutover.test/dns/@/MX\n"), "\(forcedPlan)")
            #expect(forcedPlan.contains("now:      ttl 300: 30 mx.third.test."), "\(forcedPlan)")
            // Not taken as the source's records: what was there before the cutover stays the original.
            #expect(forcedPlan.contains("the plan sets it back"), "\(forcedPlan)")
            #expect(!forcedPlan.contains("kept: before the cutover"), "\(forcedPlan)")
            let again = try succeed(["apply", "--auto-approve", "--force"], in: folder).stdout
            #expect(lines(again).contains(Self.checklistHeading), "\(again)")
            #expect(checklistLines(again).contains("cutover.test.  MX  300  \(CutoverZone.newMX)"), "\(again)")
            #expect(checklistLines(again).contains("(now: ttl 300: 30 mx.third.test.)"), "\(again)")
            #expect(try zone.dig("@", "MX") == (300, ["30 mx.third.test."]), "mailmig wrote nothing")
        }
    }
}
