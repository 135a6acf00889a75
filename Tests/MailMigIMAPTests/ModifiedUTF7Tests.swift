import Testing
@testable import MailMigIMAP

@Suite("Modified UTF-7 mailbox names")
struct ModifiedUTF7Tests {
    @Test(arguments: [
        ("INBOX", "INBOX"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("Gesendete Objekte/Größe", "Gesendete Objekte/Gr&APYA3w-e"),
        ("台北", "&U,BTFw-"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("Tom & Jerry", "Tom &- Jerry"),
        ("&", "&-"),
        ("📧 Mail", "&2D3c5w- Mail"),
    ])
    func knownEncodings(name: String, wire: String) {
        #expect(ModifiedUTF7.encode(name) == wire)
        #expect(ModifiedUTF7.decode(wire) == name)
    }

    @Test(arguments: ["Ärger & Freude", "Überweisungen 2024/März", "中文邮件/收件箱", "😀😃🎉 Party", "a&b&&c", "Ω≈ç√∫", "mixed 日本 and ü"])
    func roundTrips(name: String) {
        let wire = ModifiedUTF7.encode(name)
        #expect(wire.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(ModifiedUTF7.decode(wire) == name)
    }

    @Test(arguments: ["&Jjo", "&U,BTFw", "&AGE-", "&ZeVnLIqe", "&2D0-", "a\u{7F}b", "&!!-"])
    func rejectsInvalidWireNames(wire: String) {
        #expect(ModifiedUTF7.decode(wire) == nil)
    }
}
