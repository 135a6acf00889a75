import Foundation
import Testing

/// What a person sees on the console: no log lines unless asked, a live progress display on a
/// terminal, one clear sentence for a refusal, help in migration order and completion scripts.
@Suite("Console output", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct ConsoleOutputTests {
    /// A swift-log line as the default handler or mailmig's router prints it: timestamp, then level.
    static var logLine: Regex<AnyRegexOutput> { try! Regex(#"(?m)^\d{4}-\d{2}-\d{2}T\S+ (trace|debug|info|notice|warning|error|critical) "#) }

    /// A source user with a small generated corpus, an empty target user and a plan between them.
    struct Migration {
        let user: String
        let corpus: URL
        let workspace: MailPlanWorkspace

        init(_ base: String, messages: Int) throws {
            user = MailTestServers.uniqueUser(base)
            try MailTestServers.addUser(user, on: .source)
            try MailTestServers.addUser(user, on: .target)
            corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "\(messages)", "--seed", "12", "--attachments", "0.02",
                                                   "--attachment-max", "200000"])
            try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
            workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)])
        }

        func cleanUp() {
            workspace.remove()
            try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent())
            MailTestServers.removeUsers([user])
        }
    }

    @Test("plan, apply, verify and status print no log line on a healthy run; MAILMIG_LOG=debug prints them on stderr")
    func quietConsole() throws {
        let migration = try Migration("quiet", messages: 40)
        defer { migration.cleanUp() }
        for arguments in [["plan"], ["apply", "--auto-approve"], ["verify"], ["status"], ["plan"]] {
            let output = try migration.workspace.mailmig(arguments)
            #expect(output.status == 0, "\(arguments): \(output.stdout)\(output.stderr)")
            #expect(!output.stderr.contains(Self.logLine), "\(arguments) logged to stderr: \(output.stderr)")
            #expect(!output.stdout.contains(Self.logLine), "\(arguments) logged to stdout: \(output.stdout)")
            #expect(output.stderr.isEmpty, "\(arguments) wrote to stderr on a healthy run: \(output.stderr)")
        }
        var environment = try migration.workspace.environment()
        environment["MAILMIG_LOG"] = "debug"
        for arguments in [["verify"], ["status"]] {
            let output = try MailMigBinary.run(arguments, in: migration.workspace.folder, environment: environment)
            #expect(output.status == 0)
            #expect(output.stderr.contains(Self.logLine), "\(arguments) with MAILMIG_LOG=debug logs: \(output.stderr)")
        }
        let logged = try MailMigBinary.run(["plan"], in: migration.workspace.folder, environment: environment)
        #expect(logged.status == 0)
        #expect(logged.stderr.contains(Self.logLine), "MAILMIG_LOG=debug gives log lines: \(logged.stderr)")
        #expect(logged.stderr.contains(" info mailmig: No changes") || logged.stderr.contains(" info mailmig: Plan:"), "\(logged.stderr)")
        #expect(!logged.stdout.contains(Self.logLine), "log lines never mix into standard output: \(logged.stdout)")
        environment["MAILMIG_LOG"] = "loud"
        let unknown = try MailMigBinary.run(["plan"], in: migration.workspace.folder, environment: environment)
        #expect(unknown.status == 0, "an unknown level never stops a command")
        #expect(unknown.stderr.contains("MAILMIG_LOG=loud is not a log level"), "\(unknown.stderr)")
    }

    @Test("on a terminal, apply redraws a progress display (bar, rate, ETA, mailbox line) in place and ends with the summary")
    func liveProgressInPseudoTerminal() throws {
        let migration = try Migration("live", messages: 300)
        defer { migration.cleanUp() }
        let columns = 60
        var environment = ProcessInfo.processInfo.environment.merging(try migration.workspace.environment()) { $1 }
        environment["TERM"] = "xterm-256color"
        environment.removeValue(forKey: "NO_COLOR")
        let command = "stty cols \(columns) rows 20; exec '\(MailMigBinary.url.path)' apply --auto-approve"
        let output = try Self.runInPseudoTerminal(command, in: migration.workspace.folder, environment: environment)
        #expect(output.status == 0, "\(output.text)")
        let text = output.text
        #expect(text.contains(try Regex(#"\[[= ]{10,}\]"#)), "a bar: \(text.suffix(3000))")
        #expect(text.contains("ETA"), "an estimate of the time left")
        #expect(text.contains("msg/s"), "a rate")
        #expect(text.contains("\u{1B}[1A\u{1B}[2K"), "frames are erased in place (cursor up, erase line)")
        #expect(text.contains("\(migration.user)@acme.test") && text.contains("sync"), "one line per mailbox in flight with its stage")
        let lastFrame = try #require(text.range(of: "ETA", options: .backwards))
        let summary = try #require(text.range(of: "Applied 1/1", options: .backwards))
        #expect(lastFrame.upperBound < summary.lowerBound, "the summary comes after the last frame")
        #expect(text.contains(" messages (") && text.contains("copied in"), "the copy summary")
        // Every line of the display fits the window: nothing wraps, so erasing stays exact.
        let plain = Self.stripEscapes(text)
        for line in plain.split(whereSeparator: \.isNewline) where line.contains("ETA") || line.hasPrefix("    \(migration.user)") {
            #expect(line.count < columns, "frame line wider than the window: \(line)")
        }
    }

    @Test("without a terminal, apply prints plain lines and nothing that redraws")
    func plainProgressWithoutTerminal() throws {
        let migration = try Migration("plain", messages: 30)
        defer { migration.cleanUp() }
        let output = try migration.workspace.apply()
        #expect(!output.stdout.contains("\u{1B}["), "no escape codes in a pipe: \(output.stdout)")
        #expect(!output.stdout.contains("ETA"))
        #expect(output.stdout.contains("Applied 1/1"))
    }

    @Test("apply without a terminal and without --auto-approve refuses in one sentence and exits 1")
    func refusalIsOneSentence() throws {
        let migration = try Migration("refuse", messages: 5)
        defer { migration.cleanUp() }
        let output = try migration.workspace.mailmig(["apply"])
        #expect(output.status == 1)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(output.stderr)")
        #expect(lines.first?.hasPrefix("Error: apply needs a confirmation, and standard input is not a terminal") == true, "\(output.stderr)")
        #expect(!output.stderr.contains("failure"))
    }

    @Test("apply --json never applies without --auto-approve: it prints no plan to confirm")
    func jsonNeedsApproval() throws {
        let migration = try Migration("json", messages: 5)
        defer { migration.cleanUp() }
        let output = try migration.workspace.mailmig(["apply", "--json"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("apply --json prints no plan to confirm"), "\(output.stderr)")
        #expect(try MailTestServers.snapshot(migration.user, on: .target).folders.values.allSatisfy { $0.messages.isEmpty }, "nothing copied")
        let approved = try migration.workspace.mailmig(["apply", "--json", "--auto-approve"])
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
    }

    /// Runs `command` through `sh` inside a pseudo-terminal made by `script(1)`; its whole output.
    static func runInPseudoTerminal(_ command: String, in folder: URL, environment: [String: String]) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", command, "/dev/null"]
        process.currentDirectoryURL = folder
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `text` without ANSI escape sequences.
    static func stripEscapes(_ text: String) -> String {
        text.replacing(try! Regex(#"\u{1B}\[[0-9;?]*[A-Za-z]"#), with: "")
    }
}

/// `mailmig --help` and `mailmig completions`, which need no server.
@Suite struct HelpAndCompletionTests {
    @Test("--help lists the subcommands in the order a migration uses them, then state and tools")
    func helpOrder() throws {
        let output = try MailMigBinary.run(["--help"])
        #expect(output.status == 0)
        let order = ["init", "validate", "discover", "plan", "apply", "verify", "status", "report", "rollback",
                     "state", "force-unlock", "schema", "completions"]
        let positions = try order.map { name -> String.Index in
            let found = output.stdout.range(of: "\n  \(name) ")
            return try #require(found, "\(name) in \(output.stdout)").lowerBound
        }
        #expect(positions == positions.sorted(), "\(output.stdout)")
    }

    @Test("the manual page in docs/man names every subcommand (regenerate it with scripts/generate-man.sh)")
    func manualPage() throws {
        let page = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("docs/man/mailmig.1"), encoding: .utf8)
        let help = try MailMigBinary.run(["--help"]).stdout
        let names = help.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first else { return nil }
            return word.first?.isLetter == true && word.allSatisfy({ $0.isLowercase || $0 == "-" }) ? String(word) : nil
        }
        #expect(names.count >= 13, "\(help)")
        for name in names where name != "help" {
            #expect(page.contains(name), "docs/man/mailmig.1 lacks \(name): run scripts/generate-man.sh")
        }
    }

    @Test("completions bash, zsh and fish print scripts; another shell is refused by name")
    func completions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let output = try MailMigBinary.run(["completions", shell])
            #expect(output.status == 0, "\(shell): \(output.stderr)")
            #expect(output.stdout.contains("mailmig") && output.stdout.contains("apply"), "\(shell): \(output.stdout.prefix(400))")
        }
        let unknown = try MailMigBinary.run(["completions", "tcsh"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown shell 'tcsh'"), "\(unknown.stderr)")
    }
}
