import Foundation

/// The step kind that makes one pass over a mailbox: folders, new mail, flags.
public enum MailPassStep: StepKind {
    public static let name = "mailbox"

    public static func perform(_ work: MailboxWork, step: PlannedStep, in context: StepContext) async throws -> StepResult {
        let steps = MailSteps(context: try context.mailContext(), store: context.store, faults: context.faults, progress: context.mailProgress,
                              lease: context.lease)
        return try await steps.pass(work)
    }

    /// A pass settles its own interrupted chunks against the target before it copies again.
    public static func recover(_ work: MailboxWork, step: PlannedStep, in context: StepContext) async throws -> StepRecovery {
        .failed(error: "interrupted; the next pass checks the target for what was appended",
                note: "recovered \(step.address): the interrupted pass is planned again and resumes from the ledger")
    }

    public static func detail(_ work: MailboxWork) -> [String] {
        var lines = ["\(work.source) → \(work.target), batch \(work.batch)"]
        if let cutoff = work.settings.cutoff { lines.append("only mail older than \(Formatting.timestamp(cutoff).prefix(10))") }
        if let unrecorded = work.estimate?.unrecordedTarget, !unrecorded.isEmpty {
            lines.append(UnrecordedTargetMail.warning(unrecorded, dedupeTarget: work.settings.dedupeTarget))
        }
        return lines
    }

    public static func beforeAfter(_ work: MailboxWork) -> (before: String, after: String) { (work.source, work.target) }

    public static func mailbox(_ work: MailboxWork) -> String? { work.source }

    public static func jsonFields(_ work: MailboxWork) -> [String: any Sendable] {
        var object: [String: any Sendable] = ["mailbox": work.source, "stage": work.settings.stage.rawValue]
        if work.checksFirst == true { object["checks_first"] = true }
        if let estimate = work.estimate {
            object["messages"] = estimate.messages
            object["bytes"] = estimate.bytes
            object["over_limit"] = estimate.overLimit
            if let unrecorded = estimate.unrecordedTarget, !unrecorded.isEmpty {
                object["unrecorded_target"] = unrecorded.map { ["source": $0.source, "target": $0.target, "messages": $0.messages] as [String: any Sendable] }
                object["dedupe"] = work.settings.dedupeTarget ? "target" : "none"
            }
            if let repairs = estimate.repairs, !repairs.isEmpty { object["repairs"] = repairs }
            if let backup = estimate.backupMessages {
                object["backup_messages"] = backup
                object["backup_bytes"] = estimate.backupBytes ?? 0
            }
        }
        return object
    }
}

extension StepWork {
    /// One pass over a mailbox.
    public static func mailbox(_ work: MailboxWork) -> StepWork { StepWork(MailPassStep.self, work) }

    /// The pass, when the step is a mail pass.
    public var mailPass: MailboxWork? { payload(of: MailPassStep.self) }
}

/// One pass over one mailbox.
public struct MailboxWork: Sendable, Equatable, Codable {
    /// The source address.
    public var source: String
    /// The target address.
    public var target: String
    /// The batch it belongs to.
    public var batch: String
    /// What the pass does.
    public var settings: MailPassSettings
    /// What planning found to copy, when it looked.
    public var estimate: MailEstimate?
    /// Whether the pass first asks the source what changed since the last pass and ends, without
    /// logging in to the target, when nothing did (planned so by an apply that runs at once, which does
    /// not ask the source while planning); nil: no.
    public var checksFirst: Bool? = nil
}

/// What planning found a pass will copy.
public struct MailEstimate: Sendable, Equatable, Codable {
    /// Messages to copy.
    public var messages: Int
    /// Their bytes.
    public var bytes: Int64
    /// Folders with something to copy.
    public var folders: Int
    /// Messages over `filters.max_message_size`, which will be skipped and reported.
    public var overLimit: Int
    /// Folders whose STATUS changed since the last pass (new mail or changed flags).
    public var changedFolders: Int
    /// Folders whose name the target forces to change, as `source → target` (nil: none, or not known).
    public var renamedFolders: [String]?
    /// Source folders of other namespaces left behind (other users' always, shared ones without
    /// `folders.shared: include`); nil: none, or not known.
    public var otherNamespaceFolders: Int?
    /// Shared folders copied into `folders.shared_into` (nil: none).
    public var sharedFolders: Int?
    /// Messages of the All Mail folder (SPECIAL-USE `\All`) not decided yet: the pass copies those no
    /// other folder holds, which only comparing with the other folders' copies tells.
    public var allMailUndecided: Int?
    /// Whether the counts include every label's copy of a message that `folders.labels: keywords`
    /// copies once (the source's folders are labels); nil: no.
    public var labelsCountedEach: Bool?
    /// Whether the plan asks for `folders.labels: keywords` from a source without labels (no
    /// X-GM-EXT-1), where it changes nothing; nil: no.
    public var labelsUnavailable: Bool?
    /// Target folders that already hold mail the state knows nothing of (nil: none, or not looked for).
    public var unrecordedTarget: [UnrecordedTargetFolder]?
    /// What the last verification found that this pass puts right, one phrase per folder
    /// (`verify found flags differing on 3 messages in INBOX`; nil: nothing).
    public var repairs: [String]?
    /// Messages the backup lacks, which the pass copies there first (nil: the plan has no backup).
    public var backupMessages: Int?
    /// Their bytes.
    public var backupBytes: Int64?
    /// Where a source with a single folder goes, as the plan shows it (`from POP3 to INBOX`); nil for a
    /// source with folders of its own.
    public var route: String?

    /// Creates an estimate.
    public init(messages: Int = 0, bytes: Int64 = 0, folders: Int = 0, overLimit: Int = 0, changedFolders: Int = 0) {
        self.messages = messages
        self.bytes = bytes
        self.folders = folders
        self.overLimit = overLimit
        self.changedFolders = changedFolders
    }
}
