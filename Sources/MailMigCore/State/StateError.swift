import Foundation

/// Something is wrong with the state database or its lock; one sentence each.
public enum StateError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Another process holds the lock; `plan` is the plan file's path as the operator gave it, which
    /// the `force-unlock` advice then names.
    case locked(LockInfo, plan: String? = nil)
    /// The lock was not released within `--lock-timeout`.
    case lockTimeout(LockInfo, seconds: Int)
    /// The database was written by a newer mailmig.
    case newerSchema(found: Int, supported: Int)
    /// The database cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// The database server cannot be reached or stopped answering (a shared state's server down,
    /// the network between): nothing can be recorded until it is back.
    case unreachable(path: String, reason: String)
    /// `force-unlock` was given an id that is not the current lock's.
    case lockMismatch(given: String, current: String?)
    /// `force-unlock` was asked to break a lock a live process still holds.
    case lockHeld(LockInfo)
    /// A saved plan does not fit the state.
    case stalePlan(String)
    /// A resource address is not in the state.
    case noSuchResource(String)

    /// Whether the failure is the state's server or the network to it, not the data.
    public var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }

    /// One sentence.
    public var description: String {
        switch self {
        case .locked(let info, let plan):
            let command = "mailmig force-unlock \(info.id)" + (plan.map { " \(Self.shellWord($0))" } ?? "")
            return "state is locked by \(info.summary); wait for it to finish, or if that process is gone run `\(command)`"
        case .lockTimeout(let info, let seconds):
            return "state is still locked by \(info.summary) after waiting \(seconds)s"
        case .newerSchema(let found, let supported):
            return "the state database has schema version \(found), but this mailmig supports up to \(supported); upgrade mailmig before using this state"
        case .unreadable(let path, let reason):
            return "cannot open the state database \(path): \(reason)"
        case .unreachable(let path, let reason):
            return "the state database \(path) is unreachable: \(reason)"
        case .lockMismatch(let given, let current):
            if let current { return "lock id \(given) does not match the current lock \(current); nothing was unlocked" }
            return "the state is not locked; nothing to unlock"
        case .lockHeld(let info):
            return "the lock \(info.id) is held by a running process (\(info.summary)); stop that process first, the lock is released when it exits"
        case .stalePlan(let reason):
            return "the saved plan cannot be applied: \(reason); run `mailmig plan` again"
        case .noSuchResource(let address):
            return "no resource \(address) in the state; `mailmig state list` shows what there is"
        }
    }

    /// `path` as one shell word: as it is when it holds only safe characters, else in single quotes.
    static func shellWord(_ path: String) -> String {
        let safe = path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./+:@%".contains($0)) }
        return safe && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
