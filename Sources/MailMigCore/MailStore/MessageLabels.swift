/// Where one message shows on a store whose folders are labels of one message store (Gmail, with
/// X-GM-EXT-1): the same message is in every folder whose label it carries.
public struct MessageLabels: Sendable, Equatable {
    /// The store's own id of the message, the same in every folder that shows it (Gmail's
    /// `X-GM-MSGID`, in decimal).
    public var id: String
    /// The plan-form paths of the folders that show it (`INBOX`, `[Gmail]/Sent Mail`, `Projects/2024`),
    /// whether or not the plan copies them; never the store's All Mail folder, which shows every message.
    public var folders: [String]

    /// Creates the labels of one message.
    public init(id: String, folders: [String]) {
        self.id = id
        self.folders = folders
    }
}

extension MailStoreSession {
    /// No labels: each folder holds messages of its own.
    public func labels(_ selection: MessageSelection) async throws -> [MessageKey: MessageLabels]? { nil }

    /// Folders here are not labels.
    public var keepsLabels: Bool { false }

    /// Nothing to label with.
    public func addLabel(of folder: String, to keys: [MessageKey], in path: String, uidValidity: UInt32) async throws -> Bool {
        throw MailStoreError(.failed, "the server has no labels: a message cannot be shown in '\(folder)' without storing it there")
    }
}
