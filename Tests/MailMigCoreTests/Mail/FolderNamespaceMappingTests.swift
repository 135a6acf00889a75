@testable import MailMigCore
import Testing

/// How the folder mapper treats folders of namespaces other than the personal one (RFC 2342).
@Suite("Folder mapping: shared and other users' namespaces")
struct FolderNamespaceMappingTests {
    static let source = [
        FolderListing(levels: ["INBOX"], specialUse: nil),
        FolderListing(levels: ["Public", "Projects"], specialUse: nil, namespace: OtherNamespace(kind: .shared, prefixLevels: 1)),
        FolderListing(levels: ["Public", "Projects", "2024"], specialUse: nil, namespace: OtherNamespace(kind: .shared, prefixLevels: 1)),
        FolderListing(levels: ["Users", "bob", "INBOX"], specialUse: nil, namespace: OtherNamespace(kind: .otherUsers, prefixLevels: 1)),
    ]

    @Test("by default neither shared nor other users' folders are copied, and the plan counts them")
    func excludedByDefault() {
        let plan = FolderMapper.map(source: Self.source, target: [], rules: .standard, targetDelimiter: "/")
        #expect(plan.mappings.map(\.source) == ["INBOX"])
        #expect(plan.otherNamespaces == ["Public/Projects", "Public/Projects/2024", "Users/bob/INBOX"])
        #expect(plan.sharedIncluded == nil)
    }

    @Test("with folders.shared: include the shared folders go under shared_into, without their namespace prefix; other users' never")
    func sharedIncluded() {
        var rules = FolderRules.standard
        rules.sharedInto = "Archive/Public"
        let plan = FolderMapper.map(source: Self.source, target: [], rules: rules, targetDelimiter: "/")
        #expect(plan.mappings.map(\.target) == ["INBOX", "Archive/Public/Projects", "Archive/Public/Projects/2024"])
        #expect(plan.mappings.dropFirst().allSatisfy { $0.rule == .sharedNamespace && !$0.targetIsInbox })
        #expect(plan.otherNamespaces == ["Users/bob/INBOX"])
        #expect(plan.sharedIncluded?.count == 2)
    }

    @Test("a shared folder is excluded by folders.exclude like any other, and the target's shared folders lend no role")
    func excludeAndRoles() {
        var rules = FolderRules.standard
        rules.sharedInto = "Shared"
        rules.exclude = ["Public/Projects/*"]
        let target = [FolderListing(levels: ["Public", "Sent"], specialUse: "\\Sent", namespace: OtherNamespace(kind: .shared, prefixLevels: 1))]
        let source = Self.source + [FolderListing(levels: ["Sent Messages"], specialUse: "\\Sent")]
        let plan = FolderMapper.map(source: source, target: target, rules: rules, targetDelimiter: "/")
        #expect(plan.excluded == ["Public/Projects/2024"])
        #expect(plan.mappings.first { $0.source == "Sent Messages" }?.target == "Sent Messages")
    }
}
