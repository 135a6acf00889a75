import Foundation

/// The subscribed folders of a mailbox, kept at its root as a JSON array of plan-form paths.
///
/// Dovecot keeps its own `subscriptions` file; this one has another name so neither overwrites the
/// other. A Maildir another program wrote has none here and lists no subscriptions.
enum MaildirSubscriptions {
    /// The file's name at a mailbox's root.
    static let fileName = "mailmig-subscriptions.json"

    /// The subscribed paths; none when there is no file.
    static func read(root: String) throws -> Set<String> {
        let path = root + "/" + fileName
        guard Posix.exists(path) else { return [] }
        do {
            return Set(try JSONDecoder().decode([String].self, from: Data(try Posix.contents(of: path))))
        } catch let error as FileSystemError {
            throw error
        } catch {
            throw FileSystemError.unreadable(path, "it is not a JSON array of folder paths")
        }
    }

    /// Replaces the subscribed paths, atomically.
    static func write(_ paths: Set<String>, root: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try Posix.replaceFile(root + "/" + fileName, bytes: Array(try encoder.encode(paths.sorted())), action: "write the subscriptions")
    }
}
