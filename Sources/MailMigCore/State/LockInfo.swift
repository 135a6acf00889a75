import Foundation

/// Who holds the state lock, as every "state is locked" error prints it.
public struct LockInfo: Sendable, Codable, Equatable {
    /// A random id, for `force-unlock`.
    public var id: String
    /// The command holding it (`apply`, `rollback`, …).
    public var operation: String
    /// `user@host`.
    public var who: String
    /// The holder's process id.
    public var pid: Int32
    /// When it was taken.
    public var since: Date

    /// Creates a holder record.
    public init(id: String, operation: String, who: String, pid: Int32, since: Date) {
        self.id = id
        self.operation = operation
        self.who = who
        self.pid = pid
        self.since = since
    }

    /// `apply (id …, user@host, pid N, since …)`.
    public var summary: String {
        "\(operation) (id \(id), \(who), pid \(pid), since \(Formatting.timestamp(since)))"
    }

    /// `user@host` of this process: the account database's name for its user id, else the login name
    /// from the environment (an id without an account, in a container), else `uid N`. The account
    /// comes first because the environment can say anything (`sudo` keeps or changes USER at will).
    public static func currentUserAndHost() -> String {
        let environment = ProcessInfo.processInfo.environment
        let user = accountName() ?? environment["USER"] ?? environment["LOGNAME"] ?? "uid \(getuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }

    private static func accountName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}
