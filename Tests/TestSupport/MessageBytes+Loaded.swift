import MailMigSpool

extension MessageBytes {
    /// All the bytes, for fakes and assertions: the in-memory bytes, or a spool file read whole (a
    /// spool file that cannot be read gives no bytes, which no assertion on content accepts).
    public var loaded: [UInt8] { (try? bytes()) ?? [] }
}
