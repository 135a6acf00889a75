import Foundation

/// Which certificates a connection to a mail server trusts, as the plan says: the system's roots, a
/// CA file, or none (only when the plan turns verification off, with a warning).
///
/// Each network store maps it to its TLS library's setting; the engine knows no TLS.
public enum CertificateTrust: Sendable, Equatable {
    /// The system's trusted roots.
    case systemRoots
    /// Only the CA certificates (PEM) in this file.
    case caFile(String)
    /// No verification at all.
    case doNotVerify
}

extension ServerEndpoint {
    /// The trust of a connection to this endpoint, with `ca_file` resolved against the plan's folder.
    public func certificateTrust(baseDirectory: URL) -> CertificateTrust {
        if !verifyCertificates { return .doNotVerify }
        if let caFile { return .caFile(baseDirectory.resolvingPlanPath(caFile).path) }
        return .systemRoots
    }
}
