import Foundation
import MailMigCore
@testable import MailMigPlanFile
import Testing

/// Service presets: the files in presets/ read, fill in a side's settings under the plan's own, and
/// bring the service's folder names and size limit.
@Suite("Service presets")
struct ServicePresetTests {
    static func plan(source: String, target: String, extra: String = "") -> String {
        "mailmig: 1\nname: p\nsource: \(source)\ntarget: \(target)\n" + extra
    }

    static let dovecotTarget = "{ imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }"

    @Test("the build carries presets/ exactly, and every preset reads")
    func filesAgree() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../presets").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.map { String($0.dropLast(5)) } == ServicePresetFiles.all.map(\.name), "run scripts/generate-presets.py")
        for (name, text) in ServicePresetFiles.all {
            let file = try String(contentsOf: folder.appendingPathComponent("\(name).yaml"), encoding: .utf8)
            #expect(file.trimmingCharacters(in: .newlines) == text, "\(name): run scripts/generate-presets.py")
            if case .failure(let error) = ServicePresetCatalog.entries[name] { Issue.record("\(error)") }
        }
        #expect(ServicePresetCatalog.names == ["domino", "dovecot", "exchange", "generic", "gmail", "microsoft365"])
    }

    @Test("microsoft365 fills in host, port, TLS, login style and throttling; the plan gives only the app's token")
    func microsoft365() throws {
        let result = PlanFixtures.load(Self.plan(source: Self.dovecotTarget,
                                                 target: "{ preset: microsoft365, login: { admin: { user: app, oauth2_token: env:M365_TOKEN } } }"))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let target = try #require(result.plan?.target)
        #expect(target.access.endpoint == ServerEndpoint(host: "outlook.office365.com", port: 993, tls: .implicit, verifyCertificates: true))
        #expect(target.login?.style == .authzid && target.login?.userFormat == "{address}")
        #expect(target.login?.admin?.oauth2Token == .environment("M365_TOKEN"))
        #expect(target.throttling == ThrottlingSettings(recoverAfter: 60, giveUpAfter: 7200))
        #expect(target.preset?.name == "microsoft365")
        #expect(result.plan?.folders.targetFolderNames?["sent"] == "Sent Items")
        #expect(result.plan?.filters.maxMessageSize?.text == "150MB")
    }

    @Test("the plan's own keys win, key by key inside mappings; its own size limit wins too")
    func planWins() throws {
        let result = PlanFixtures.load(Self.plan(
            source: "{ preset: gmail, imap: { host: imap.example.test }, connections: 3, login: { style: per-mailbox, password: \"file:s/{localpart}\" } }",
            target: "{ preset: dovecot, imap: { host: b.test, port: 143, tls: starttls }, login: { admin: { user: a, password: env:A } } }",
            extra: "filters: { max_message_size: 10MB }\n"))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let plan = try #require(result.plan)
        #expect(plan.source.access.endpoint?.host == "imap.example.test" && plan.source.access.endpoint?.port == 993)
        #expect(plan.source.connections == 3 && plan.source.login?.style == .perMailbox)
        #expect(plan.target.login?.style == .masterUser && plan.target.login?.masterSeparator == "*")
        #expect(plan.target.access.endpoint?.port == 143)
        #expect(plan.filters.maxMessageSize?.text == "10MB")
        #expect(plan.folders.sourceFolderNames?["junk"] == "[Gmail]/Spam")
    }

    @Test("an unknown preset is one error with the names and a suggestion; a pop3 source keeps its kind under a preset")
    func unknownAndKinds() {
        let unknown = PlanFixtures.load(Self.plan(source: "{ preset: microsoft356, login: { admin: { user: a, password: env:A } } }",
                                                  target: Self.dovecotTarget))
        #expect(PlanFixtures.errors(unknown).contains(
            "3:19: unknown preset 'microsoft356' for source.preset; expected one of domino, dovecot, exchange, generic, gmail, microsoft365 (did you mean 'microsoft365'?)"),
            "\(PlanFixtures.errors(unknown))")
        let pop3 = PlanFixtures.load(Self.plan(source: "{ preset: exchange, pop3: { host: pop.acme.test }, login: { admin: { user: a, password: env:A } } }",
                                               target: Self.dovecotTarget))
        #expect(pop3.plan?.source.access.endpoint?.host == "pop.acme.test", "\(pop3.diagnostics)")
        if case .pop3? = pop3.plan?.source.access {} else { Issue.record("the preset's imap: replaced the plan's pop3:") }
    }

    @Test("the services' folder names give roles: Sent Items of a source without SPECIAL-USE goes to the target's \\Sent, and a role the target does not announce goes to the service's name")
    func folderNames() {
        var rules = FolderRules.standard
        rules.sourceFolderNames = ["sent": "Sent Items", "trash": "Deleted Items"]
        let source = [FolderListing(levels: ["Sent Items"], specialUse: nil), FolderListing(levels: ["Deleted Items"], specialUse: nil),
                      FolderListing(levels: ["Drafts"], specialUse: "\\Drafts")]
        let target = [FolderListing(levels: ["Sent"], specialUse: "\\Sent")]
        rules.targetFolderNames = ["trash": "Trash", "drafts": "[Gmail]/Drafts"]
        let plan = FolderMapper.map(source: source, target: target, rules: rules, targetDelimiter: "/")
        #expect(plan.mappings.map(\.target) == ["Sent", "Trash", "[Gmail]/Drafts"])
        rules.automap = false
        #expect(FolderMapper.map(source: source, target: target, rules: rules, targetDelimiter: "/").mappings.map(\.target)
                == ["Sent Items", "Deleted Items", "Drafts"])
    }
}
