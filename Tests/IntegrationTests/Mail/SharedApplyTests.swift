import Foundation
import MailMigCore
import Testing

/// `mailmig apply --workers` and `mailmig worker` sharing one apply through the PostgreSQL state,
/// against the test Dovecot pair: every mailbox copied once, by whichever worker claimed it, and a
/// worker killed with SIGKILL mid-copy has its mailboxes taken over without loss or duplicate.
@Suite("Shared apply: workers on one PostgreSQL state", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct SharedApplyTests {
    static let mailboxCount = 6

    /// Source users with a generated corpus each (40 messages over a few folders), their empty target
    /// users, and a plan whose state is a fresh PostgreSQL schema.
    struct Fixture {
        let workspace: MailPlanWorkspace
        let sources: [String]
        let targets: [String]
        let expected: [String: [String: [MailboxSnapshot.Fingerprint]]]

        /// The state is a new schema on the test server, or `postgres`'s.
        init(tag: String, postgres: PostgresTestSchema? = nil) throws {
            let corpus = try MailTestServers.generate(["--mailboxes", "\(SharedApplyTests.mailboxCount)", "--messages", "40", "--seed", "23",
                                                       "--attachments", "0.05", "--attachment-max", "200000"])
            defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
            var sources: [String] = []
            var targets: [String] = []
            var expected: [String: [String: [MailboxSnapshot.Fingerprint]]] = [:]
            for index in 1...SharedApplyTests.mailboxCount {
                let source = MailTestServers.uniqueUser("\(tag)\(index)")
                let target = "\(source)-t"
                try MailTestServers.addUser(source, on: .source)
                try MailTestServers.addUser(target, on: .target)
                try MailTestServers.load(corpus.appendingPathComponent(String(format: "mbox%02d", index)), into: source)
                expected[source] = MailFolderRules().expected(from: try MailTestServers.snapshot(source, on: .source))
                sources.append(source)
                targets.append(target)
            }
            var workspace = try MailPlanWorkspace(mailboxes: zip(sources, targets).map { .init(source: $0, target: $1) })
            workspace.postgres = try postgres ?? PostgresTestSchema()
            workspace.connections = 8
            try workspace.write()
            self.workspace = workspace
            self.sources = sources
            self.targets = targets
            self.expected = expected
        }

        func remove() {
            workspace.remove()
            MailTestServers.removeUsers(sources)
            for target in targets { MailTestServers.removeUser(target, on: .target) }
        }

        /// Starts `mailmig ARGS` in the plan's folder.
        func start(_ arguments: [String], fault: String? = nil, stateURL: String? = nil) throws -> Spawn.Child {
            var environment = try workspace.environment()
            if let fault { environment["MAILMIG_FAULT"] = fault }
            if let stateURL { environment["MAILMIG_PG_URL"] = stateURL }
            return try Spawn.start(MailMigBinary.url.path, arguments, in: workspace.folder, environment: environment)
        }

        /// Every target equals its source (no message lost or doubled), the ledger holds each message
        /// once and nothing is pending.
        /// Waits for a child, killing it when it has not ended within `seconds`, so a worker that
        /// failed to leave fails the test instead of hanging it.
        func finish(_ child: Spawn.Child, within seconds: Double = 240) -> Spawn.Output {
            let deadline = Date().addingTimeInterval(seconds)
            while child.isRunning, Date() < deadline { usleep(50_000) }
            if child.isRunning { child.signal(SIGKILL) }
            return child.wait()
        }

        func checkExact(_ label: String) throws {
            let store = try workspace.state()
            for (source, target) in zip(sources, targets) {
                let snapshot = try MailTestServers.snapshot(target, on: .target)
                #expect(snapshot.multisets == expected[source], "\(label): \(target):\n\(MailboxSnapshot.difference(expected: expected[source] ?? [:], actual: snapshot.multisets))")
                let address = "\(source)@acme.test"
                #expect(try store.pendingCopies(mailbox: address).isEmpty, "\(label): \(address) has pending copies")
                #expect(try store.ledger(mailbox: address).count == snapshot.count, "\(label): \(address) ledger rows")
            }
        }
    }

    @Test("two mailmig worker processes finish one apply: every mailbox copied once, by one of them")
    func twoWorkers() throws {
        let fixture = try Fixture(tag: "shw")
        defer { fixture.remove() }
        let apply = try fixture.start(["apply", "--auto-approve", "--workers", "0", "--lease", "10"])
        let workers = try (0..<2).map { _ in try fixture.start(["worker", "--lease", "10", "--parallelism", "2", "--wait", "60"]) }
        let applied = fixture.finish(apply)
        let finished = workers.map { fixture.finish($0, within: 60) }
        #expect(applied.status == 0, "apply exited \(applied.status):\n\(applied.text)")
        #expect(applied.stdout.contains("Applied \(Self.mailboxCount)/\(Self.mailboxCount): ✓ \(Self.mailboxCount) done"), "\(applied.stdout)")
        var done = 0
        for output in finished {
            #expect(output.status == 0, "worker exited \(output.status):\n\(output.text)")
            if let line = output.stdout.split(separator: "\n").last(where: { $0.hasPrefix("Worker: ") }),
               let count = Int(line.dropFirst("Worker: ".count).prefix { $0.isNumber }) {
                done += count
            }
        }
        #expect(done == Self.mailboxCount, "the workers settled \(done) mailboxes between them")
        try fixture.checkExact("two workers")
        let second = try fixture.workspace.mailmig(["plan"])
        #expect(second.stdout.contains("No changes."), "\(second.stdout)")
    }

    @Test("a worker killed with SIGKILL mid-copy: the other takes its mailboxes over after the lease, 0 lost, 0 duplicated")
    func killedWorker() throws {
        let fixture = try Fixture(tag: "shk")
        defer { fixture.remove() }
        let apply = try fixture.start(["apply", "--auto-approve", "--workers", "0", "--lease", "6"])
        // The doomed worker starts first, so it claims mailboxes; it dies after recording its third chunk as pending.
        let doomed = try fixture.start(["worker", "--lease", "6", "--parallelism", "2", "--wait", "60"], fault: "kill-after:mail-pending:3")
        usleep(1_500_000)
        let survivor = try fixture.start(["worker", "--lease", "6", "--parallelism", "2", "--wait", "60"])
        let died = fixture.finish(doomed)
        let applied = fixture.finish(apply)
        let survived = fixture.finish(survivor, within: 60)
        #expect(died.status == 128 + SIGKILL, "the first worker was to die at its crash point:\n\(died.text)")
        #expect(applied.status == 0, "apply exited \(applied.status):\n\(applied.text)")
        #expect(survived.status == 0, "worker exited \(survived.status):\n\(survived.text)")
        #expect(survived.stdout.contains("taken over from a stopped worker"), "\(survived.stdout)")
        try fixture.checkExact("killed worker")
    }
}
