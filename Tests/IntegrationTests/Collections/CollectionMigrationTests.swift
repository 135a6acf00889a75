import Foundation
import MailMigCore
import Testing

/// Contacts, calendars and tasks from one real Radicale to another, with the mail of the same
/// mailboxes between the two Dovecot servers, in one plan.
@Suite("Contacts and calendars: Radicale to Radicale", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct CollectionMigrationTests {
    /// A plan folder whose mailboxes log in with their own password on all four servers.
    struct Workspace {
        let folder: URL
        var pairs: [(source: String, target: String)]
        var collections = "collections: { contacts: true, calendars: true, tasks: true }"

        init(pairs: [(source: String, target: String)]) throws {
            folder = try MailMigBinary.temporaryFolder()
            self.pairs = pairs
            try write()
        }

        func write() throws {
            func side(_ instance: MailTestServers.Instance, dav: DAVTestServers.Instance) throws -> String {
                """
                  imap: { host: \(try MailTestServers.host(instance)), port: \(try MailTestServers.port(instance)), tls: none }
                  dav: { url: "\(try DAVTestServers.url(dav))" }
                  login: { style: per-mailbox, user_format: "{localpart}", password: "env:DAVTESTS_PASSWORD" }
                  connections: 4
                """
            }
            let text = """
                mailmig: 1
                name: dav-integration
                source:
                \(try side(.source, dav: .source))
                target:
                \(try side(.target, dav: .target))
                mailboxes:
                \(pairs.map { "  - { source: \($0.source)@acme.test, target: \($0.target)@acme.test }" }.joined(separator: "\n"))
                \(collections)
                """
            try text.write(to: folder.appendingPathComponent("mailmig.yaml"), atomically: true, encoding: .utf8)
        }

        func mailmig(_ arguments: [String], environment: [String: String] = [:]) throws -> MailMigBinary.Output {
            try MailMigBinary.run(arguments, in: folder, environment: ["DAVTESTS_PASSWORD": MailTestServers.userPassword].merging(environment) { $1 })
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    @Test("5 mailboxes × (2 address books, 3 calendars, a task list), 2,100+ items with mail in one apply: all arrive equal; a re-run changes nothing; source changes arrive; target changes and a refused item are reported")
    func migratesContactsCalendarsAndMail() throws {
        let users = (1...5).map { MailTestServers.uniqueUser("dav\($0)") }
        defer { MailTestServers.removeUsers(users) }
        for user in users { try DAVTestServers.addUser(user) }
        let corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "20", "--seed", "41"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: users[0], only: "INBOX")
        try DAVTestServers.seed(users[0], on: .source, ["--hard-cases", "--malformed"])
        for user in users.dropFirst() { try DAVTestServers.seed(user, on: .source, []) }
        let sources = try users.map { try DAVTestServers.items($0, on: .source) }
        let total = sources.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
        #expect(total >= 2_000, "the corpus holds \(total) items")
        #expect(sources.allSatisfy { $0.count == 6 }, "2 address books, 3 calendars and a task list each")

        let workspace = try Workspace(pairs: users.map { ($0, $0) })
        defer { workspace.remove() }
        let plan = try workspace.mailmig(["plan"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("2 address books, "), "\(plan.stdout)")
        #expect(plan.stdout.contains("+ create 'Contacts', 'Work contacts' on the target") || plan.stdout.contains("+ create 'Work contacts', 'Contacts'"),
                "\(plan.stdout)")

        let started = Date()
        let applied = try workspace.mailmig(["apply", "--auto-approve"])
        let seconds = Date().timeIntervalSince(started)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        // The planted second item with the UID of another is refused (409): reported, the rest go on.
        #expect(applied.stdout.contains("refused by the target: 409"), "\(applied.stdout)")
        let preparation = ItemPreparation(addresses: [:])
        for (index, user) in users.enumerated() {
            let target = try DAVTestServers.items(user, on: .target)
            let differences = DAVTestServers.differences(source: sources[index], target: target, preparation: preparation)
            if index == 0 {
                #expect(differences.count == 1 && differences.first?.hasSuffix(": missing") == true, "only the refused duplicate: \(differences)")
            } else {
                #expect(differences.isEmpty, "\(user): \(differences.prefix(10))")
            }
        }
        let mail = try MailTestServers.snapshot(users[0], on: .target)
        let sourceMail = try MailTestServers.snapshot(users[0], on: .source)
        #expect(mail.count == sourceMail.count && mail.count > 0, "the mail of the same mailbox arrived in the same apply")
        let report = try workspace.mailmig(["report", "--format", "markdown"])
        #expect(report.stdout.contains("## Contacts and calendars"), "\(report.stdout)")
        for user in users {
            for kind in ["contacts", "calendars", "tasks"] { #expect(report.stdout.contains("| \(user)@acme.test | \(kind) |"), "\(user) \(kind)") }
        }
        print("collections: \(total) items of 5 mailboxes copied in \(String(format: "%.1f", seconds)) s (with their mail)")

        let verified = try workspace.mailmig(["verify"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("✓ contacts 'Contacts': "), "\(verified.stdout)")
        #expect(verified.stdout.contains("not copied: ") && verified.stdout.contains("409"), "the refused item is listed, not a failure: \(verified.stdout)")

        // The apply moved the target's tokens past its own stores: a plan asks nothing of a collection
        // whose token has not moved.
        for round in ["first", "second"] {
            let logged = (try DAVTestServers.logSize(.source), try DAVTestServers.logSize(.target))
            let planStarted = Date()
            let again = try workspace.mailmig(["plan"])
            let planSeconds = Date().timeIntervalSince(planStarted)
            #expect(again.stdout.contains("No changes."), "\(again.stdout)")
            let requests = try users.flatMap { user in
                try DAVTestServers.requests(of: user, on: .source, since: logged.0) + DAVTestServers.requests(of: user, on: .target, since: logged.1)
            }
            let reports = requests.filter { $0.hasPrefix("REPORT ") }.count
            #expect(reports == 0, "no collection changed: \(requests.filter { $0.hasPrefix("REPORT ") })")
            print("collections: \(round) no-change plan of \(total) items in \(String(format: "%.2f", planSeconds)) s, "
                  + "\(requests.count) DAV requests (\(reports) sync-collection reports)")
        }

        // Three events changed on the source arrive; one changed on the target is reported and kept.
        try DAVTestServers.seed(users[1], on: .source, ["--change", "3"])
        try DAVTestServers.seed(users[2], on: .target, ["--change", "1"])
        let changed = try workspace.mailmig(["plan"])
        #expect(changed.stdout.contains("3 changed on the source to update"), "\(changed.stdout)")
        #expect(changed.stdout.contains("1 changed on the target to report"), "\(changed.stdout)")
        let targetBefore = try DAVTestServers.items(users[2], on: .target)
        let logged = (try DAVTestServers.logSize(.source), try DAVTestServers.logSize(.target))
        let secondStarted = Date()
        let second = try workspace.mailmig(["apply", "--auto-approve"])
        print("collections: apply of 3 source changes and 1 target change over \(total) items in \(String(format: "%.2f", Date().timeIntervalSince(secondStarted))) s")
        // Radicale offers sync-collection: this pass asks each side what changed (REPORT, Depth 0)
        // instead of listing every item of a collection (PROPFIND, Depth 1, of a collection).
        for (instance, offset) in [(DAVTestServers.Instance.source, logged.0), (.target, logged.1)] {
            let requests = try DAVTestServers.requests(of: users[1], on: instance, since: offset)
            let listings = requests.filter { request in
                let words = request.split(separator: " ")
                return words[0] == "PROPFIND" && words[2] == "1" && words[1].split(separator: "/").count >= 2
            }
            #expect(listings.isEmpty, "\(instance): no collection listed item by item: \(listings)")
            #expect(requests.contains { $0.hasPrefix("REPORT ") && $0.hasSuffix(" 0") }, "\(instance): changes asked for: \(requests)")
        }
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("changed on the target since it was copied"), "\(second.stdout)")
        let updated = DAVTestServers.differences(source: try DAVTestServers.items(users[1], on: .source),
                                                 target: try DAVTestServers.items(users[1], on: .target), preparation: preparation)
        #expect(updated.isEmpty, "\(updated)")
        #expect(try DAVTestServers.items(users[2], on: .target) == targetBefore, "the target's own change is not overwritten")
        let status = try workspace.mailmig(["status"])
        #expect(status.stdout.contains("changed on the target since it was copied"), "\(status.stdout)")
    }

    @Test("5 applies killed with SIGKILL (after pending rows, after stores, at random), re-run until done: no item lost or stored twice")
    func killedAndResumed() throws {
        let source = MailTestServers.uniqueUser("davkill")
        try DAVTestServers.addUser(source, on: [.source])
        defer { MailTestServers.removeUser(source, on: .source) }
        try DAVTestServers.seed(source, on: .source, ["--items-per-collection", "25"])
        let items = try DAVTestServers.items(source, on: .source)
        let count = items.values.reduce(0) { $0 + $1.count }
        var generator = SystemRandomNumberGenerator()
        let kills: [(name: String, fault: String?, after: Double?)] = [
            ("after the 2nd pending chunk", "kill-after:item-pending:2", nil),
            ("after the 1st store", "kill-after:item-store:1", nil),
            ("after the 17th store", "kill-after:item-store:17", nil),
            ("after the 60th store", "kill-after:item-store:60", nil),
            ("at random", nil, Double.random(in: 0.4...1.5, using: &generator)),
        ]
        var outcomes: [String] = []
        for (index, kill) in kills.enumerated() {
            let target = MailTestServers.uniqueUser("davkill\(index)")
            try DAVTestServers.addUser(target, on: [.target])
            defer { MailTestServers.removeUser(target, on: .target) }
            let workspace = try Workspace(pairs: [(source, target)])
            defer { workspace.remove() }
            var killed = false
            let environment = ["DAVTESTS_PASSWORD": MailTestServers.userPassword, "NO_COLOR": "1"]
            if let fault = kill.fault {
                let first = try workspace.mailmig(["apply", "--auto-approve"], environment: ["MAILMIG_FAULT": fault])
                killed = first.status == SIGKILL
            } else if let after = kill.after {
                let child = try Spawn.start(MailMigBinary.url.path, ["apply", "--auto-approve"], in: workspace.folder, environment: environment)
                Thread.sleep(forTimeInterval: after)
                killed = child.isRunning
                child.signal(SIGKILL)
                child.wait()
            }
            var runs = 0
            var done = false
            while runs < 5, !done {
                runs += 1
                let run = try workspace.mailmig(["apply", "--auto-approve"])
                done = run.status == 0
            }
            #expect(done, "trial \(index) (\(kill.name)): apply did not succeed within 5 runs")
            let copies = try DAVTestServers.items(target, on: .target)
            // The source mailbox's own address in ORGANIZER and ATTENDEE becomes the target mailbox's.
            let preparation = ItemPreparation(addresses: ["\(source)@acme.test": "\(target)@acme.test"])
            let differences = DAVTestServers.differences(source: items, target: copies, preparation: preparation)
            #expect(differences.isEmpty, "trial \(index) (\(kill.name)): \(differences.prefix(10))")
            #expect(try workspace.mailmig(["plan"]).stdout.contains("No changes."), "trial \(index): work left after recovery")
            let stored = copies.values.reduce(0) { $0 + $1.count }
            outcomes.append("trial \(index + 1): killed \(kill.name): \(killed), runs: \(runs), \(stored)/\(count) items, \(differences.isEmpty ? "exact" : "MISMATCH")")
            if kill.fault != nil { #expect(killed, "trial \(index) (\(kill.name)): the crash point was never reached") }
        }
        print("collection SIGKILL trials: \(outcomes.count); source \(count) items")
        for line in outcomes { print("  " + line) }
    }
}
