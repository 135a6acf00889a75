import MailMigCore
@testable import MailMigIMAPStore
import Testing

/// Gmail's labels (X-GM-LABELS) and the folders LIST shows, as Gmail lists them
/// (developers.google.com/gmail/imap/imap-extensions).
@Suite struct GmailLabelNamesTests {
    /// INBOX, the `[Gmail]` folders with their SPECIAL-USE attributes, and two user labels.
    let names = GmailLabelNames([
        FolderListing(levels: ["INBOX"], specialUse: nil),
        FolderListing(levels: ["[Gmail]"], specialUse: nil, selectable: false),
        FolderListing(levels: ["[Gmail]", "All Mail"], specialUse: "\\All"),
        FolderListing(levels: ["[Gmail]", "Drafts"], specialUse: "\\Drafts"),
        FolderListing(levels: ["[Gmail]", "Important"], specialUse: "\\Important"),
        FolderListing(levels: ["[Gmail]", "Sent Mail"], specialUse: "\\Sent"),
        FolderListing(levels: ["[Gmail]", "Spam"], specialUse: "\\Junk"),
        FolderListing(levels: ["[Gmail]", "Starred"], specialUse: "\\Flagged"),
        FolderListing(levels: ["[Gmail]", "Trash"], specialUse: "\\Trash"),
        FolderListing(levels: ["Projekte", "Ärger"], specialUse: nil),
        FolderListing(levels: ["Muy Importante"], specialUse: nil),
    ])

    @Test("system labels name the folder of their role, user labels the folder of their name, hidden labels none")
    func labelToFolder() {
        #expect(names.folder(ofLabel: "\\Inbox") == "INBOX")
        #expect(names.folder(ofLabel: "\\Sent") == "[Gmail]/Sent Mail")
        #expect(names.folder(ofLabel: "\\Draft") == "[Gmail]/Drafts")
        #expect(names.folder(ofLabel: "\\Starred") == "[Gmail]/Starred")
        #expect(names.folder(ofLabel: "\\Important") == "[Gmail]/Important")
        #expect(names.folder(ofLabel: "Projekte/Ärger") == "Projekte/Ärger")
        #expect(names.folder(ofLabel: "Muy Importante") == "Muy Importante")
        #expect(names.folder(ofLabel: "\\Muted") == nil)
        #expect(names.folder(ofLabel: "Hidden from IMAP") == nil)
    }

    @Test("a folder's label, for STORE +X-GM-LABELS: none for All Mail, Trash and Spam")
    func folderToLabel() {
        #expect(names.label(ofFolder: "INBOX") == "\\Inbox")
        #expect(names.label(ofFolder: "[Gmail]/Sent Mail") == "\\Sent")
        #expect(names.label(ofFolder: "[Gmail]/Drafts") == "\\Draft")
        #expect(names.label(ofFolder: "[Gmail]/Starred") == "\\Starred")
        #expect(names.label(ofFolder: "[Gmail]/Important") == "\\Important")
        #expect(names.label(ofFolder: "Projekte/Ärger") == "Projekte/Ärger")
        #expect(names.label(ofFolder: "Created/By the copy") == "Created/By the copy")
        #expect(names.label(ofFolder: "[Gmail]/All Mail") == nil)
        #expect(names.label(ofFolder: "[Gmail]/Trash") == nil)
        #expect(names.label(ofFolder: "[Gmail]/Spam") == nil)
    }
}
