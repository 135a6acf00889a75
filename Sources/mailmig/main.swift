import MailMigCore

print("mailmig \(MailMigCore.version)")
