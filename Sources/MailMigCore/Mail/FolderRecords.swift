import Foundation

/// The folder records of one copy of a mailbox (resources `mailbox.KEY/folder/PATH`), read in one
/// query when a pass or a plan of the mailbox starts, by source folder path.
///
/// A pass looks at every folder's record two or three times (to plan its lanes, to skip it when
/// STATUS shows it unchanged, to copy it), and a plan once for verify's findings and once for its
/// estimate: one read instead of one per folder and look. Only the pass over a folder writes that
/// folder's record, and it reads it before, so the snapshot stays true for every folder not copied yet.
///
/// Paths are told apart by their bytes, as the state's addresses are: Swift's `String` equality would
/// take an NFC and an NFD spelling of the same name, which a server may list as two folders, for one.
struct FolderRecords: Sendable {
    /// The records in the order of their addresses.
    let inAddressOrder: [FolderRecord]
    private let byFolder: [[UInt8]: FolderRecord]

    /// The records of the mailbox copy `ledgerKey` (`alice@acme.test`, `backup:alice@acme.test`).
    static func read(mailbox ledgerKey: String, from store: StateStore) throws -> FolderRecords {
        let prefix = FolderRecord.address(mailbox: ledgerKey, folder: "")
        var ordered: [FolderRecord] = []
        var byFolder: [[UInt8]: FolderRecord] = [:]
        for resource in try store.resources(prefix: prefix) where resource.kind == FolderRecord.kind {
            let record = try resource.decode(FolderRecord.self)
            ordered.append(record)
            byFolder[Array(resource.address.utf8.dropFirst(prefix.utf8.count))] = record
        }
        return FolderRecords(inAddressOrder: ordered, byFolder: byFolder)
    }

    /// The record of the source folder `path`, if the state has one.
    subscript(path: String) -> FolderRecord? { byFolder[Array(path.utf8)] }

    /// Whether the source folder `path`, whose STATUS is `status`, has changed for a pass with
    /// `settings` since the pass that recorded it, or has no record (`FolderRecord.isCurrent`).
    func changed(_ path: String, status: FolderStatus?, for settings: MailPassSettings) -> Bool {
        self[path]?.isCurrent(with: status, for: settings) != true
    }
}
