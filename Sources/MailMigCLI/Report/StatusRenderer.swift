import Foundation
import MailMigCore

/// Turns a status into what `mailmig status` prints: text for people, or JSON lines.
public enum StatusRenderer {
    /// One block per batch and mailbox, then one per domain.
    public static func human(_ status: StatusReport, palette: Palette = Palette(enabled: false)) -> String {
        var out = palette.bold("Status of \(status.planName)") + " (state serial \(status.serial), \(ReportFormatting.time(status.generatedAt)))\n"
        if status.batches.isEmpty { out += "\nThe plan has no batches, so no mailbox is migrated.\n" }
        for batch in status.batches {
            out += "\n" + palette.bold("Batch \(batch.name)")
            if batch.name == ReportBuilder.noBatch {
                out += ": mailboxes of the plan that no batch selects; they are not migrated\n"
                for mailbox in batch.mailboxes { out += mailboxBlock(mailbox, palette: palette) }
                continue
            }
            out += " (goal: \(batch.goal?.rawValue ?? "not in the plan any more"), "
            out += batch.reached.map { "every mailbox has reached \($0.rawValue))\n" } ?? "not every mailbox has completed a pass)\n"
            for mailbox in batch.mailboxes { out += mailboxBlock(mailbox, palette: palette) }
        }
        if !status.domains.isEmpty { out += "\n" + palette.bold("Domains") + " (DNS as recorded in the state; not queried)\n" }
        for domain in status.domains { out += domainBlock(domain, palette: palette) }
        if let verification = status.verification {
            out += "\nLast verification: \(ReportFormatting.time(verification.at))"
            out += verification.failedDomains.isEmpty ? ", no differences.\n" : ", differences in \(verification.failedDomains.joined(separator: ", ")).\n"
        }
        return out
    }

    /// `contacts: 412 copied in 2 address books, last pass …; 1 not copied`.
    static func collectionLine(_ status: CollectionStatus) -> String {
        let nouns = status.kind.collectionNoun
        var line = "\(status.kind.rawValue): \(ReportFormatting.count(status.copied)) copied"
        if let collections = status.collections { line += " in \(ReportFormatting.count(collections)) \(collections == 1 ? nouns.one : nouns.many)" }
        if let last = status.lastPass { line += ", last pass \(ReportFormatting.time(last))" } else { line += ", no pass completed yet" }
        if status.pending > 0 { line += "; \(ReportFormatting.count(status.pending)) being stored when a pass stopped, settled by the next" }
        if !status.conflicts.isEmpty { line += "; \(ReportFormatting.count(status.conflicts.count)) not copied" }
        return line
    }

