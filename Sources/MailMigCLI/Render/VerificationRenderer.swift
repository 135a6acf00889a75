import Foundation
import MailMigCore

/// Prints a verification for people (one line per mailbox, then the differences per folder) or as JSON lines.
public enum VerificationRenderer {
    /// The human form.
    public static func human(_ report: VerificationReport, palette: Palette) -> String {
        var out = ""
        for mailbox in report.mailboxes {
            let stage = mailbox.stage.map { " (\($0.rawValue))" } ?? ""
            let head = "\(mailbox.source) → \(report.backup ? "backup" : mailbox.target)\(stage)"
            switch mailbox.outcome {
            case .notMigrated:
                out += palette.dim("○ \(mailbox.source): not migrated yet, nothing to compare") + "\n"
                continue
            case .interrupted:
                out += "\(palette.red("✗")) \(head): half copied: \(mailbox.error ?? "a pass was interrupted")\n"
                continue
            case .passed:
                out += "\(palette.green("✓")) \(head): \(counts(mailbox))\n"
            case .failed:
                if let error = mailbox.error {
                    out += "\(palette.red("✗")) \(head): could not be compared: \(error)\n"
                    continue
                }
                let differences = mailbox.differences
                out += "\(palette.red("✗")) \(head): \(counts(mailbox)), \(Formatting.count(differences)) difference\(differences == 1 ? "" : "s")\n"
            }
            out += details(mailbox, palette: palette, copy: report.backup ? "backup" : "target")
            for finding in mailbox.integrity {
                out += "    \(palette.red("backup")): \(finding)\n"
            }
            for collection in mailbox.collections ?? [] {
                let mark = collection.passed ? palette.green("✓") : palette.red("✗")
                out += "    \(mark) \(collection.kind.rawValue) '\(collection.collection)': \(Formatting.count(collection.equal))/\(Formatting.count(collection.items)) equal\n"
                for name in collection.missing.prefix(10) { out += "      missing on the target: \(name)\n" }
                for name in collection.differing.prefix(10) { out += "      differs on the target: \(name)\n" }
                let more = max(0, collection.missing.count - 10) + max(0, collection.differing.count - 10)
                if more > 0 { out += "      and \(Formatting.count(more)) more\n" }
                for line in collection.notCopied.prefix(10) { out += "      " + palette.yellow("not copied: ") + line + "\n" }
            }
        }
        out += "\n" + verdict(report, palette: palette) + "\n"
        return out
    }

    /// `12/12 messages, 45.1 KiB in 6 folders`, and `, 2 skipped on purpose` when messages were skipped.
    static func counts(_ mailbox: MailboxVerification) -> String {
        let count = mailbox.folders.count
        let skipped = mailbox.skipped > 0 ? ", \(Formatting.count(mailbox.skipped)) skipped on purpose" : ""
        return "\(Formatting.count(mailbox.found))/\(Formatting.count(mailbox.expected)) messages, \(Formatting.bytes(mailbox.expectedBytes)) in \(count) folder\(count == 1 ? "" : "s")\(skipped)"
    }

