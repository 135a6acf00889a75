#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system call failed: what was being done, to which path, and the system's reason.
///
/// Prints as one sentence naming the path (`cannot write the message file /b/.Sent/tmp/x: No space left
/// on device`); the session passes it on as the store's failure, or as a refused message when the
/// reason concerns the message alone.
struct FileSystemError: Error, Sendable, CustomStringConvertible {
    /// What was being done (`write the message file`).
    let action: String
    /// The path concerned.
    let path: String
    /// The `errno` value.
    let code: Int32

    /// Why, when the system gave no error but the content is wrong.
    private(set) var reason: String?

    /// The error of the call that just failed, from `errno`.
    init(_ action: String, _ path: String, code: Int32 = errno) {
        self.action = action
        self.path = path
        self.code = code
        reason = nil
    }

    /// A file that was read but does not hold what it should.
    static func unreadable(_ path: String, _ reason: String) -> FileSystemError {
        var error = FileSystemError("read", path, code: 0)
        error.reason = reason
        return error
    }

    /// `cannot <action> <path>: <reason>`.
    var description: String {
        "cannot \(action) \(path): \(reason ?? String(cString: strerror(code)))"
    }

    /// Whether the message being written is the reason (larger than the file system allows), not the
    /// disk, the folder or the permissions: only that message is refused.
    var concernsMessageOnly: Bool { code == EFBIG }
}
