import Foundation
import MailMigCore

/// The closeout report as one JSON object (`type: report`, `version`), with the objects `status --json` shares.
public enum ReportJSON {
    /// The whole report, pretty-printed with sorted keys.
    public static func render(_ report: CloseoutReport) -> String {
        let summary = report.summary
        var outcomes: [String: any Sendable] = [:]
        for outcome in MailboxOutcome.allCases { outcomes[outcome.rawValue] = summary.count(outcome) }
        let object: [String: any Sendable] = [
            "type": "report", "version": JSONLine.version,
            "plan": report.status.planName, "lineage": report.status.lineage, "serial": report.status.serial,
            "generated_at": ReportFormatting.time(report.status.generatedAt),
            "summary": [
                "mailboxes": summary.mailboxes, "outcomes": outcomes,
                "messages": summary.messages, "bytes": summary.bytes,
                "skipped_messages": summary.skippedMessages, "skipped_bytes": summary.skippedBytes,
                "first_start": optionalTime(summary.firstStart), "last_end": optionalTime(summary.lastEnd),
                "active_seconds": summary.activeSeconds,
                "source_throttled_seconds": summary.sourceThrottledSeconds, "target_throttled_seconds": summary.targetThrottledSeconds,
                "bytes_per_second": summary.bytesPerSecond ?? NSNull(), "messages_per_second": summary.messagesPerSecond ?? NSNull(),
            ] as [String: any Sendable],
            "batches": report.status.batches.map { batch -> [String: any Sendable] in
                ["name": batch.name, "goal": batch.goal?.rawValue ?? NSNull(), "reached": batch.reached?.rawValue ?? NSNull(),
                 "mailboxes": batch.mailboxes.map(\.source)]
            },
            "mailboxes": report.status.mailboxes.map(mailboxObject),
            "skipped": report.skipped.map { message -> [String: any Sendable] in
                ["mailbox": message.mailbox, "folder": message.folder, "uidvalidity": Int(message.uidValidity), "uid": message.uid.uid.map { Int($0) as any Sendable } ?? message.uid.value,
                 "size": message.size, "internal_date": message.internalDate ?? NSNull(), "message_id": message.messageID ?? NSNull(),
                 "reason": message.reason]
            },
            "failures": report.failures.map { failure -> [String: any Sendable] in
                ["mailbox": failure.mailbox, "reason": failure.reason, "at": optionalTime(failure.at)]
            },
            "dns_changes": report.dnsChanges.map { change -> [String: any Sendable] in
                ["serial": change.serial, "at": ReportFormatting.time(change.at), "address": change.address, "change": change.change,
                 "before": change.before, "after": change.after]
            },
            "domains": report.status.domains.map(domainObject),
            "verification": report.status.verification.map(verificationObject) ?? NSNull(),
            "applies": report.applies.map { apply -> [String: any Sendable] in
                ["id": apply.id, "operation": apply.operation, "status": apply.status, "started_at": ReportFormatting.time(apply.startedAt),
                 "finished_at": optionalTime(apply.finishedAt), "serial_before": apply.serialBefore, "serial_after": apply.serialAfter ?? NSNull()]
            },
        ]
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "{\"type\":\"error\",\"version\":\(JSONLine.version)}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// One mailbox, as `status --json` and the report write it.
    public static func mailboxObject(_ mailbox: MailboxStatus) -> [String: any Sendable] {
        var object: [String: any Sendable] = [
            "source": mailbox.source, "target": mailbox.target, "batch": mailbox.batch, "stage": mailbox.stage?.rawValue ?? NSNull(),
            "outcome": mailbox.outcome.rawValue, "provisioned": mailbox.provisioned,
            "copied_messages": mailbox.copied, "copied_bytes": mailbox.copiedBytes,
            "skipped_messages": mailbox.skipped, "skipped_bytes": mailbox.skippedBytes,
            "known_messages": mailbox.knownMessages, "known_bytes": mailbox.knownBytes,
            "source_messages_at_last_pass": mailbox.sourceMessages ?? NSNull(), "folders": mailbox.folders, "pending": mailbox.pending,
            "skip_reasons": mailbox.skipReasons.map { ["reason": $0.reason, "messages": $0.count, "bytes": $0.bytes] as [String: any Sendable] },
            "error": mailbox.error ?? NSNull(),
            "last_pass": optionalTime(mailbox.lastPass), "last_duration_seconds": mailbox.lastDuration ?? NSNull(),
        ]
        if let result = mailbox.lastResult {
            object["last_result"] = ["copied": result.copied, "bytes": result.bytes, "skipped": result.skipped, "flag_updates": result.flagUpdates,
                                     "folders": result.folders, "created_folders": result.createdFolders, "reconciled": result.reconciled,
                                     "rekeyed": result.rekeyed, "deduplicated": result.deduplicated,
                                     "dropped_keywords": result.droppedKeywords,
                                     "source_throttled_seconds": result.sourceThrottledSeconds,
                                     "target_throttled_seconds": result.targetThrottledSeconds] as [String: any Sendable]
        } else {
            object["last_result"] = NSNull()
        }
        if !mailbox.collections.isEmpty {
            object["collections"] = mailbox.collections.map { status -> [String: any Sendable] in
                ["kind": status.kind.rawValue, "collections": status.collections ?? NSNull(), "copied": status.copied, "pending": status.pending,
                 "not_copied": status.conflicts, "last_pass": status.lastPass.map(ReportFormatting.time) ?? NSNull()]
            }
        }
        if let backup = mailbox.backup {
            var kept: [String: any Sendable] = ["copied_messages": backup.copied, "copied_bytes": backup.bytes, "skipped_messages": backup.skipped]
            if let verdict = backup.verification {
                kept["verification"] = ["at": ReportFormatting.time(verdict.at), "passed": verdict.passed,
                                        "differences": verdict.differences] as [String: any Sendable]
            }
            object["backup"] = kept
        }
        if let verdict = mailbox.verification {
            object["verification"] = ["at": ReportFormatting.time(verdict.at), "passed": verdict.passed, "deep": verdict.deep,
                                      "differences": verdict.differences] as [String: any Sendable]
        } else {
            object["verification"] = NSNull()
        }
        return object
    }

    /// One domain with its recorded RRsets and cutover gate.
    public static func domainObject(_ domain: DomainStatus) -> [String: any Sendable] {
        [
            "name": domain.name, "route": domain.route.rawValue, "cut_over": domain.cutOver, "cutover_at": optionalTime(domain.cutoverAt),
            "earliest_cutover": optionalTime(domain.earliestCutover), "waiting_for": domain.waitingFor, "source_of_dns": "recorded",
            "records": domain.records.map { record -> [String: any Sendable] in
                [
                    "name": record.key.fqdn, "type": record.key.type.rawValue, "address": record.key.address, "phase": record.phase.rawValue,
                    "ttl": record.applied?.ttl ?? NSNull(), "values": record.applied?.values ?? [],
                    "original_ttl": record.original?.ttl ?? NSNull(),
                    "lowered": record.lowered.map { lowered -> [String: any Sendable] in
                        ["ttl": lowered.ttl, "from_ttl": lowered.fromTTL, "at": ReportFormatting.time(lowered.at),
                         "old_ttl_expires": ReportFormatting.time(lowered.oldTTLExpires)]
                    } ?? NSNull(),
                    "cutover_at": optionalTime(record.cutoverAt),
                    "waiting_for_operator": record.requested.map { request -> [String: any Sendable] in
                        ["since": ReportFormatting.time(request.at), "ttl": request.desired?.ttl ?? NSNull(), "values": request.desired?.values ?? []]
                    } ?? NSNull(),
                ]
            },
        ]
    }

    static func verificationObject(_ record: VerificationRecord) -> [String: any Sendable] {
        var mailboxes: [String: any Sendable] = [:]
        for (source, verdict) in record.mailboxes {
            mailboxes[source] = ["at": ReportFormatting.time(verdict.at), "passed": verdict.passed, "deep": verdict.deep,
                                 "differences": verdict.differences] as [String: any Sendable]
        }
        return ["at": ReportFormatting.time(record.at), "failed_domains": record.failedDomains, "mailboxes": mailboxes]
    }

    static func optionalTime(_ date: Date?) -> any Sendable { date.map(ReportFormatting.time) ?? NSNull() }
}
