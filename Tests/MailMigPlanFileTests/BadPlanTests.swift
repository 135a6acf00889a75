import Foundation
import Testing
import MailMigCore
@testable import MailMigPlanFile

/// Each bad plan must give exactly the expected error at the expected position.
@Suite struct BadPlanTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let yaml: String
        let expected: String  // "line:col: message"
        var description: String { name }
    }

    static let header = """
        mailmig: 1
        name: t
        source: { imap: { host: a.test }, login: { admin: { user: a, password: env:A } } }
        target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }

        """

    static let cases: [Case] = [
        Case(name: "unknown top-level key with suggestion", yaml: header + "mailboxs: []\n",
             expected: "5:1: unknown key 'mailboxs' in the plan (did you mean 'mailboxes'?)"),
        Case(name: "wrong format version", yaml: header.replacingOccurrences(of: "mailmig: 1", with: "mailmig: 2"),
             expected: "1:10: this mailmig reads plan format 1; found mailmig: 2. Upgrade mailmig or write mailmig: 1"),
        Case(name: "missing version",
             yaml: String(header.dropFirst("mailmig: 1\n".count)),
             expected: "1:1: the plan must start with the format version: mailmig: 1"),
        Case(name: "bad tls mode", yaml: header.replacingOccurrences(of: "host: a.test }", with: "host: a.test, tls: implict }"),
             expected: "3:38: unknown value 'implict' for source.imap.tls; expected one of implicit, starttls, none (did you mean 'implicit'?)"),
        Case(name: "port out of range", yaml: header.replacingOccurrences(of: "host: b.test }", with: "host: b.test, port: 70000 }"),
             expected: "4:39: target.imap.port must be between 1 and 65535, found 70000"),
        Case(name: "port as string", yaml: header.replacingOccurrences(of: "host: b.test }", with: "host: b.test, port: \"993\" }"),
             expected: "4:39: expected a whole number for target.imap.port, found a string '993'"),
        Case(name: "missing host", yaml: header.replacingOccurrences(of: "{ host: a.test }", with: "{ tls: none }"),
             expected: "3:17: missing value for 'host' in source.imap"),
        Case(name: "provision on source", yaml: header.replacingOccurrences(of: "source: { imap", with: "source: { provision: { create: [x] }, imap"),
             expected: "3:11: provision belongs to the target: mailmig never creates mailboxes on the source"),
        Case(name: "master-user without admin",
             yaml: header.replacingOccurrences(of: "login: { admin: { user: a, password: env:A } } }\ntarget", with: "login: { style: master-user } }\ntarget"),
             expected: "3:42: source.login uses style master-user, which needs an admin login: add admin: { user: …, password: env:… }"),
        Case(name: "unknown placeholder", yaml: header.replacingOccurrences(of: "target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }", with: "target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } }, provision: { create: [mk, \"{targt}\"] } }"),
             expected: "4:109: unknown placeholder '{targt}' in target.provision.create (did you mean '{target}'?)"),
        Case(name: "invalid env name", yaml: header.replacingOccurrences(of: "env:A } } }\ntarget", with: "env:1A } } }\ntarget"),
             expected: "3:72: source.login.admin.password names an invalid environment variable; write env:NAME with letters, digits and _"),
        Case(name: "address without domain", yaml: header + "mailboxes: [alice]\n",
             expected: "5:13: mailboxes[0] must be an address like user@example.com, found 'alice'"),
        Case(name: "mailbox listed twice", yaml: header + "mailboxes:\n  - a@x.test\n  - A@X.test\n",
             expected: "7:5: mailbox A@x.test is listed twice (first at plan.yaml:6:5)"),
        Case(name: "two mailboxes into one target", yaml: header + "mailboxes:\n  - a@x.test\n  - { source: b@x.test, target: a@x.test }\n",
             expected: "7:5: two mailboxes go to the same target a@x.test (the other at plan.yaml:6:5); give each its own target"),
        Case(name: "domain names missing provider",
             yaml: header + "dns: { providers: { p: { rfc2136: { server: 127.0.0.1, key: { name: k, secret: env:K } } } } }\ndomains:\n  - { name: x.test, dns: primray }\n",
             expected: "7:26: domains[0].dns names the DNS provider 'primray', which dns.providers does not define"),
        Case(name: "domain without dns section", yaml: header + "domains:\n  - { name: x.test, dns: primary }\n",
             expected: "6:26: domains[0].dns names the DNS provider 'primary', but the plan has no dns: section"),
        Case(name: "bad MX value", yaml: header + "dns: { providers: { p: { rfc2136: { server: 127.0.0.1, key: { name: k, secret: env:K } } } } }\ndomains:\n  - name: x.test\n    dns: p\n    cutover: { records: [ { type: MX, values: [\"mx.x.test.\"] } ] }\n",
             expected: "9:47: domains[0].cutover.records[0].values[0] is not a valid MX value: expected a preference and a host like \"10 mx.example.com.\", found 'mx.x.test.'"),
        Case(name: "match on a non-TXT record", yaml: header + "dns: { providers: { p: { rfc2136: { server: 127.0.0.1, key: { name: k, secret: env:K } } } } }\ndomains:\n  - name: x.test\n    dns: p\n    cutover: { records: [ { type: MX, match: \"10\", values: [\"10 mx.x.test.\"] } ] }\n",
             expected: "9:39: match: selects TXT records sharing one RRset; it does not apply to MX"),
        Case(name: "CNAME at the apex", yaml: header + "dns: { providers: { p: { rfc2136: { server: 127.0.0.1, key: { name: k, secret: env:K } } } } }\ndomains:\n  - name: x.test\n    dns: p\n    cutover: { records: [ { type: CNAME, values: [\"y.test.\"] } ] }\n",
             expected: "9:27: a CNAME cannot be at the domain's apex (@); it would hide the SOA and NS records"),
        Case(name: "ttl too low", yaml: header + "dns: { providers: { p: { rfc2136: { server: 127.0.0.1, key: { name: k, secret: env:K } } } } }\ndomains:\n  - name: x.test\n    dns: p\n    cutover: { lower_ttl_to: 5, records: [] }\n",
             expected: "9:30: domains[0].cutover.lower_ttl_to must be between 30 seconds and 1 day, found 5s"),
        Case(name: "unknown TSIG algorithm", yaml: header + "dns: { providers: { p: { rfc2136: { server: 127.0.0.1, key: { name: k, algorithm: hmac-md5, secret: env:K } } } } }\n",
             expected: "5:83: unknown TSIG algorithm 'hmac-md5' for dns.providers.p.rfc2136.key.algorithm; expected one of hmac-sha256, hmac-sha512"),
        Case(name: "bad port in server", yaml: header + "dns: { providers: { p: { rfc2136: { server: \"127.0.0.1:99999\", key: { name: k, secret: env:K } } } } }\n",
             expected: "5:45: dns.providers.p.rfc2136.server has an invalid port in '127.0.0.1:99999'; expected a number from 1 to 65535"),
        Case(name: "mailbox in two batches", yaml: header + "mailboxes: [a@x.test]\nbatches:\n  - { name: one, mailboxes: [a@x.test], stage: sync }\n  - { name: two, mailboxes: [a@x.test], stage: sync }\n",
             expected: "8:5: mailbox a@x.test is in batch 'one' and in batch 'two'; a mailbox belongs to one batch"),
        Case(name: "batch names unknown mailbox", yaml: header + "mailboxes: [alice@x.test]\nbatches:\n  - { name: one, mailboxes: [alcie@x.test], stage: sync }\n",
             expected: "7:5: batch 'one' names alcie@x.test, which is not in mailboxes: (did you mean alice@x.test?)"),
        Case(name: "batch with both selections", yaml: header + "batches:\n  - { name: one, mailboxes: [], select: rest, stage: sync }\n",
             expected: "6:33: batches[0] has both mailboxes: and select:; use one of them"),
        Case(name: "bad stage", yaml: header + "batches:\n  - { name: one, select: rest, stage: presnyc }\n",
             expected: "6:39: unknown value 'presnyc' for batches[0].stage; expected one of prepare, presync, sync, final (did you mean 'presync'?)"),
        Case(name: "two rest batches", yaml: header + "batches:\n  - { name: one, select: rest, stage: sync }\n  - { name: two, select: rest, stage: sync }\n",
             expected: "7:5: only one batch may select rest (the other is 'one')"),
        Case(name: "bad duration", yaml: header + "stages: { presync: { older_than: 30 days } }\n",
             expected: "5:34: stages.presync.older_than must be a duration like 30d, 48h, 15m or 1d12h, found a string '30 days'"),
        Case(name: "folder map with empty level", yaml: header + "folders: { map: { \"a//b\": c } }\n",
             expected: "5:19: folder 'a//b' in folders.map is not a valid path: use '/' between levels, no empty levels"),
        Case(name: "list where a mapping is expected", yaml: header + "folders: [a, b]\n",
             expected: "5:10: expected a mapping for folders, found a list"),
        Case(name: "literal secret in per-mailbox login", yaml: header + "mailboxes:\n  - { source: a@x.test, source_login: { password: s3cret } }\n",
             expected: "6:51: mailboxes[0].source_login.password must be a secret reference, not the secret itself: write env:NAME or file:PATH"),
        Case(name: "per-mailbox style without password", yaml: header.replacingOccurrences(of: "login: { admin: { user: a, password: env:A } } }\ntarget", with: "login: { style: per-mailbox } }\ntarget") + "mailboxes: [a@x.test]\n",
             expected: "5:13: mailbox a@x.test has no source password: source.login uses style per-mailbox, so give source.login.password (e.g. file:secrets/{localpart}) or a source_login.password for the mailbox"),
        Case(name: "text after a bracketed address", yaml: header + "dns: { providers: { p: { rfc2136: { server: \"[::1]x\", key: { name: k, secret: env:K } } } } }\n",
             expected: "5:45: dns.providers.p.rfc2136.server must be host or host:port, found '[::1]x'"),
        Case(name: "signed port", yaml: header + "dns: { providers: { p: { rfc2136: { server: \"ns:+53\", key: { name: k, secret: env:K } } } } }\n",
             expected: "5:45: dns.providers.p.rfc2136.server has an invalid port in 'ns:+53'; expected a number from 1 to 65535"),
        Case(name: "throttling recovery of no time", yaml: header.replacingOccurrences(of: "target: { imap: { host: b.test },", with: "target: { throttling: { recover_after: 0s }, imap: { host: b.test },"),
             expected: "4:40: target.throttling.recover_after must be at least 1s: the time without throttling before one more connection is allowed"),
        Case(name: "unknown throttling key", yaml: header.replacingOccurrences(of: "target: { imap: { host: b.test },", with: "target: { throttling: { give_up: 1h }, imap: { host: b.test },"),
             expected: "4:25: unknown key 'give_up' in target.throttling; expected one of: recover_after, give_up_after"),
        Case(name: "signed A octet", yaml: header + "dns: { providers: { p: { rfc2136: { server: 127.0.0.1, key: { name: k, secret: env:K } } } } }\ndomains:\n  - name: x.test\n    dns: p\n    cutover: { records: [ { name: www, type: A, values: [\"+1.2.3.4\"] } ] }\n",
             expected: "9:57: domains[0].cutover.records[0].values[0] is not a valid A value: expected an IPv4 address like 192.0.2.10, found '+1.2.3.4'"),
        Case(name: "bad tag in select", yaml: header + "batches:\n  - { name: one, select: { tags: [\"a b\"] }, stage: sync }\n",
             expected: "6:34: tag 'a b' in batches[0].select.tags may only hold ASCII letters, digits, '-', '_' and '.'"),
        Case(name: "unknown placeholder in a secret reference", yaml: header + "mailboxes:\n  - { source: a@x.test, source_login: { password: \"file:secrets/{localpat}\" } }\n",
             expected: "6:51: unknown placeholder '{localpat}' in mailboxes[0].source_login.password (did you mean '{localpart}'?)"),
    ]

    @Test(arguments: cases)
    func badPlanGivesTheExpectedError(_ testCase: Case) {
        let result = PlanFixtures.load(testCase.yaml)
        #expect(result.plan == nil, "\(testCase.name) should not load")
        let errors = PlanFixtures.errors(result)
        #expect(errors.contains(testCase.expected), "\(testCase.name): got \(errors)")
    }

    @Test func emptyBatchIsAWarning() {
        let result = PlanFixtures.load(Self.header + "mailboxes: [a@x.test]\nbatches:\n  - { name: one, mailboxes: [], stage: sync }\n  - { name: two, select: rest, stage: sync }\n")
        #expect(result.plan != nil)
        #expect(result.warnings.map(\.message) == ["batches[0] lists no mailboxes, so it migrates nothing"])
    }

    @Test func literalSecretIsNeverEchoed() {
        let result = PlanFixtures.load(Self.header.replacingOccurrences(of: "password: env:A } } }\ntarget", with: "password: \"correct horse battery\" } } }\ntarget"))
        #expect(result.plan == nil)
        #expect(!result.diagnostics.map(\.description).joined().contains("correct horse"))
    }
}