    /// The lines under a mailbox: differences, then warnings, skipped messages and notes. `copy` names
    /// what was compared with the source (`target`, or `backup` for verify --backup), so no line of a
    /// backup's verification speaks of a target it never read.
    static func details(_ mailbox: MailboxVerification, palette: Palette, copy: String = "target") -> String {
        var out = ""
        for folder in mailbox.folders {
            let name = folder.source == folder.target ? folder.source : "\(folder.source) → \(folder.target)"
            var lines: [String] = []
            if !folder.targetExists, folder.expected > 0 {
                lines.append("the \(copy) folder \(folder.target) does not exist")
            }
            if folder.found != folder.expected || folder.foundBytes != folder.expectedBytes {
                lines.append("counts: \(Formatting.count(folder.expected)) expected (\(Formatting.count(Int(folder.expectedBytes))) bytes), \(Formatting.count(folder.found)) found (\(Formatting.count(Int(folder.foundBytes))) bytes)")
            }
            if !folder.messageIDsMatch, folder.missing.isEmpty { lines.append("the Message-IDs on the \(copy) are not those of the source") }
            lines += folder.missing.map { "missing on the \(copy): \(describe($0, copy: copy))" }
            lines += folder.duplicates.map { "a second copy on the \(copy) of a message mailmig copied: \(describe($0, copy: copy))" }
            lines += folder.flagMismatches.map { "flags differ: \(describe($0.message, copy: copy)): source \($0.source), \(copy) \($0.target)" }
            lines += folder.dateMismatches.map { "internal date differs: \(describe($0.message, copy: copy)): source \($0.source), \(copy) \($0.target)" }
            lines += folder.sizeMismatches.map { "size differs: \(describe($0.message, copy: copy)): source \($0.source) bytes, \(copy) \($0.target) bytes" }
            lines += folder.bodyMismatches.map { "body differs (SHA-256): \(describe($0.message, copy: copy)): source \($0.source.prefix(16))…, \(copy) \($0.target.prefix(16))…" }
            for line in lines { out += "    \(palette.red(name)): \(line)\n" }
            for extra in folder.extra {
                out += "    \(palette.yellow(name)): warning: on the \(copy) but not copied by mailmig: \(describe(extra, copy: copy))\n"
            }
            for rewrite in folder.targetRewrites {
                out += "    \(palette.yellow(name)): the \(copy) stores this differently (a limit of the server, recorded when it was copied): "
                    + "\(describe(rewrite.message, copy: copy)): sent \(rewrite.source), stored \(rewrite.target)\n"
            }
            for skip in folder.skipped {
                out += "    \(name): skipped on purpose: \(describe(skip.message, copy: copy)): \(skip.reason)\n"
            }
            if folder.notCopiedYet > 0 {
                out += palette.dim("    \(name): \(Formatting.count(folder.notCopiedYet)) message\(folder.notCopiedYet == 1 ? "" : "s") arrived after the last pass; the next pass copies them") + "\n"
            }
            if folder.flagsNotCarriedYet > 0 {
                out += palette.dim("    \(name): \(Formatting.count(folder.flagsNotCarriedYet)) flag change\(folder.flagsNotCarriedYet == 1 ? "" : "s") on the source after the last pass; the next pass carries them") + "\n"
            }
            if folder.deletedOnSource > 0 {
                out += palette.dim("    \(name): \(Formatting.count(folder.deletedOnSource)) message\(folder.deletedOnSource == 1 ? " was" : "s were") deleted on the source after copying (still on the \(copy))") + "\n"
            }
        }
        return out
    }

    /// `source UID 3, target UID 7, <id@host>, 1,234 bytes, 01-Jan-2024 10:00:00 +0000`; `copy` names the
    /// side compared with the source.
    static func describe(_ message: MessageReference, copy: String = "target") -> String {
        var parts: [String] = []
        if let uid = message.sourceUID { parts.append("source \(uid)") }
        if let uid = message.targetUID { parts.append("\(copy) \(uid)") }
        parts.append(message.messageID.map { "Message-ID \($0)" } ?? "no Message-ID")
        parts.append("\(Formatting.count(message.size)) bytes")
        if let date = message.internalDate { parts.append(date) }
        return parts.joined(separator: ", ")
    }

    /// The last line.
    static func verdict(_ report: VerificationReport, palette: Palette) -> String {
        let verified = report.mailboxes.filter { $0.outcome != .notMigrated }
        let failed = verified.filter { $0.outcome.fails }
        let kind = report.backup ? "Verification of the backup (SHA-256 of every body, and the files against the manifest)"
            : report.deep ? "Deep verification (SHA-256 of every body)" : "Verification"
        if verified.isEmpty { return "Nothing to verify: no mailbox has been migrated yet." }
        if failed.isEmpty {
            let passed = "\(kind) passed: \(verified.count) mailbox\(verified.count == 1 ? "" : "es") consistent"
            let skipped = report.skippedMessages
            guard skipped > 0 else { return palette.green(passed + ".") }
            // A pass with skipped messages is not a complete copy: say so where the verdict is read.
            return palette.yellow(passed + ", but \(Formatting.count(skipped)) message\(skipped == 1 ? " was" : "s were") skipped on purpose "
                                  + "and \(skipped == 1 ? "is" : "are") not on the \(report.backup ? "backup" : "target") (listed above; mailmig status says why).")
        }
        if report.backup {
            return palette.red("\(kind) failed: \(failed.count) of \(verified.count) mailbox\(verified.count == 1 ? "" : "es") differ from the source or from the manifest.")
        }
        // A mailbox that could not be compared (a refused login, a server error) is not said to differ.
        let uncompared = failed.filter { $0.outcome == .failed && $0.error != nil }.count
        let differing = failed.count - uncompared
        let of = "of \(verified.count) mailbox\(verified.count == 1 ? "" : "es")"
        var parts: [String] = []
        if differing > 0 { parts.append("\(differing) \(of) differ") }
        if uncompared > 0 { parts.append(differing > 0 ? "\(uncompared) could not be compared" : "\(uncompared) \(of) could not be compared") }
        let held = report.gatesCutover == false ? "" : "; the cutover of \(report.failedDomains.joined(separator: ", ")) is held back until verify passes"
        return palette.red("\(kind) failed: \(parts.joined(separator: ", "))\(held).")
    }

