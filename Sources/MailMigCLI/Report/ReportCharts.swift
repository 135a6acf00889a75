import Foundation
import MailMigCore

/// The inline SVG charts of the HTML report: no scripts, no outside references, every text escaped.
enum ReportCharts {
    static let copiedColour = "#2f6f4f"
    static let skippedColour = "#d08c1f"

    /// One horizontal bar per mailbox: messages copied, then messages skipped, scaled to the largest mailbox.
    static func mailboxBars(_ mailboxes: [MailboxStatus]) -> String {
        guard !mailboxes.isEmpty else { return "<p class=\"muted\">No mailboxes.</p>" }
        let labelWidth = 250.0
        let barWidth = 560.0
        let rowHeight = 26.0
        let top = 8.0
        let width = labelWidth + barWidth + 150
        let height = top + Double(mailboxes.count) * rowHeight + 30
        let largest = Double(max(mailboxes.map(\.knownMessages).max() ?? 0, 1))
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"Messages migrated and skipped per mailbox\" viewBox=\"0 0 \(HTMLText.number(width)) \(HTMLText.number(height))\" width=\"\(HTMLText.number(width))\" height=\"\(HTMLText.number(height))\">"
        svg += "<title>Messages migrated and skipped per mailbox</title>"
        for (index, mailbox) in mailboxes.enumerated() {
            let y = top + Double(index) * rowHeight
            let copied = Double(mailbox.copied) / largest * barWidth
            let skipped = Double(mailbox.skipped) / largest * barWidth
            svg += "<text x=\"\(HTMLText.number(labelWidth - 10))\" y=\"\(HTMLText.number(y + 15))\" text-anchor=\"end\" class=\"label\">\(HTMLText.escape(mailbox.source))</text>"
            svg += "<rect x=\"\(HTMLText.number(labelWidth))\" y=\"\(HTMLText.number(y + 3))\" width=\"\(HTMLText.number(barWidth))\" height=\"16\" class=\"track\"/>"
            if copied > 0 {
                svg += "<rect x=\"\(HTMLText.number(labelWidth))\" y=\"\(HTMLText.number(y + 3))\" width=\"\(HTMLText.number(max(copied, 1)))\" height=\"16\" fill=\"\(copiedColour)\"><title>\(HTMLText.escape("\(mailbox.source): \(ReportFormatting.count(mailbox.copied)) copied, \(ReportFormatting.bytes(mailbox.copiedBytes))"))</title></rect>"
            }
            if skipped > 0 {
                svg += "<rect x=\"\(HTMLText.number(labelWidth + copied))\" y=\"\(HTMLText.number(y + 3))\" width=\"\(HTMLText.number(max(skipped, 2)))\" height=\"16\" fill=\"\(skippedColour)\"><title>\(HTMLText.escape("\(mailbox.source): \(ReportFormatting.count(mailbox.skipped)) skipped"))</title></rect>"
            }
            var figure = ReportFormatting.count(mailbox.copied)
            if mailbox.skipped > 0 { figure += " + \(ReportFormatting.count(mailbox.skipped)) skipped" }
            if mailbox.outcome == .failed { figure += " · failed" }
            svg += "<text x=\"\(HTMLText.number(labelWidth + max(copied + skipped, 0) + 8))\" y=\"\(HTMLText.number(y + 15))\" class=\"figure\">\(HTMLText.escape(figure))</text>"
        }
        let legendY = top + Double(mailboxes.count) * rowHeight + 12
        svg += "<rect x=\"\(HTMLText.number(labelWidth))\" y=\"\(HTMLText.number(legendY))\" width=\"12\" height=\"12\" fill=\"\(copiedColour)\"/>"
        svg += "<text x=\"\(HTMLText.number(labelWidth + 18))\" y=\"\(HTMLText.number(legendY + 10))\" class=\"legend\">migrated</text>"
        svg += "<rect x=\"\(HTMLText.number(labelWidth + 100))\" y=\"\(HTMLText.number(legendY))\" width=\"12\" height=\"12\" fill=\"\(skippedColour)\"/>"
        svg += "<text x=\"\(HTMLText.number(labelWidth + 118))\" y=\"\(HTMLText.number(legendY + 10))\" class=\"legend\">skipped</text>"
        return svg + "</svg>"
    }

