import MailMigCore
/// The formats of `mailmig report`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// One self-contained page.
    case html
    /// For a ticket or a pull request.
    case markdown
    /// One JSON object.
    case json
    /// One row per mailbox.
    case csv

    /// The report in this format.
    public func render(_ report: CloseoutReport) -> String {
        switch self {
        case .html: return ReportHTML.render(report)
        case .markdown: return ReportMarkdown.render(report)
        case .json: return ReportJSON.render(report)
        case .csv: return ReportCSV.render(report)
        }
    }
}
