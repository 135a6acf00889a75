/// Which certificates a client trusts when it verifies a server.
public enum TLSTrust: Sendable, Equatable {
    /// The operating system's roots.
    case systemRoots
    /// The CA certificates in a PEM file.
    case caFile(String)
    /// No verification at all: an explicit opt-out, never a default.
    case doNotVerify
}
