
extension FolderRecord {
    /// Whether STATUS shows the folder exactly as the last pass left it, for a pass with `settings`:
    /// same UIDVALIDITY, UIDNEXT, message count and HIGHESTMODSEQ, a stage at least as far, and for a
    /// presync the same cutoff day. Such a folder needs no fetching at all.
    func isCurrent(with status: FolderStatus?, for settings: MailPassSettings) -> Bool {
        guard let status else { return false }
        return uidValidity == status.uidValidity && uidNext == status.uidNext && messages == status.messages
            && highestModSeq == status.highestModSeq && stage >= settings.stage
            && (settings.stage != .presync || cutoff == MailPlanner.day(settings.cutoff))
    }
}