    /// The applies and rollbacks on a time axis, one row each (the most recent 40), coloured by outcome.
    static func timeline(_ applies: [ApplyRecord]) -> String {
        guard !applies.isEmpty else { return "<p class=\"muted\">No apply has run yet.</p>" }
        let shown = Array(applies.suffix(40))
        let start = shown.map(\.startedAt).min() ?? Date()
        let end = max(shown.map { $0.finishedAt ?? $0.startedAt }.max() ?? start, start.addingTimeInterval(1))
        let span = end.timeIntervalSince(start)
        let labelWidth = 190.0
        let axisWidth = 620.0
        let rowHeight = 22.0
        let top = 10.0
        let width = labelWidth + axisWidth + 140
        let height = top + Double(shown.count) * rowHeight + 40
        func x(_ date: Date) -> Double { labelWidth + date.timeIntervalSince(start) / span * axisWidth }
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"Timeline of applies\" viewBox=\"0 0 \(HTMLText.number(width)) \(HTMLText.number(height))\" width=\"\(HTMLText.number(width))\" height=\"\(HTMLText.number(height))\">"
        svg += "<title>Timeline of applies</title>"
        let axisY = top + Double(shown.count) * rowHeight + 4
        for step in 0...4 {
            let date = start.addingTimeInterval(span * Double(step) / 4)
            let position = x(date)
            svg += "<line x1=\"\(HTMLText.number(position))\" y1=\"\(HTMLText.number(top))\" x2=\"\(HTMLText.number(position))\" y2=\"\(HTMLText.number(axisY))\" class=\"grid\"/>"
            let anchor = step == 0 ? "start" : step == 4 ? "end" : "middle"
            let text = step == 0 || span >= 120 ? axisLabel(date, span: span) : "+" + ReportFormatting.duration(span * Double(step) / 4)
            svg += "<text x=\"\(HTMLText.number(position))\" y=\"\(HTMLText.number(axisY + 16))\" text-anchor=\"\(anchor)\" class=\"axis\">\(HTMLText.escape(text))</text>"
        }
        for (index, apply) in shown.enumerated() {
            let y = top + Double(index) * rowHeight
            let from = x(apply.startedAt)
            let to = x(apply.finishedAt ?? apply.startedAt)
            let duration = (apply.finishedAt ?? apply.startedAt).timeIntervalSince(apply.startedAt)
            let label = "\(apply.operation) \(ReportFormatting.time(apply.startedAt).dropFirst(5).prefix(11).replacingOccurrences(of: "T", with: " "))"
            svg += "<text x=\"\(HTMLText.number(labelWidth - 10))\" y=\"\(HTMLText.number(y + 14))\" text-anchor=\"end\" class=\"label\">\(HTMLText.escape(label))</text>"
            svg += "<rect x=\"\(HTMLText.number(from))\" y=\"\(HTMLText.number(y + 4))\" width=\"\(HTMLText.number(max(to - from, 4)))\" height=\"13\" rx=\"2\" fill=\"\(colour(apply))\">"
            svg += "<title>\(HTMLText.escape("\(apply.operation) \(apply.status), \(ReportFormatting.time(apply.startedAt)), \(ReportFormatting.duration(duration)), serial \(apply.serialBefore) → \(apply.serialAfter.map(String.init) ?? "?")"))</title></rect>"
            svg += "<text x=\"\(HTMLText.number(max(to, from + 4) + 6))\" y=\"\(HTMLText.number(y + 14))\" class=\"figure\">\(HTMLText.escape("\(apply.status), \(ReportFormatting.duration(duration))"))</text>"
        }
        return svg + "</svg>"
    }

    static func colour(_ apply: ApplyRecord) -> String {
        switch apply.status {
        case "succeeded": return apply.operation == "rollback" ? "#5b5fa8" : copiedColour
        case "failed": return "#b3261e"
        case "interrupted": return skippedColour
        default: return "#8a8f98"
        }
    }

    /// `11-21 18:40` over a day or more, `18:40:12` within a day (ticks of short spans are offsets: `+1.5s`).
    static func axisLabel(_ date: Date, span: TimeInterval) -> String {
        let text = ReportFormatting.time(date)
        let time = text.dropFirst(11).prefix(8)
        return span >= 86_400 ? "\(text.dropFirst(5).prefix(5)) \(time.prefix(5))" : String(time)
    }
}
