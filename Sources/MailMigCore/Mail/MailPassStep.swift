import Foundation

/// The step kind that makes one pass over a mailbox: folders, new mail, flags.
public enum MailPassStep: StepKind {
    public static let name = "mailbox"

    public static func perform(_ work: MailboxWork, step: PlannedStep, in context: StepContext) async throws -> StepResult {
        let steps = MailSteps(context: try context.mailContext(), store: context.store, faults: context.faults, progress: context.mailProgress)
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
        return lines
    }

    public static func beforeAfter(_ work: MailboxWork) -> (before: String, after: String) { (work.source, work.target) }

    public static func jsonFields(_ work: MailboxWork) -> [String: any Sendable] {
        var object: [String: any Sendable] = ["mailbox": work.source, "stage": work.settings.stage.rawValue]
        if let estimate = work.estimate {
            object["messages"] = estimate.messages
            object["bytes"] = estimate.bytes
            object["over_limit"] = estimate.overLimit
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

    /// Creates an estimate.
    public init(messages: Int = 0, bytes: Int64 = 0, folders: Int = 0, overLimit: Int = 0, changedFolders: Int = 0) {
        self.messages = messages
        self.bytes = bytes
        self.folders = folders
        self.overLimit = overLimit
        self.changedFolders = changedFolders
    }
}
