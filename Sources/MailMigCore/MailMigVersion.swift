/// The version of this build of mailmig.
public enum MailMigVersion {
    /// Printed by `mailmig --version` and written into saved plans.
    public static let current = "0.1.0"
}
