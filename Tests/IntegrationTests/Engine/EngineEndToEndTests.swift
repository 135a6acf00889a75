import Foundation
import Testing

/// The built `mailmig` binary planning, applying and rolling back DNS changes on the real DNS servers:
/// each shared test runs against BIND 9 (rfc2136 provider) and PowerDNS (powerdns provider), which
/// serve `cutover.test` with the same records and must end up with the same records.
///
/// Serialized, because every test uses the zone `cutover.test`; each starts and ends by restoring its records.
@Suite("Engine end to end", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct EngineEndToEndTests {
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

    /// The backend's zone with its records restored, and a fresh plan folder for it; `body` runs in
    /// it, and the folder is removed and the records restored afterwards.
    func withZone(_ backend: CutoverBackend, _ body: (CutoverZone, URL) throws -> Void) throws {
        let zone = try CutoverZone(backend)
        try zone.restore()
        let folder = try zone.workspace()
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? zone.restore()
        }
        try body(zone, folder)
    }

    /// The zone's records after the first apply: original values, TTL lowered, verification TXT added.
    func expectPrepared(_ zone: CutoverZone, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try zone.dig("@", "MX") == (300, [CutoverZone.originalMX]), sourceLocation: sourceLocation)
        #expect(try zone.dig("autodiscover", "CNAME") == (300, [CutoverZone.originalCNAME]), sourceLocation: sourceLocation)
        #expect(try zone.dig("@", "TXT") == (300, ["\"\(CutoverZone.verifyValue)\"", CutoverZone.originalVerification, CutoverZone.originalSPF].sorted()),
                sourceLocation: sourceLocation)
    }

    /// The zone's records as the test-environment script creates them: nothing changed.
    func expectPristine(_ zone: CutoverZone, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try zone.dig("@", "MX") == (3600, [CutoverZone.originalMX]), sourceLocation: sourceLocation)
        #expect(try zone.dig("@", "TXT") == (3600, [CutoverZone.originalVerification, CutoverZone.originalSPF].sorted()), sourceLocation: sourceLocation)
        #expect(try zone.dig("autodiscover", "CNAME") == (3600, [CutoverZone.originalCNAME]), sourceLocation: sourceLocation)
    }

    /// What `plan` says about a provider that writes without a precondition: every DNS step and one warning.
    func expectAtomicity(_ output: String, _ backend: CutoverBackend, sourceLocation: SourceLocation = #_sourceLocation) {
        let warning = "Warning: DNS provider pdns cannot replace an RRset only if it is unchanged: "
        switch backend {
        case .bind:
            #expect(!output.contains("(not atomic at this provider)"), sourceLocation: sourceLocation)
            #expect(!output.contains("cannot replace an RRset only if it is unchanged"), sourceLocation: sourceLocation)
        case .powerDNS:
            #expect(output.contains("lower the TTL from 3600s to 300s ahead of the cutover (not atomic at this provider)"), "\(output)", sourceLocation: sourceLocation)
            #expect(output.contains("add the domain verification record (not atomic at this provider)"), "\(output)", sourceLocation: sourceLocation)
            #expect(output.split(separator: "\n").filter { $0.hasPrefix(warning) }.count == 1, "\(output)", sourceLocation: sourceLocation)
        }
    }

    @Test("apply, no changes, cut over, rollback: dig sees each step", arguments: CutoverBackend.allCases)
    func lifecycle(_ backend: CutoverBackend) throws {
        try withZone(backend) { zone, folder in
            let first = try succeed(["apply", "--auto-approve"], in: folder)
            #expect(first.stdout.contains("Applied 3/3: ✓ 3 done, ✗ 0 failed, ○ 0 not started"))
            expectAtomicity(first.stdout, backend)
            try expectPrepared(zone)
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
            #expect(forced.contains("cut over to the target (not atomic at this provider)") == (backend == .powerDNS), "\(forced)")
            #expect(try succeed(["apply", "--auto-approve", "--force"], in: folder).stdout.contains("Applied 3/3"))

            #expect(try zone.dig("@", "MX") == (300, [CutoverZone.newMX]))
            #expect(try zone.dig("autodiscover", "CNAME") == (300, [CutoverZone.newCNAME]))
            #expect(try zone.dig("@", "TXT").values == ["\"\(CutoverZone.verifyValue)\"", CutoverZone.originalVerification, CutoverZone.newSPF].sorted())
            #expect(try succeed(["plan", "--force"], in: folder).stdout.contains("No changes."))

            let rollback = try succeed(["rollback", "--auto-approve"], in: folder).stdout
            #expect(rollback.contains("Rollback to serial 3:"))
            #expect(rollback.contains("Applied 3/3"))
            #expect(rollback.contains("the plan file still says route: target"))
            try expectPrepared(zone)
        }
    }

    @Test("a change made by hand after the cutover shows as drift; a saved plan then refuses to overwrite a newer one",
          arguments: CutoverBackend.allCases)
    func driftAndSavedPlan(_ backend: CutoverBackend) throws {
        try withZone(backend) { zone, folder in
            try succeed(["apply", "--auto-approve"], in: folder)
            try zone.write(route: "target", in: folder)
            try succeed(["apply", "--auto-approve", "--force"], in: folder)

            try zone.set("@", "MX", ttl: 300, values: ["20 mx.someone.test."])
            let plan = try succeed(["plan", "--force", "-out", "reviewed.json"], in: folder).stdout
            #expect(plan.contains("Changed outside mailmig since the last apply:"))
            #expect(plan.contains("~ domain.cutover.test/dns/@/MX"))
            #expect(plan.contains("now:      ttl 300: 20 mx.someone.test."))
            #expect(plan.contains("the plan sets it back"))
            #expect(plan.contains("Saved the plan to reviewed.json"))
            let stateBefore = try succeed(["state", "show", "domain.cutover.test/dns/@/MX"], in: folder).stdout

            try zone.set("@", "MX", ttl: 300, values: ["30 mx.third.test."])
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
    }

    @Test("an apply killed after its second DNS write is finished by the next run", arguments: CutoverBackend.allCases)
    func killedApply(_ backend: CutoverBackend) throws {
        try withZone(backend) { zone, folder in
            let killed = try mailmig(["apply", "--auto-approve"], in: folder, environment: ["MAILMIG_FAULT": "kill-after:dns-write:2"])
            #expect(killed.status == SIGKILL, "\(killed.stdout)\n\(killed.stderr)")
            #expect(try zone.dig("@", "MX") == (300, [CutoverZone.originalMX]))
            #expect(try zone.dig("autodiscover", "CNAME") == (3600, [CutoverZone.originalCNAME]))

            // Both providers read the RRset back before recording an interrupted change: the same sentence.
            let rerun = try succeed(["apply", "--auto-approve"], in: folder)
            #expect(rerun.stderr.contains("recovered domain.cutover.test/dns/@/MX: the interrupted change had reached the server; recorded it"), "\(rerun.stderr)")
            #expect(rerun.stdout.contains("Applied 1/1"))
            try expectPrepared(zone)

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
    }

    @Test("a second apply while one runs is refused, naming the first one's pid; the first finishes")
    func concurrentApplies() throws {
        try withZone(.bind) { zone, folder in
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
            // The advice names the plan file, so that it can be pasted as it is.
            #expect(second.stderr.contains("run `mailmig force-unlock ") && second.stderr.contains(" mailmig.yaml`"), "\(second.stderr)")

            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            first.waitUntilExit()
            #expect(first.terminationStatus == 0, "\(text)")
            #expect(text.contains("Applied 3/3"))
            try expectPrepared(zone)
        }
    }

    @Test("plan --json, --detailed-exitcode, state show, history and rm", arguments: CutoverBackend.allCases)
    func machineOutputAndState(_ backend: CutoverBackend) throws {
        try withZone(backend) { zone, folder in
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
            #expect(show.contains("\"provider\" : \"\(zone.provider().name)\""))
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
    }

    @Test("BIND: a wrong TSIG secret fails with BADSIG naming the server, and changes nothing")
    func wrongSecret() throws {
        try withZone(.bind) { zone, folder in
            let wrong = folder.appendingPathComponent("wrong.key")
            try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString().write(to: wrong, atomically: true, encoding: .utf8)
            try zone.write(route: "source", in: folder, provider: zone.provider(credentialFile: wrong.path))
            let apply = try mailmig(["apply", "--auto-approve"], in: folder)
            #expect(apply.status == 1)
            let all = apply.stdout + apply.stderr
            #expect(all.contains("(BADSIG)"), "\(all)")
            #expect(all.contains("at \(zone.server)"))
            #expect(all.contains("Applied 0/3: ✓ 0 done, ✗ 1 failed, ○ 2 not started"))
            try expectPristine(zone)
            #expect(try succeed(["state", "list"], in: folder).stdout.split(separator: "\n").count == 1)
        }
    }

    /// Unlike BIND, whose records mailmig reads with plain DNS queries, PowerDNS is read through the
    /// API too: the refusal comes while planning, before any step runs.
    @Test("PowerDNS: a wrong API key fails naming the refusal and the API, and changes nothing")
    func wrongAPIKey() throws {
        try withZone(.powerDNS) { zone, folder in
            guard case let .powerDNS(apiURL, _, _, _) = zone.access else { Issue.record("not the PowerDNS backend"); return }
            let wrong = folder.appendingPathComponent("wrong.key")
            try Data((0..<24).map { _ in UInt8.random(in: 0...255) }).map { String(format: "%02x", $0) }.joined()
                .write(to: wrong, atomically: true, encoding: .utf8)
            try zone.write(route: "source", in: folder, provider: zone.provider(credentialFile: wrong.path))
            let apply = try mailmig(["apply", "--auto-approve"], in: folder)
            #expect(apply.status == 1)
            let all = apply.stdout + apply.stderr
            #expect(all.contains("the PowerDNS API at \(apiURL) refused the API key (401"), "\(all)")
            #expect(all.contains("DNS provider pdns for cutover.test"), "\(all)")
            #expect(!all.contains("✓"), "\(all)")
            #expect(!all.contains(try String(contentsOf: wrong, encoding: .utf8)), "the key is never printed")
            try expectPristine(zone)
            #expect(try succeed(["state", "list"], in: folder).stdout.split(separator: "\n").count == 1)
        }
    }
}
