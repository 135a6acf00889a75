
extension FolderRecord {
    /// Whether STATUS shows the folder exactly as the last pass left it, for a pass with `settings`:
    /// same UIDVALIDITY, UIDNEXT, message count and HIGHESTMODSEQ, a stage at least as far, and for a
    /// presync the same cutoff day, and nothing found by verify that a pass puts right. Such a folder
    /// needs no fetching at all.
    ///
    /// Without CONDSTORE there is no HIGHESTMODSEQ, and STATUS does not change when only flags do; a
    /// pass that carries flags (sync, final) must then compare them, so such a folder is never current.
    /// A presync carries no flags: a change of HIGHESTMODSEQ alone is nothing for it to do.
    func isCurrent(with status: FolderStatus?, for settings: MailPassSettings) -> Bool {
        guard let status, verifyFindings?.needsPass != true else { return false }
        if status.highestModSeq == nil, settings.stage >= .sync { return false }
        return uidValidity == status.uidValidity && uidNext == status.uidNext && messages == status.messages
            && (settings.stage < .sync || highestModSeq == status.highestModSeq) && stage >= settings.stage
            && (settings.stage != .presync || cutoff == MailPlanner.day(settings.cutoff))
    }
}
