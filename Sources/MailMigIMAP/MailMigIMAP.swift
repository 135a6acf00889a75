/// A pipelined, streaming IMAP4rev1/IMAP4rev2 client on SwiftNIO.
///
/// This module knows nothing about plans; the engine's mail provider builds on it.
public enum MailMigIMAP {}
