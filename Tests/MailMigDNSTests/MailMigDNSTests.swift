import Testing
@testable import MailMigDNS
