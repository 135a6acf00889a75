import Foundation

/// What `mailmig verify` found: one result per mailbox of the plan.
public struct VerificationReport: Sendable, Equatable, Codable {
    /// When the verification ran.
    public var at: Date
    /// Whether bodies were compared by SHA-256 (`--deep`).
    public var deep: Bool
    /// The mailboxes, in plan order.
    public var mailboxes: [MailboxVerification]
    /// Whether the backup was compared with the source instead of the target (`--backup`).
    public var backup: Bool = false
    /// Whether the plan has domains whose cutover waits for verify to pass (nil: not known, as in
    /// reports recorded before this was kept, which said so for every plan).
    public var gatesCutover: Bool?

    /// Creates a report.
    public init(at: Date, deep: Bool, mailboxes: [MailboxVerification], backup: Bool = false) {
        self.at = at
        self.deep = deep
        self.mailboxes = mailboxes
        self.backup = backup
    }

    /// Whether every verified mailbox is consistent (mailboxes not migrated yet do not count; a half
    /// copied one fails).
    public var passed: Bool { mailboxes.allSatisfy { !$0.outcome.fails } }

    /// Messages skipped on purpose in the verified mailboxes: not on the target, not failures, and
    /// never to go unmentioned when verify passes.
    public var skippedMessages: Int { mailboxes.reduce(0) { $0 + $1.skipped } }

    /// Source domains with at least one mailbox that did not verify.
    public var failedDomains: [String] {
        Set(mailboxes.filter { $0.outcome.fails }.compactMap { EmailAddress($0.source)?.domain }).sorted()
    }
}

/// The result for one mailbox.
public struct MailboxVerification: Sendable, Equatable, Codable {
    /// How the mailbox came out.
    public enum Outcome: String, Sendable, Codable {
        /// Everything that must match matches.
        case passed
        /// At least one difference, or the servers could not be read.
        case failed
        /// No pass has copied mail yet, so there is nothing to compare.
        case notMigrated = "not-migrated"
        /// A pass copied messages but none has completed (an apply was interrupted): the mailbox is
        /// half copied, which is not a migrated mailbox; `error` says how far it got.
        case interrupted

        /// Whether the outcome fails the verification.
        public var fails: Bool { self == .failed || self == .interrupted }
    }

    /// The source address.
    public var source: String
    /// The target address.
    public var target: String
    /// The last stage whose pass completed, if any.
    public var stage: Stage?
    /// The outcome.
    public var outcome: Outcome
    /// Why the mailbox could not be compared (a failed login, a server error), with server and folder.
    public var error: String?
    /// The folders compared, in source order.
    public var folders: [FolderVerification]
    /// What a store that keeps its own record of its copy found when it checked itself (a backup's
    /// files against its manifest), one sentence each naming the file and folder.
    public var integrity: [String] = []
    /// The contacts, calendars and tasks compared, when the plan copies them.
    public var collections: [CollectionVerification]? = nil

    /// Creates a result.
    public init(source: String, target: String, stage: Stage?, outcome: Outcome, error: String? = nil, folders: [FolderVerification] = [],
                integrity: [String] = []) {
        self.source = source
        self.target = target
        self.stage = stage
        self.outcome = outcome
        self.error = error
        self.folders = folders
        self.integrity = integrity
    }

    /// Messages that must be on the target, over all folders.
    public var expected: Int { folders.reduce(0) { $0 + $1.expected } }
    /// Of those, messages found on the target.
    public var found: Int { folders.reduce(0) { $0 + $1.found } }
    /// Bytes that must be on the target.
    public var expectedBytes: Int64 { folders.reduce(0) { $0 + $1.expectedBytes } }
    /// Differences that fail the verification, over all folders.
    public var differences: Int { folders.reduce(0) { $0 + $1.differences } + integrity.count }
    /// Messages skipped on purpose, over all folders.
    public var skipped: Int { folders.reduce(0) { $0 + $1.skipped.count } }
}

/// One message as a verification names it: by its key on each side (UIDs for IMAP), Message-ID, size and date.
public struct MessageReference: Sendable, Equatable, Codable {
    /// The unique identifier on the source (a UID for IMAP), when the message is on the source.
    public var sourceUID: MessageKey?
    /// The unique identifier on the target, when the message is on the target.
    public var targetUID: MessageKey?
    /// The Message-ID, when known.
    public var messageID: String?
    /// Size in bytes.
    public var size: Int
    /// INTERNALDATE as the server sent it.
    public var internalDate: String?

    /// Creates a reference.
    public init(sourceUID: MessageKey?, targetUID: MessageKey?, messageID: String?, size: Int, internalDate: String?) {
        self.sourceUID = sourceUID
        self.targetUID = targetUID
        self.messageID = messageID
        self.size = size
        self.internalDate = internalDate
    }
}

/// A value that differs between the two copies of one message.
public struct ValueMismatch: Sendable, Equatable, Codable {
    /// The message.
    public var message: MessageReference
    /// The source's value (flags space-separated, a date, a size or a SHA-256).
    public var source: String
    /// The target's value.
    public var target: String

    /// Creates a mismatch.
    public init(message: MessageReference, source: String, target: String) {
        self.message = message
        self.source = source
        self.target = target
    }
}

