import MailMigCore

/// The records an operator must set by hand, as DNS hosts' forms ask for them.
public enum ChecklistRenderer {
    /// One block per provider: the instruction for each RRset, then one `name  type  TTL  value` line per record.
    public static func human(_ items: [DNSChecklistItem], palette: Palette = Palette(enabled: false)) -> String {
        guard !items.isEmpty else { return "" }
        var out = ""
        for provider in Array(Set(items.map(\.provider))).sorted() {
            out += palette.yellow("Set these records by hand at DNS provider \(provider)") + ", then run `mailmig apply` again:\n"
            for item in items where item.provider == provider {
                out += "  \(palette.yellow("⧗")) \(item.instruction):\n"
                for line in item.recordLines { out += "      \(line)\n" }
                if let current = item.current, item.desired != nil {
                    out += palette.dim("      (now: \(current.description))") + "\n"
                }
            }
        }
        out += "The next apply reads them at the zone's servers and records them once they match.\n"
        return out
    }
}
