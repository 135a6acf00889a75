import Foundation

/// What the last verification found wrong in one folder, kept on the folder's record so that the next
/// plan shows a pass for it and the pass puts it right.
///
/// A pass trusts the ledger and the source's CONDSTORE state to know what changed; a target whose flags
/// were changed behind mailmig's back, a source that changed flags without a new mod-sequence, or a
/// copy deleted on the target is invisible to both. Only a comparison of both sides sees it, so what
/// verify finds must reach the next pass.
public struct VerifyFindings: Sendable, Equatable, Codable {
    /// When verify found it.
    public var at: Date
    /// Copied messages whose flags on the target differ from the source's.
    public var flagsDiffer: Int
    /// Source messages that must be on the target and are not, by their key in the source folder.
    public var missing: [MessageKey]
    /// Matched messages whose size, internal date or body (`--deep`) differs: no pass can put that
    /// right, because mailmig never replaces or deletes a message on the target.
    public var differing: Int
    /// Second copies on the target of messages mailmig copied; likewise left to the operator.
    public var duplicates: Int

    /// Creates findings from their fields.
    public init(at: Date, flagsDiffer: Int = 0, missing: [MessageKey] = [], differing: Int = 0, duplicates: Int = 0) {
        self.at = at
        self.flagsDiffer = flagsDiffer
        self.missing = missing
        self.differing = differing
        self.duplicates = duplicates
    }

    /// What verify found in `folder`; nil when nothing.
    public init?(_ folder: FolderVerification, at: Date) {
        self.init(at: at, flagsDiffer: folder.flagMismatches.count + folder.flagsNotCarriedYet,
                  missing: folder.missing.compactMap(\.sourceUID).sorted(),
                  differing: folder.sizeMismatches.count + folder.dateMismatches.count + folder.bodyMismatches.count,
                  duplicates: folder.duplicates.count)
        if isEmpty { return nil }
    }

    /// Whether a pass has something to put right.
    public var needsPass: Bool { flagsDiffer > 0 || !missing.isEmpty }

    /// Whether nothing was found.
    public var isEmpty: Bool { !needsPass && differing == 0 && duplicates == 0 }

    /// What is left after a pass: only what no pass can put right; nil when nothing.
    public var afterPass: VerifyFindings? {
        let left = VerifyFindings(at: at, differing: differing, duplicates: duplicates)
        return left.isEmpty ? nil : left
    }

    /// Whether two findings say the same, whenever they were made.
    func same(as other: VerifyFindings?) -> Bool {
        guard let other else { return false }
        return flagsDiffer == other.flagsDiffer && missing == other.missing && differing == other.differing && duplicates == other.duplicates
    }

    /// `verify found flags differing on 3 messages and 1 message missing in INBOX`; nil when no pass is needed.
    public func repairPhrase(folder: String) -> String? {
        var parts: [String] = []
        if flagsDiffer > 0 { parts.append("flags differing on \(Self.messages(flagsDiffer))") }
        if !missing.isEmpty { parts.append("\(Self.messages(missing.count)) missing on the target") }
        guard !parts.isEmpty else { return nil }
        return "verify found \(parts.joined(separator: " and ")) in \(folder)"
    }

    /// Why what verify found in `folder` needs the operator; nil when a pass can put everything right.
    public func handPhrase(folder: String) -> String? {
        var parts: [String] = []
        if differing > 0 { parts.append("\(Self.messages(differing)) whose size, internal date or body differs on the target") }
        if duplicates > 0 { parts.append("\(duplicates) second cop\(duplicates == 1 ? "y" : "ies") of copied messages") }
        guard !parts.isEmpty else { return nil }
        return "verify found \(parts.joined(separator: " and ")) in \(folder), which no pass puts right because mailmig never replaces "
            + "or deletes a message on the target: delete those copies on the target and run verify again; the next pass then copies what is missing"
    }

    static func messages(_ count: Int) -> String { "\(Formatting.count(count)) message\(count == 1 ? "" : "s")" }
}

extension Verifier {
    /// The folder records updated with what `report` found, one change per folder whose findings changed;
    /// a mailbox that could not be read keeps what was found before.
    func findingChanges(_ report: VerificationReport) throws -> [ResourceChange] {
        var changes: [ResourceChange] = []
        for mailbox in report.mailboxes where (mailbox.outcome == .passed || mailbox.outcome == .failed) && mailbox.error == nil {
            for folder in mailbox.folders {
                let address = FolderRecord.address(mailbox: ledgerKey(mailbox.source), folder: folder.source)
                guard var record = try store.resource(address).map({ try $0.decode(FolderRecord.self) }) else { continue }
                let found = VerifyFindings(folder, at: report.at)
                if found?.same(as: record.verifyFindings) ?? (record.verifyFindings == nil) { continue }
                record.verifyFindings = found
                changes.append(try .put(address, kind: FolderRecord.kind, record))
            }
        }
        return changes
    }
}