/// A message not copied on purpose, with the reason recorded when it was skipped.
public struct SkippedReference: Sendable, Equatable, Codable {
    /// The message.
    public var message: MessageReference
    /// Why it was skipped.
    public var reason: String
}

/// The comparison of one source folder with the target folder it maps to.
public struct FolderVerification: Sendable, Equatable, Codable {
    /// The source folder, plan form.
    public var source: String
    /// The target folder, plan form.
    public var target: String
    /// Whether the target folder exists.
    public var targetExists: Bool
    /// Messages that must be on the target.
    public var expected: Int
    /// Their bytes (sum of source sizes).
    public var expectedBytes: Int64
    /// Of those, messages found on the target.
    public var found: Int
    /// Bytes of the messages found (sum of target sizes).
    public var foundBytes: Int64
    /// Whether the Message-IDs of the expected messages and of those found are the same multiset.
    public var messageIDsMatch: Bool
    /// Expected messages not on the target.
    public var missing: [MessageReference]
    /// Messages on the target that mailmig did not copy there (a warning, not a failure).
    public var extra: [MessageReference]
    /// Second copies on the target of messages mailmig copied (a failure: the migration duplicated them).
    public var duplicates: [MessageReference] = []
    /// Flags (without `\Recent`) that differ.
    public var flagMismatches: [ValueMismatch]
    /// Internal dates that differ.
    public var dateMismatches: [ValueMismatch]
    /// Sizes that differ.
    public var sizeMismatches: [ValueMismatch]
    /// Bodies whose SHA-256 differs (`--deep` only).
    public var bodyMismatches: [ValueMismatch]
    /// Values the target stored differently when the message was appended (a date it cannot represent,
    /// keywords it drops), recorded then: a limit of the server, reported but not a failure.
    public var targetRewrites: [ValueMismatch] = []
    /// Messages skipped on purpose (listed, not failures).
    public var skipped: [SkippedReference]
    /// Source messages that arrived after the last pass of this folder; the next pass copies them.
    public var notCopiedYet: Int
    /// Messages whose flags changed on the source after the last pass; the next pass carries them.
    public var flagsNotCarriedYet: Int
    /// Messages copied by mailmig and since deleted on the source (still on the target).
    public var deletedOnSource: Int

    /// Creates an empty comparison.
    public init(source: String, target: String, targetExists: Bool) {
        self.source = source
        self.target = target
        self.targetExists = targetExists
        expected = 0
        expectedBytes = 0
        found = 0
        foundBytes = 0
        messageIDsMatch = true
        missing = []
        extra = []
        flagMismatches = []
        dateMismatches = []
        sizeMismatches = []
        bodyMismatches = []
        skipped = []
        notCopiedYet = 0
        flagsNotCarriedYet = 0
        deletedOnSource = 0
    }

    /// Differences that fail the verification.
    public var differences: Int {
        missing.count + duplicates.count + flagMismatches.count + dateMismatches.count + sizeMismatches.count + bodyMismatches.count
    }

    /// Whether nothing differs.
    public var passed: Bool { differences == 0 }
}

extension FolderVerification {
    private enum CodingKeys: String, CodingKey {
        case source, target, targetExists, expected, expectedBytes, found, foundBytes, messageIDsMatch, missing, extra, duplicates
        case flagMismatches, dateMismatches, sizeMismatches, bodyMismatches, targetRewrites, skipped, notCopiedYet, flagsNotCarriedYet
        case deletedOnSource
    }

    /// Decodes a recorded comparison; lists an older version did not record read as empty.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(source: try values.decode(String.self, forKey: .source), target: try values.decode(String.self, forKey: .target),
                  targetExists: try values.decode(Bool.self, forKey: .targetExists))
        expected = try values.decode(Int.self, forKey: .expected)
        expectedBytes = try values.decode(Int64.self, forKey: .expectedBytes)
        found = try values.decode(Int.self, forKey: .found)
        foundBytes = try values.decode(Int64.self, forKey: .foundBytes)
        messageIDsMatch = try values.decode(Bool.self, forKey: .messageIDsMatch)
        missing = try values.decode([MessageReference].self, forKey: .missing)
        extra = try values.decode([MessageReference].self, forKey: .extra)
        duplicates = try values.decodeIfPresent([MessageReference].self, forKey: .duplicates) ?? []
        flagMismatches = try values.decode([ValueMismatch].self, forKey: .flagMismatches)
        dateMismatches = try values.decode([ValueMismatch].self, forKey: .dateMismatches)
        sizeMismatches = try values.decode([ValueMismatch].self, forKey: .sizeMismatches)
        bodyMismatches = try values.decode([ValueMismatch].self, forKey: .bodyMismatches)
        targetRewrites = try values.decodeIfPresent([ValueMismatch].self, forKey: .targetRewrites) ?? []
        skipped = try values.decode([SkippedReference].self, forKey: .skipped)
        notCopiedYet = try values.decode(Int.self, forKey: .notCopiedYet)
        flagsNotCarriedYet = try values.decode(Int.self, forKey: .flagsNotCarriedYet)
        deletedOnSource = try values.decode(Int.self, forKey: .deletedOnSource)
    }
}
