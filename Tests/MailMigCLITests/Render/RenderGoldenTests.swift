import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigCLI

/// The exact text of every output format for one fixed plan and apply report.
///
/// When a renderer changes on purpose, update the expected text here in the same commit.
@Suite("Rendering golden outputs")
struct RenderGoldenTests {
    static let human = #"""
        Changed outside mailmig since the last apply:
          ~ domain.acme.test/dns/@/TXT
              recorded: ttl 300: "v=spf1 -all"
              now:      ttl 300: "v=spf1 a|mx -all"
              the plan sets it back

        Symbols: + create, ~ update in place, - destroy (restore what was there before)

          + domain.acme.test/dns/_dmarc/TXT
              set the records the plan declares
              ttl: 300
              + "v=DMARC1; p=none"
          ~ domain.acme.test/dns/@/MX
              cut over to the target
              ttl: 3600 → 300
              - 10 mx.oldmail.test.
              + 10 mx.newmail.test.
                20 mx2.oldmail.test.
          - domain.beta.test/dns/autodiscover/CNAME
              no longer in the plan: restore the records from before mailmig, then forget it
              ttl: 300 → 3600
              - autodiscover.newmail.test.
              + autodiscover.oldmail.test.
              (forgotten by the state afterwards)

        Held back:
          ! domain.gamma.test: the cutover of gamma.test waits for the old TTL: gamma.test MX lowered to 300s at 2026-03-01T12:00:00Z; resolvers may keep 3600s answers until 2026-03-01T13:00:00Z (earliest: 2026-03-01T13:00:00Z)

        Warning: --force: cutting over although batch 'pilot' holds mailboxes of acme.test and has not synced yet; the cutover needs every such batch at sync
        Plan: 1 to add, 1 to change, 1 to destroy.

        """#

    static let markdown = #"""
        ### mailmig plan: acme-to-newmail

        **Changed outside mailmig**

        | resource | recorded | now | resolution |
        |---|---|---|---|
        | `domain.acme.test/dns/@/TXT` | ttl 300: "v=spf1 -all" | ttl 300: "v=spf1 a\|mx -all" | the plan sets it back |

        | | resource | change | before | after |
        |---|---|---|---|---|
        | `+` | `domain.acme.test/dns/_dmarc/TXT` | set the records the plan declares | none | ttl 300: "v=DMARC1; p=none" |
        | `~` | `domain.acme.test/dns/@/MX` | cut over to the target | ttl 3600: 10 mx.oldmail.test., 20 mx2.oldmail.test. | ttl 300: 10 mx.newmail.test., 20 mx2.oldmail.test. |
        | `-` | `domain.beta.test/dns/autodiscover/CNAME` | no longer in the plan: restore the records from before mailmig, then forget it | ttl 300: autodiscover.newmail.test. | ttl 3600: autodiscover.oldmail.test. |

        **Plan: 1 to add, 1 to change, 1 to destroy.**

        **Held back**

        - `domain.gamma.test`: the cutover of gamma.test waits for the old TTL: gamma.test MX lowered to 300s at 2026-03-01T12:00:00Z; resolvers may keep 3600s answers until 2026-03-01T13:00:00Z (earliest: 2026-03-01T13:00:00Z)

        > **Warning:** --force: cutting over although batch 'pilot' holds mailboxes of acme.test and has not synced yet; the cutover needs every such batch at sync

        """#

    static let jsonLines = #"""
        {"address":"domain.acme.test/dns/@/TXT","live":"ttl 300: \"v=spf1 a|mx -all\"","recorded":"ttl 300: \"v=spf1 -all\"","resolution":"the plan sets it back","type":"drift","version":1}
        {"action":"create","address":"domain.acme.test/dns/_dmarc/TXT","after":{"ttl":300,"values":["\"v=DMARC1; p=none\""]},"before":null,"id":"dns:domain.acme.test/dns/_dmarc/TXT","reason":"set the records the plan declares","type":"change","version":1}
        {"action":"update","address":"domain.acme.test/dns/@/MX","after":{"ttl":300,"values":["10 mx.newmail.test.","20 mx2.oldmail.test."]},"before":{"ttl":3600,"values":["10 mx.oldmail.test.","20 mx2.oldmail.test."]},"id":"dns:domain.acme.test/dns/@/MX","reason":"cut over to the target","type":"change","version":1}
        {"action":"delete","address":"domain.beta.test/dns/autodiscover/CNAME","after":{"ttl":3600,"values":["autodiscover.oldmail.test."]},"before":{"ttl":300,"values":["autodiscover.newmail.test."]},"id":"dns:domain.beta.test/dns/autodiscover/CNAME","reason":"no longer in the plan: restore the records from before mailmig, then forget it","type":"change","version":1}
        {"address":"domain.gamma.test","earliest":"2026-03-01T13:00:00Z","reason":"the cutover of gamma.test waits for the old TTL: gamma.test MX lowered to 300s at 2026-03-01T12:00:00Z; resolvers may keep 3600s answers until 2026-03-01T13:00:00Z","type":"blocked","version":1}
        {"message":"--force: cutting over although batch 'pilot' holds mailboxes of acme.test and has not synced yet; the cutover needs every such batch at sync","type":"warning","version":1}
        {"add":1,"change":1,"changes":true,"destroy":1,"type":"summary","version":1}

