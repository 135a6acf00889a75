import Testing
@testable import MailMigIMAP
