import Foundation

/// Keeps plaintext that follows the STARTTLS (IMAP) or STLS (POP3) answer from being read as if it
/// came over TLS.
///
/// A man in the middle can append responses to the server's `OK` before the handshake (the
/// "STARTTLS injection" attack, RFC 2595 §8 on why a client must discard what it read before TLS).
/// Once armed, the framer stops after the next frame that completes the command (IMAP: a tagged
/// response; POP3: any status line) and remembers whether any byte followed it; the client checks
/// that when TLS is in place.
public final class StartTLSGuard: @unchecked Sendable {
    // Shared between the event loop (framer) and the client; every access takes the lock.
    private let lock = NSLock()
    private var armed = false
    private var sealed = false
    private var plaintextFollowed = false

    /// A guard that is not armed.
    public init() {}

    /// Called before STARTTLS is sent.
    public func arm() { lock.withLock { armed = true } }

    /// Whether the framer must not read further (waiting for TLS to be installed); notes stray bytes.
    public func holdsBack(pendingBytes: Int) -> Bool {
        lock.withLock {
            if sealed, pendingBytes > 0 { plaintextFollowed = true }
            return sealed
        }
    }

    /// Called by the framer after each frame (`isTagged`: the frame completes the command's answer);
    /// false when it must stop reading.
    public func frameDelivered(isTagged: Bool, pendingBytes: Int) -> Bool {
        lock.withLock {
            guard armed, isTagged else { return !sealed }
            armed = false
            sealed = true
            if pendingBytes > 0 { plaintextFollowed = true }
            return false
        }
    }

    /// Lets reading continue (TLS installed, or STARTTLS refused); true if plaintext followed the answer.
    public func release() -> Bool {
        lock.withLock {
            armed = false
            sealed = false
            defer { plaintextFollowed = false }
            return plaintextFollowed
        }
    }
}
