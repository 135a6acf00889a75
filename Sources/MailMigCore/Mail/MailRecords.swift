import Foundation

/// What the state records about one mailbox (resource `mailbox.ADDRESS`, kind `mailbox`).
public struct MailboxRecord: Sendable, Equatable, Codable {
    /// The source address.
    public var source: String
    /// The target address.
    public var target: String
    /// The batch it belongs to.
    public var batch: String
    /// The last stage whose pass completed.
    public var reached: Stage?
    /// Whether the target mailbox was created by mailmig.
    public var provisioned: Bool
    /// When the last pass ended.
    public var lastPass: Date?
    /// How long it took, in seconds.
    public var lastDuration: Double?
    /// The outcome of the last pass.
    public var lastResult: MailPassResult?
    /// The outcome of the backup copy of the last pass, when the plan has `backup:`.
    public var lastBackup: MailPassResult?
    /// The error of the last failed pass, with the server's answer.
    public var lastError: String?

    /// Creates a record from its fields.
    package init(source: String, target: String, batch: String, reached: Stage? = nil, provisioned: Bool, lastPass: Date? = nil,
                 lastDuration: Double? = nil, lastResult: MailPassResult? = nil, lastError: String? = nil) {
        self.source = source
        self.target = target
        self.batch = batch
        self.reached = reached
        self.provisioned = provisioned
        self.lastPass = lastPass
        self.lastDuration = lastDuration
        self.lastResult = lastResult
        self.lastError = lastError
    }

    /// The kind name in the state.
    public static let kind = "mailbox"
    /// The state address of a mailbox.
    public static func address(_ source: String) -> String { "mailbox.\(source)" }
}

/// What the state records about one folder of a mailbox (resource `mailbox.ADDRESS/folder/PATH`).
public struct FolderRecord: Sendable, Equatable, Codable {
    /// The source folder, plan form.
    public var source: String
    /// The target folder, plan form.
    public var target: String
    /// UIDVALIDITY of the source folder at the last pass.
    public var uidValidity: UInt32
    /// UIDNEXT at the last pass.
    public var uidNext: UInt32?
    /// HIGHESTMODSEQ at the last pass (CONDSTORE).
    public var highestModSeq: UInt64?
    /// Messages in the source folder at the last pass.
    public var messages: Int?
    /// Bytes of those messages (RFC 8438 STATUS=SIZE), when the store said and the folder did not
    /// change between its STATUS and its opening; a later plan counts new mail by the difference.
    public var size: Int64?
    /// The stage of the last complete pass.
    public var stage: Stage
    /// The presync cutoff day of that pass, when it was a presync.
    public var cutoff: String?
    /// When.
    public var at: Date
    /// What the last verification found wrong in the folder; the next pass puts right what it can.
    public var verifyFindings: VerifyFindings?
    /// For an All Mail folder (SPECIAL-USE `\All`): every UID below this was copied or found in another
    /// folder of the mailbox, so later passes look only at newer messages.
    public var decidedBelow: UInt32?

    /// Creates a record from its fields.
    package init(source: String, target: String, uidValidity: UInt32, uidNext: UInt32? = nil, highestModSeq: UInt64? = nil,
                 messages: Int? = nil, stage: Stage, cutoff: String? = nil, at: Date, verifyFindings: VerifyFindings? = nil) {
        self.source = source
        self.target = target
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.messages = messages
        self.stage = stage
        self.cutoff = cutoff
        self.at = at
        self.verifyFindings = verifyFindings
    }

    /// The kind name in the state.
    public static let kind = "folder"
    /// The state address of a folder.
    public static func address(mailbox: String, folder: String) -> String { "mailbox.\(mailbox)/folder/\(folder)" }
}

/// Counts of one pass over a mailbox.
public struct MailPassResult: Sendable, Equatable, Codable {
    /// Messages appended to the target.
    public var copied = 0
    /// Bytes appended.
    public var bytes: Int64 = 0
    /// Messages skipped on purpose in this pass (size limit, NUL bytes without BINARY, refused by the target).
    public var skipped = 0
    /// Messages whose flags were carried to the target again.
    public var flagUpdates = 0
    /// Folders examined.
    public var folders = 0
    /// Folders skipped because STATUS showed no change.
    public var unchangedFolders = 0
    /// Folders created on the target.
    public var createdFolders = 0
    /// Pending messages of an interrupted pass found on the target and recorded instead of copied again.
    public var reconciled = 0
    /// Messages matched to a source folder's new UIDVALIDITY instead of copied again.
    public var rekeyed = 0
    /// Messages found already on the target (`dedupe: target`) and recorded instead of copied.
    public var deduplicated = 0
    /// Copied messages verify found missing on the target, which this pass copied again.
    public var restored = 0
    /// Messages of the All Mail folder (SPECIAL-USE `\All`), or under `folders.labels: keywords` of
    /// any folder, found in another folder of the mailbox, so not copied a second time.
    public var inOtherFolders = 0
    /// Messages shown in one more target folder by a label (Gmail) instead of being uploaded again.
    public var labelled = 0
    /// Keywords left out because no target can be sent them (not IMAP atoms), by source folder,
    /// gathered over every pass of the mailbox.
    public var droppedKeywords: [String: [String]] = [:]
    /// Seconds the pass was held back by the source server's throttling (pauses it asked for or that
    /// its throttling answers earned), and by the target's.
    public var sourceThrottledSeconds = 0.0, targetThrottledSeconds = 0.0

    /// Creates empty counts.
    public init() {}

