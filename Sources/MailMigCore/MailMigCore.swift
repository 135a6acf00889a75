/// The migration engine: plan files, state, planner, executor and reports. No terminal I/O.
public enum MailMigCore {
    /// The version of mailmig, printed by `mailmig --version`.
    public static let version = "0.1.0"
}