    /// One JSON object per line: a `verify-mailbox` line per mailbox, then a `verify-summary` line.
    public static func jsonLines(_ report: VerificationReport) -> String {
        var out = ""
        for mailbox in report.mailboxes {
            out += JSONOutput.line(type: "verify-mailbox", VerifyMailboxLine(mailbox)) + "\n"
        }
        let summary = VerifySummaryLine(at: report.at, deep: report.deep, backup: report.backup, passed: report.passed, failedDomains: report.failedDomains,
                                        verified: report.mailboxes.filter { $0.outcome != .notMigrated }.count,
                                        failed: report.mailboxes.filter { $0.outcome.fails }.count, skipped: report.skippedMessages)
        out += JSONOutput.line(type: "verify-summary", summary) + "\n"
        return out
    }
}

/// A mailbox as a JSON line, with its totals.
struct VerifyMailboxLine: Encodable {
    var source: String
    var target: String
    var stage: Stage?
    var outcome: MailboxVerification.Outcome
    var error: String?
    var expected: Int
    var expectedBytes: Int64
    var found: Int
    var differences: Int
    var folders: [FolderVerification]
    var integrity: [String]
    var collections: [CollectionVerification]?

    init(_ mailbox: MailboxVerification) {
        source = mailbox.source
        target = mailbox.target
        stage = mailbox.stage
        outcome = mailbox.outcome
        error = mailbox.error
        expected = mailbox.expected
        expectedBytes = mailbox.expectedBytes
        found = mailbox.found
        differences = mailbox.differences
        folders = mailbox.folders
        integrity = mailbox.integrity
        collections = mailbox.collections
    }
}

/// The last JSON line of a verification.
struct VerifySummaryLine: Encodable {
    var at: Date
    var deep: Bool
    var backup: Bool
    var passed: Bool
    var failedDomains: [String]
    var verified: Int
    var failed: Int
    var skipped: Int
}

/// Encodes a value as one JSON line with `type` and `version` next to its own keys.
enum JSONOutput {
    private struct Line<Value: Encodable>: Encodable {
        var type: String
        var value: Value

        enum Keys: String, CodingKey { case type, version }

        func encode(to encoder: any Encoder) throws {
            try value.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(type, forKey: .type)
            try container.encode(JSONLine.version, forKey: .version)
        }
    }

    /// `{"type":…,"version":1,…}` with snake_case keys and ISO 8601 dates.
    static func line<Value: Encodable>(type: String, _ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .custom { path in SnakeCaseKey(path.last.map { snakeCase($0.stringValue) } ?? "") }
        guard let data = try? encoder.encode(Line(type: type, value: value)) else {
            return "{\"type\":\"error\",\"version\":\(JSONLine.version)}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `messageIDsMatch` → `message_ids_match`, `targetUIDValidity` → `target_uid_validity`.
///
/// Foundation's `.convertToSnakeCase` splits a plural initialism (`IDs`) into `i_ds`; field names
/// documented in docs/verify-and-discover.md keep it one word.
func snakeCase(_ key: String) -> String {
    let characters = Array(key.replacingOccurrences(of: "IDs", with: "Ids"))
    var result = ""
    for (index, character) in characters.enumerated() {
        guard character.isUppercase else {
            result.append(character)
            continue
        }
        let afterLower = index > 0 && (characters[index - 1].isLowercase || characters[index - 1].isNumber)
        let startsWord = index > 0 && characters[index - 1].isUppercase && index + 1 < characters.count && characters[index + 1].isLowercase
        if afterLower || startsWord { result.append("_") }
        result += character.lowercased()
    }
    return result
}

/// A coding key made of a string.
private struct SnakeCaseKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