        """#

    static let applyHuman = #"""
          ! domain.acme.test/dns/_dmarc/TXT: the change of acme.test TXT was accepted but not yet answered by every checked server
        Steps not done:
          ✗ domain.acme.test/dns/@/MX: DNS provider primary for acme.test MX: the record changed since it was planned: now ttl 60: 10 other.test.; run `mailmig plan` again
          ○ domain.beta.test/dns/autodiscover/CNAME: not started
        Applied 1/3: ✓ 1 done, ✗ 1 failed, ○ 1 not started; target outlook.office365.com throttled 12 times, paused 1m 34s at its request, connections 8 → 2 → 8
        Run `mailmig apply` again to resume: done steps are not repeated.

        """#

    static let applyJSONLines = #"""
        {"address":"domain.acme.test/dns/_dmarc/TXT","id":"dns:domain.acme.test/dns/_dmarc/TXT","status":"done","type":"step","version":1,"warnings":["the change of acme.test TXT was accepted but not yet answered by every checked server"]}
        {"address":"domain.acme.test/dns/@/MX","error":"DNS provider primary for acme.test MX: the record changed since it was planned: now ttl 60: 10 other.test.; run `mailmig plan` again","id":"dns:domain.acme.test/dns/@/MX","status":"failed","type":"step","version":1}
        {"address":"domain.beta.test/dns/autodiscover/CNAME","id":"dns:domain.beta.test/dns/autodiscover/CNAME","status":"not_started","type":"step","version":1}
        {"done":1,"exhausted_budgets":[],"failed":1,"id":"3f2c9a5e-apply","interrupted":false,"not_started":1,"skipped_messages":0,"state_failure":null,"succeeded":false,"throttling":[{"connections":8,"connections_now":8,"lowest_connections":2,"server":"outlook.office365.com","side":"target","throttled_seconds":94.2,"throttlings":12}],"total":3,"type":"apply","version":1,"waiting":0}

        """#

    @Test("plan, human, without colour")
    func planHuman() {
        #expect(PlanRenderer.human(RenderFixtures.plan, palette: Palette(enabled: false)) == Self.human)
    }

    @Test("plan, Markdown")
    func planMarkdown() {
        #expect(PlanRenderer.markdown(RenderFixtures.plan, planName: "acme-to-newmail") == Self.markdown)
    }

    @Test("plan, JSON lines")
    func planJSONLines() throws {
        #expect(PlanRenderer.jsonLines(RenderFixtures.plan) == Self.jsonLines)
        for line in Self.jsonLines.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["type"] is String)
            #expect(object["version"] as? Int == JSONLine.version)
        }
    }

    @Test("apply summary, human and JSON lines; an interrupted apply says so first")
    func applySummary() {
        #expect(ApplyRenderer.human(RenderFixtures.report, palette: Palette(enabled: false)) == Self.applyHuman)
        #expect(ApplyRenderer.jsonLines(RenderFixtures.report) == Self.applyJSONLines)
        #expect(ApplyRenderer.human(RenderFixtures.interrupted).hasPrefix("Interrupted: finished the steps in flight, started nothing new.\n"))
    }

    @Test("colour adds escape codes and nothing else")
    func colour() {
        let coloured = PlanRenderer.human(RenderFixtures.plan, palette: Palette(enabled: true))
        #expect(coloured.contains("\u{1B}[32m+\u{1B}[0m"))
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == Self.human)
    }

    @Test("an empty plan says so in every format")
    func emptyPlan() {
        #expect(PlanRenderer.human(.empty) == "No changes. The live systems match the plan.\n")
        #expect(PlanRenderer.markdown(.empty, planName: "p") == "### mailmig plan: p\n\nNo changes.\n")
        #expect(PlanRenderer.jsonLines(.empty) == #"{"add":0,"change":0,"changes":false,"destroy":0,"type":"summary","version":1}"# + "\n")
    }
}
