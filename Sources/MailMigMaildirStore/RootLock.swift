#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailMigCore
import Synchronization

/// The exclusive hold of one process on a mailbox's Maildir while it reads or writes it.
///
/// Recovery removes what a crashed writer left in `tmp/`, which is only safe when no other writer is
/// delivering at that moment; so every session on a Maildir of this store holds `mailmig.lock` at its
/// root (`flock`, released when the process dies), and a second one is refused rather than waiting.
final class RootLock: Sendable {
    /// The lock file's name at a mailbox's root.
    static let fileName = "mailmig.lock"

    /// The open lock file; nil once released.
    private let descriptor: Mutex<Int32?>

    /// Takes the lock of the Maildir at `root`; throws a failure naming the lock file when another
    /// process (or another session of this one) holds it.
    init(root: String) throws {
        let path = root + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, Posix.fileMode)
        guard descriptor >= 0 else { throw FileSystemError("open the lock file", path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw MailStoreError(.failed, "the Maildir \(root) is in use by another run (it holds \(path))")
            }
            throw FileSystemError("lock", path, code: code)
        }
        self.descriptor = Mutex(descriptor)
    }

    /// Releases the lock; releasing it again does nothing.
    func release() {
        descriptor.withLock { held in
            guard let open = held else { return }
            flock(open, LOCK_UN)
            close(open)
            held = nil
        }
    }

    deinit { release() }
}
