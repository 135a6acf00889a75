import Testing
@testable import MailMigCore

@Test func versionIsSemantic() {
    #expect(MailMigCore.version.split(separator: ".").count == 3)
}
