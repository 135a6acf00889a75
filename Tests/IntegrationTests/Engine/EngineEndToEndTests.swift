import Foundation
import Testing

/// The built `mailmig` binary planning, applying and rolling back DNS changes on the real BIND server.
///
/// Serialized, because every test uses the zone `cutover.test`; each starts by restoring its records.
@Suite("Engine end to end", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct EngineEndToEndTests {
    let zone: CutoverZone

    init() throws {
        zone = try CutoverZone()
        try zone.restore()
    }

    /// Runs `mailmig ARGS` in `folder`.
    func mailmig(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> MailMigBinary.Output {
        try MailMigBinary.run(arguments, in: folder, environment: environment.merging(["CUTOVER_TEST_PASSWORD": "unused"]) { $1 })
    }

    /// `mailmig ARGS`, which must succeed.
    @discardableResult
    func succeed(_ arguments: [String], in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> MailMigBinary.Output {
        let output = try mailmig(arguments, in: folder)
        #expect(output.status == 0, "mailmig \(arguments.joined(separator: " ")):\n\(output.stdout)\n\(output.stderr)", sourceLocation: sourceLocation)
        return output
    }

    /// The zone's records after the first apply: original values, TTL lowered, verification TXT added.
    func expectPrepared(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try zone.dig("@", "MX") == (300, [CutoverZone.originalMX]), sourceLocation: sourceLocation)
        #expect(try zone.dig("autodiscover", "CNAME") == (300, [CutoverZone.originalCNAME]), sourceLocation: sourceLocation)
        #expect(try zone.dig("@", "TXT") == (300, ["\"\(CutoverZone.verifyValue)\"", CutoverZone.originalVerification, CutoverZone.originalSPF].sorted()),
                sourceLocation: sourceLocation)
    }

    @Test("apply, no changes, cut over, rollback: dig sees each step")
    func lifecycle() throws {
        let folder = try zone.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try succeed(["apply", "--auto-approve"], in: folder)
        #expect(first.stdout.contains("Applied 3/3: ✓ 3 done, ✗ 0 failed, ○ 0 not started"))
        try expectPrepared()
        #expect(try succeed(["plan"], in: folder).stdout.contains("No changes."))

        try zone.write(route: "target", in: folder)
        let held = try succeed(["plan"], in: folder).stdout
        #expect(held.contains("Held back:"))
        #expect(held.contains("waits for the old TTL"))
        let forced = try succeed(["plan", "--force"], in: folder).stdout
        #expect(forced.contains("~ domain.cutover.test/dns/@/MX"))
        #expect(forced.contains("- \(CutoverZone.originalMX)"))
        #expect(forced.contains("+ \(CutoverZone.newMX)"))
        #expect(forced.contains("Warning: --force: cutting over although"))
        #expect(try succeed(["apply", "--auto-approve", "--force"], in: folder).stdout.contains("Applied 3/3"))

        #expect(try zone.dig("@", "MX") == (300, [CutoverZone.newMX]))
        #expect(try zone.dig("autodiscover", "CNAME") == (300, [CutoverZone.newCNAME]))
        #expect(try zone.dig("@", "TXT").values == ["\"\(CutoverZone.verifyValue)\"", CutoverZone.originalVerification, CutoverZone.newSPF].sorted())
        #expect(try succeed(["plan", "--force"], in: folder).stdout.contains("No changes."))

        let rollback = try succeed(["rollback", "--auto-approve"], in: folder).stdout
        #expect(rollback.contains("Rollback to serial 3:"))
        #expect(rollback.contains("Applied 3/3"))
        #expect(rollback.contains("the plan file still says route: target"))
        try expectPrepared()
    }

    @Test("a change made with nsupdate after the cutover shows as drift; a saved plan then refuses to overwrite a newer one")
    func driftAndSavedPlan() throws {
        let folder = try zone.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try succeed(["apply", "--auto-approve"], in: folder)
        try zone.write(route: "target", in: folder)
        try succeed(["apply", "--auto-approve", "--force"], in: folder)

        try zone.nsupdate(["update delete cutover.test. MX", "update add cutover.test. 300 MX 20 mx.someone.test."])
        let plan = try succeed(["plan", "--force", "-out", "reviewed.json"], in: folder).stdout
        #expect(plan.contains("Changed outside mailmig since the last apply:"))
        #expect(plan.contains("~ domain.cutover.test/dns/@/MX"))
        #expect(plan.contains("now:      ttl 300: 20 mx.someone.test."))
        #expect(plan.contains("the plan sets it back"))
        #expect(plan.contains("Saved the plan to reviewed.json"))
        let stateBefore = try succeed(["state", "show", "domain.cutover.test/dns/@/MX"], in: folder).stdout

        try zone.nsupdate(["update delete cutover.test. MX", "update add cutover.test. 300 MX 30 mx.third.test."])
        let apply = try mailmig(["apply", "reviewed.json"], in: folder)
        #expect(apply.status == 1)
        #expect(apply.stdout.contains("the record changed since it was planned"))
        #expect(apply.stdout.contains("Applied 0/1: ✓ 0 done, ✗ 1 failed, ○ 0 not started"))
        #expect(try zone.dig("@", "MX") == (300, ["30 mx.third.test."]))
        #expect(try succeed(["state", "show", "domain.cutover.test/dns/@/MX"], in: folder).stdout == stateBefore)
        #expect(stateBefore.contains(CutoverZone.newMX))
        let again = try succeed(["plan", "--force"], in: folder).stdout
        #expect(again.contains("now:      ttl 300: 30 mx.third.test."))
    }

    @Test("an apply killed after its second DNS write is finished by the next run")
    func killedApply() throws {
        let folder = try zone.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let killed = try mailmig(["apply", "--auto-approve"], in: folder, environment: ["MAILMIG_FAULT": "kill-after:dns-write:2"])
        #expect(killed.status == SIGKILL, "\(killed.stdout)\n\(killed.stderr)")
        #expect(try zone.dig("@", "MX") == (300, [CutoverZone.originalMX]))
        #expect(try zone.dig("autodiscover", "CNAME") == (3600, [CutoverZone.originalCNAME]))

        let rerun = try succeed(["apply", "--auto-approve"], in: folder)
        #expect(rerun.stderr.contains("recovered domain.cutover.test/dns/@/MX: the interrupted change had reached the server; recorded it"))
        #expect(rerun.stdout.contains("Applied 1/1"))
        try expectPrepared()

        let list = try succeed(["state", "list"], in: folder).stdout
        let lines = list.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").prefix(2).joined(separator: " ") }
        #expect(lines == ["domain.cutover.test/dns/@/MX dns-rrset", "domain.cutover.test/dns/@/TXT dns-rrset",
                          "domain.cutover.test/dns/autodiscover/CNAME dns-rrset"])
        #expect(list.hasPrefix("lineage "))
        #expect(list.contains("serial 3\n"))
        let third = try succeed(["plan"], in: folder)
        #expect(third.stdout.contains("No changes."))
        #expect(!third.stderr.contains("recovered"))
    }

    @Test("a second apply while one runs is refused, naming the first one's pid; the first finishes")
    func concurrentApplies() throws {
        let folder = try zone.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = Process()
        first.executableURL = MailMigBinary.url
        first.arguments = ["apply", "--auto-approve"]
        first.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["CUTOVER_TEST_PASSWORD"] = "unused"
        environment["MAILMIG_FAULT"] = "pause-after:dns-write:1:4"
        first.environment = environment
        let output = Pipe()
        first.standardOutput = output
        first.standardError = output
        first.standardInput = FileHandle.nullDevice
        try first.run()

        // The first write reached the server and the lock names the holder: it is pausing now.
        let lockFile = folder.appendingPathComponent(".mailmig/state.lock").path
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let locked = (try? Data(contentsOf: URL(fileURLWithPath: lockFile)))?.isEmpty == false
            if locked, try zone.dig("@", "TXT").values.contains("\"\(CutoverZone.verifyValue)\"") { break }
            usleep(100_000)
        }
        let second = try mailmig(["apply", "--auto-approve"], in: folder)
        #expect(second.status == 1)
        #expect(second.stderr.contains("state is locked by apply (id "))
        #expect(second.stderr.contains("@"))
        #expect(second.stderr.contains(", pid \(first.processIdentifier), since "))

        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0, "\(text)")
        #expect(text.contains("Applied 3/3"))
        try expectPrepared()
    }

    @Test("plan --json, --detailed-exitcode, state show, history and rm")
    func machineOutputAndState() throws {
        let folder = try zone.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = try succeed(["plan", "--json"], in: folder).stdout
        let objects = try json.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(!objects.isEmpty)
        #expect(objects.allSatisfy { $0["type"] is String && ($0["version"] as? Int) == 1 })
        #expect(objects.filter { $0["type"] as? String == "change" }.compactMap { $0["address"] as? String }
            == ["domain.cutover.test/dns/@/TXT", "domain.cutover.test/dns/@/MX", "domain.cutover.test/dns/autodiscover/CNAME"])
        #expect(objects.last?["type"] as? String == "summary")
        #expect(objects.last?["changes"] as? Bool == true)

        #expect(try mailmig(["plan", "--detailed-exitcode"], in: folder).status == 2)
        try succeed(["apply", "--auto-approve"], in: folder)
        #expect(try mailmig(["plan", "--detailed-exitcode"], in: folder).status == 0)

        let show = try succeed(["state", "show", "domain.cutover.test/dns/@/MX"], in: folder).stdout
        #expect(show.hasPrefix("domain.cutover.test/dns/@/MX (dns-rrset, serial 2)\n"))
        #expect(show.contains("\"phase\" : \"source\""))
        #expect(show.contains(CutoverZone.originalMX))
        let history = try succeed(["state", "history"], in: folder).stdout.split(separator: "\n")
        #expect(history.count == 3)
        #expect(history.first?.hasPrefix("serial 3\t") == true)
        #expect(history.first?.hasSuffix("\tput\tdomain.cutover.test/dns/autodiscover/CNAME") == true)

        let removed = try succeed(["state", "rm", "domain.cutover.test/dns/autodiscover/CNAME"], in: folder).stdout
        #expect(removed == "Removed 1 resource from the state (serial 4).\n")
        #expect(!(try succeed(["state", "list"], in: folder).stdout.contains("autodiscover")))
        let missing = try mailmig(["state", "show", "domain.cutover.test/dns/autodiscover/CNAME"], in: folder)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no resource domain.cutover.test/dns/autodiscover/CNAME in the state"))
        #expect(try zone.dig("autodiscover", "CNAME") == (300, [CutoverZone.originalCNAME]))
    }

    @Test("a wrong TSIG secret fails with BADSIG naming the server, and changes nothing")
    func wrongSecret() throws {
        let folder = try zone.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrong = folder.appendingPathComponent("wrong.key")
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString().write(to: wrong, atomically: true, encoding: .utf8)
        try zone.write(route: "source", in: folder, secretFile: wrong.path)
        let apply = try mailmig(["apply", "--auto-approve"], in: folder)
        #expect(apply.status == 1)
        let all = apply.stdout + apply.stderr
        #expect(all.contains("(BADSIG)"), "\(all)")
        #expect(all.contains("at \(zone.server)"))
        #expect(all.contains("Applied 0/3: ✓ 0 done, ✗ 1 failed, ○ 2 not started"))
        #expect(try zone.dig("@", "MX") == (3600, [CutoverZone.originalMX]))
        #expect(try zone.dig("@", "TXT") == (3600, [CutoverZone.originalVerification, CutoverZone.originalSPF].sorted()))
        #expect(try zone.dig("autodiscover", "CNAME") == (3600, [CutoverZone.originalCNAME]))
        #expect(try succeed(["state", "list"], in: folder).stdout.split(separator: "\n").count == 1)
    }
}
