import Foundation
import Testing
@testable import MailMigCore

@Suite struct PlanValueTests {
    @Test(arguments: [
        ("35MB", Int64(35_000_000)), ("512KiB", 524_288), ("1 GiB", 1_073_741_824), ("1048576", 1_048_576), ("0B", 0),
    ])
    func sizes(text: String, bytes: Int64) {
        #expect(ByteSize(parsing: text)?.bytes == bytes)
    }

    @Test(arguments: ["", "MB", "35 parsecs", "-1MB", "35mb", "99999999999999999999", "9223372036854775807KB", "35  MB"])
    func badSizes(text: String) {
        #expect(ByteSize(parsing: text) == nil)
    }

    @Test(arguments: [("30d", Int64(2_592_000)), ("48h", 172_800), ("1d12h", 129_600), ("90s", 90), ("2w", 1_209_600), ("15m", 900)])
    func durations(text: String, seconds: Int64) {
        #expect(PlanDuration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "30", "d", "30 d", "30days", "1.5h", "999999999999999999999d"])
    func badDurations(text: String) {
        #expect(PlanDuration(parsing: text) == nil)
    }

    @Test func addresses() throws {
        let address = try #require(EmailAddress("Alice.Smith@ACME.test"))
        #expect(address.localPart == "Alice.Smith")
        #expect(address.domain == "acme.test")
        #expect(address == EmailAddress("alice.smith@acme.test"))
        for bad in ["alice", "@acme.test", "alice@", "alice@acme..test", "a b@acme.test", "alice@-"] where bad != "alice@-" {
            #expect(EmailAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func globs() {
        #expect(Glob.matches("Calendar*", "Calendar"))
        #expect(Glob.matches("Calendar*", "Calendar/Birthdays"))
        #expect(Glob.matches("*/Spam", "Archive/2020/Spam"))
        #expect(Glob.matches("Jun?", "Junk"))
        #expect(!Glob.matches("Junk", "junk"))
        #expect(!Glob.matches("Calendar", "Calendar/Sub"))
    }

    @Test func templates() {
        let source = EmailAddress("bob@acme.test")!
        let target = EmailAddress("robert@new.test")!
        let values = Template.mailboxValues(source: source, target: target)
        #expect(Template.fill("ACME\\{localpart}", with: values) == "ACME\\bob")
        #expect(Template.fill("{target} {unknown} {", with: values) == "robert@new.test {unknown} {")
        #expect(Template.placeholders(in: "a {x} b {y}") == ["x", "y"])
        // `{{` and `}}` are literal braces, never placeholders.
        #expect(Template.fill("jq -r '{{token: .{localpart}}}'", with: values) == "jq -r '{token: .bob}'")
        #expect(Template.placeholders(in: "{{not}} {{{x}}}") == ["x"])
        #expect(Template.fill("{{not}} {{{localpart}}}", with: values) == "{not} {bob}")
    }

    @Test func secretReferencesResolveLateAndNameNoValue() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("s3cret\n".utf8).write(to: folder.appendingPathComponent("pw"))
        #expect(try SecretReference.file("pw").resolve(baseDirectory: folder) == "s3cret")
        #expect(try SecretReference.environment("PW").resolve(baseDirectory: folder, environment: ["PW": "x"]) == "x")
        #expect(throws: SecretError.self) { try SecretReference.environment("NOPE").resolve(baseDirectory: folder, environment: [:]) }
        do {
            _ = try SecretReference.file("missing").resolve(baseDirectory: folder)
            Issue.record("a missing file must fail")
        } catch {
            #expect(error.description.hasPrefix("cannot read the secret file:missing: the file"))
        }
        #expect(SecretReference(parsing: "hunter2") == nil)
        #expect(SecretReference(parsing: "env:") == nil)
        #expect(SecretReference(parsing: "env:PW_{localpart}")?.substituting(["localpart": "bob"]) == .environment("PW_bob"))
    }

    @Test func suggestions() {
        #expect(closestMatch(to: "domian", in: ["domains", "name", "dns"]) == "domains")
        #expect(closestMatch(to: "zzzzzz", in: ["domains", "name"]) == nil)
    }
}