    /// Reads counts written by any version: a count a version did not know yet reads as 0.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys) throws -> Int { try values.decodeIfPresent(Int.self, forKey: key) ?? 0 }
        copied = try count(.copied)
        bytes = try values.decodeIfPresent(Int64.self, forKey: .bytes) ?? 0
        skipped = try count(.skipped)
        flagUpdates = try count(.flagUpdates)
        folders = try count(.folders)
        unchangedFolders = try count(.unchangedFolders)
        createdFolders = try count(.createdFolders)
        reconciled = try count(.reconciled)
        rekeyed = try count(.rekeyed)
        deduplicated = try count(.deduplicated)
        restored = try count(.restored)
        inOtherFolders = try count(.inOtherFolders)
        labelled = try count(.labelled)
        droppedKeywords = try values.decodeIfPresent([String: [String]].self, forKey: .droppedKeywords) ?? [:]
        sourceThrottledSeconds = try values.decodeIfPresent(Double.self, forKey: .sourceThrottledSeconds) ?? 0
        targetThrottledSeconds = try values.decodeIfPresent(Double.self, forKey: .targetThrottledSeconds) ?? 0
    }

    /// Seconds held back by one side's throttling.
    public func throttledSeconds(_ side: MailSide) -> Double {
        side == .source ? sourceThrottledSeconds : targetThrottledSeconds
    }

    /// Adds the counts of another part of the same pass (a lane that copied other folders).
    mutating func add(_ other: MailPassResult) {
        copied += other.copied
        bytes += other.bytes
        skipped += other.skipped
        flagUpdates += other.flagUpdates
        folders += other.folders
        unchangedFolders += other.unchangedFolders
        createdFolders += other.createdFolders
        reconciled += other.reconciled
        rekeyed += other.rekeyed
        deduplicated += other.deduplicated
        restored += other.restored
        inOtherFolders += other.inOtherFolders
        labelled += other.labelled
        for (folder, keywords) in other.droppedKeywords { dropped(keywords, in: folder) }
        sourceThrottledSeconds += other.sourceThrottledSeconds
        targetThrottledSeconds += other.targetThrottledSeconds
    }

    /// Notes a folder's keywords that were left out, once per keyword.
    mutating func dropped(_ keywords: [String], in folder: String) {
        guard !keywords.isEmpty else { return }
        droppedKeywords[folder] = Array(Set(droppedKeywords[folder, default: []] + keywords)).sorted()
    }
}

/// The settings of one pass, fixed when the plan is made.
public struct MailPassSettings: Sendable, Equatable, Codable {
    /// The stage the pass brings the mailbox to.
    public var stage: Stage
    /// For presync: only messages with an internal date before this day are copied.
    public var cutoff: Date?
    /// Messages larger than this are skipped and reported.
    public var maxMessageSize: Int64?
    /// The limit as the plan wrote it (`35MB`), for the skip reason.
    public var maxMessageSizeText: String?
    /// Folder rules.
    public var folders: FolderRules
    /// Whether copies already on the target are looked for before copying (`dedupe: target`).
    public var dedupeTarget: Bool
    /// Whether the plan says `dedupe:` at all. Without it, a first pass into a target folder that
    /// already holds mail is refused, because copying would duplicate what another copy put there.
    /// Nil in passes saved before it was recorded, which counts as not said.
    public var dedupeChosen: Bool?
    /// Skipped messages the mailbox may have (`batches[].max_skipped`) before its pass fails; nil: no limit.
    public var maxSkipped: Int?

    /// Creates settings.
    public init(stage: Stage, cutoff: Date?, maxMessageSize: ByteSize?, folders: FolderRules, dedupeTarget: Bool = false,
                dedupeChosen: Bool = false) {
        self.stage = stage
        self.cutoff = cutoff
        self.maxMessageSize = maxMessageSize?.bytes
        self.maxMessageSizeText = maxMessageSize?.text
        self.folders = folders
        self.dedupeTarget = dedupeTarget
        self.dedupeChosen = dedupeChosen
    }
}

/// Progress reported while mail is copied.
public protocol MailProgress: Sendable {
    /// `count` messages of `bytes` bytes were appended for `mailbox`.
    func copied(mailbox: String, count: Int, bytes: Int64)
    /// The pass over `mailbox` starts copying `messages` messages of the source folder `folder`.
    func folderStarted(mailbox: String, folder: String, messages: Int)
    /// `count` messages of `mailbox` were skipped on purpose and recorded with the reason.
    func skipped(mailbox: String, count: Int)
    /// `count` messages an interrupted pass of `mailbox` had appended were found on the target and recorded.
    func recovered(mailbox: String, count: Int)
    /// Keywords of the source folder `folder` were left out because they are not IMAP atoms; once per folder and pass.
    func keywordsDropped(mailbox: String, folder: String, keywords: [String])
    /// The pass over `mailbox` waits: `holder`, a worker of an earlier shared apply, still copies it.
    func heldElsewhere(mailbox: String, by holder: StepHolder)
    /// The pass over `mailbox` asked the source and found nothing changed since the last pass, so it copied nothing.
    func nothingNew(mailbox: String)
}

extension MailProgress {
    /// Observers that show only totals need not follow folders.
    public func folderStarted(mailbox: String, folder: String, messages: Int) {}
    /// Observers that show only what was copied need not count skips.
    public func skipped(mailbox: String, count: Int) {}
    /// Observers that show only what was copied need not count recoveries.
    public func recovered(mailbox: String, count: Int) {}
    /// Observers that show only what was copied need not list keywords left out.
    public func keywordsDropped(mailbox: String, folder: String, keywords: [String]) {}
    /// Observers that show only what was copied need not say why a pass waits.
    public func heldElsewhere(mailbox: String, by holder: StepHolder) {}
    /// Observers that show only what was copied need not say that nothing was.
    public func nothingNew(mailbox: String) {}
}