    static func mailboxBlock(_ mailbox: MailboxStatus, palette: Palette) -> String {
        let mark: String
        switch mailbox.outcome {
        case .migrated: mark = palette.green("✓")
        case .migratedWithSkips: mark = palette.yellow("✓")
        case .failed: mark = palette.red("✗")
        case .inProgress: mark = palette.yellow("…")
        case .notStarted: mark = palette.dim("○")
        }
        var out = "  \(mark) \(palette.bold(mailbox.source)) → \(mailbox.target)  stage: \(ReportFormatting.stage(mailbox.stage))"
        out += mailbox.provisioned ? " (target created by mailmig)\n" : "\n"
        if mailbox.knownMessages > 0 || mailbox.sourceMessages != nil {
            var copied = "copied \(ReportFormatting.plural(mailbox.copied, "message")), \(ReportFormatting.bytes(mailbox.copiedBytes))"
            copied += " of \(ReportFormatting.plural(mailbox.knownMessages, "message")), \(ReportFormatting.bytes(mailbox.knownBytes)) known"
            if let source = mailbox.sourceMessages { copied += "; the source held \(ReportFormatting.plural(source, "message")) when its folders were last read" }
            out += "      \(copied)\n"
        } else {
            out += "      nothing copied yet\n"
        }
        if mailbox.skipped > 0 {
            out += "      " + palette.yellow("skipped \(ReportFormatting.plural(mailbox.skipped, "message")), \(ReportFormatting.bytes(mailbox.skippedBytes)):") + "\n"
            for reason in mailbox.skipReasons { out += "        \(reason.count) × \(ReportFormatting.line(reason.reason))\n" }
        }
        if mailbox.pending > 0 {
            out += "      \(ReportFormatting.plural(mailbox.pending, "message")) of an interrupted chunk await reconciliation by the next pass\n"
        }
        if let error = mailbox.error { out += "      " + palette.red("failed: ") + ReportFormatting.line(error) + "\n" }
        if let last = mailbox.lastPass {
            var line = "last pass \(ReportFormatting.time(last))"
            if let duration = mailbox.lastDuration { line += ", took \(ReportFormatting.duration(duration))" }
            if let result = mailbox.lastResult {
                line += ": \(ReportFormatting.count(result.copied)) copied (\(ReportFormatting.bytes(result.bytes))), \(result.skipped) skipped, \(result.flagUpdates) flag updates"
                if result.inOtherFolders > 0 {
                    line += "; \(ReportFormatting.plural(result.inOtherFolders, "message")) found in other folders, not copied again"
                }
                if result.labelled > 0 {
                    line += "; \(ReportFormatting.plural(result.labelled, "message")) labelled into a further folder instead of uploaded again"
                }
                for side in [MailSide.source, .target] where result.throttledSeconds(side) > 0 {
                    line += "; held back \(ReportFormatting.duration(result.throttledSeconds(side))) by the \(side.rawValue)'s throttling"
                }
            }
            out += "      \(line)\n"
            for (folder, keywords) in (mailbox.lastResult?.droppedKeywords ?? [:]).sorted(by: { $0.key < $1.key }) {
                out += "      " + palette.yellow("\(folder): keywords left out, not valid IMAP atoms: ")
                    + ReportFormatting.line(keywords.map { "'\($0)'" }.joined(separator: ", ")) + "\n"
            }
        } else {
            out += "      " + palette.dim("no pass completed yet") + "\n"
        }
        for status in mailbox.collections {
            out += "      " + collectionLine(status) + "\n"
            if let error = status.error { out += "        " + palette.red("failed: ") + ReportFormatting.line(error) + "\n" }
            for conflict in status.conflicts.prefix(20) { out += "        " + palette.yellow("not copied: ") + ReportFormatting.line(conflict) + "\n" }
            if status.conflicts.count > 20 {
                out += "        " + palette.yellow("and \(status.conflicts.count - 20) more not copied (mailmig report --format json lists all)") + "\n"
            }
        }
        if let backup = mailbox.backup {
            var line = "backup: \(ReportFormatting.plural(backup.copied, "message")), \(ReportFormatting.bytes(backup.bytes)) kept"
            if backup.skipped > 0 { line += ", \(backup.skipped) left out" }
            line += "; verify --backup: \(ReportFormatting.verdict(backup.verification))"
            out += "      \(line)\n"
        }
        var verification = "      verification: \(ReportFormatting.verdict(mailbox.verification))"
        if let verdict = mailbox.verification, let last = mailbox.lastPass, verdict.at < last {
            verification += palette.yellow(" (before the last pass; run mailmig verify again)")
        }
        out += verification + "\n"
        return out
    }

    static func domainBlock(_ domain: DomainStatus, palette: Palette) -> String {
        var out = "  \(palette.bold(domain.name))  route in the plan: \(domain.route.rawValue)"
        if domain.cutOver {
            out += ", " + palette.green("cut over") + (domain.cutoverAt.map { " at \(ReportFormatting.time($0))" } ?? "") + "\n"
        } else {
            out += ", not cut over\n"
        }
        if domain.records.isEmpty { out += "      no records recorded yet (the first apply takes them under management)\n" }
        for record in domain.records {
            out += "      \(record.key.description)  \(record.phase.rawValue)  \(record.ttlState)\n"
            if let applied = record.applied, !applied.values.isEmpty { out += "          \(ReportFormatting.line(applied.values.joined(separator: ", ")))\n" }
            if let request = record.requested {
                let records = request.desired.map { "ttl \($0.ttl): " + $0.values.joined(separator: ", ") } ?? "no records"
                out += "          \(palette.yellow("⧗ waiting for the operator")) since \(ReportFormatting.time(request.at)): \(ReportFormatting.line(records)); the next apply checks it\n"
            }
        }
        if let earliest = domain.earliestCutover {
            out += "      earliest cutover: \(ReportFormatting.time(earliest)) (as recorded)\n"
            for reason in domain.waitingFor { out += "      " + palette.yellow("waits: ") + ReportFormatting.line(reason) + "\n" }
        }
        return out
    }

    /// JSON lines: `status`, one `mailbox` per mailbox, one `domain` per domain.
    public static func jsonLines(_ status: StatusReport) -> String {
        var lines = [JSONLine.encode([
            "type": "status", "plan": status.planName, "lineage": status.lineage, "serial": status.serial,
            "generated_at": ReportFormatting.time(status.generatedAt),
            "verification": status.verification.map { ["at": ReportFormatting.time($0.at), "failed_domains": $0.failedDomains] as [String: any Sendable] } ?? NSNull(),
        ])]
        for batch in status.batches {
            lines.append(JSONLine.encode(["type": "batch", "name": batch.name, "goal": batch.goal?.rawValue ?? NSNull(),
                                          "reached": batch.reached?.rawValue ?? NSNull(), "mailboxes": batch.mailboxes.count]))
            for mailbox in batch.mailboxes {
                var object = ReportJSON.mailboxObject(mailbox)
                object["type"] = "mailbox"
                lines.append(JSONLine.encode(object))
            }
        }
        for domain in status.domains {
            var object = ReportJSON.domainObject(domain)
            object["type"] = "domain"
            lines.append(JSONLine.encode(object))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
