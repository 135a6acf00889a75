import Foundation
import MailMigCore

/// Turns the node tree of a plan into a `Plan`, collecting every problem instead of stopping at the first.
///
/// Each `decode…` function returns `nil` for a part it could not read and reports why; the caller carries
/// on with the other parts, so one run shows all mistakes of a file. The reading of shapes, scalars and
/// common values (`fields`, `required`, `secret`, `duration`…) comes from `PlanNodeDecoding`, which the
/// adapters reading their own settings share.
struct PlanDecoder: PlanNodeDecoding {
    var diagnostics = DiagnosticBag()
    let file: String
    let baseDirectory: URL
    /// The DNS provider kinds this build knows; each reads its own settings.
    let dnsKinds: DNSProviderRegistry

    init(file: String, baseDirectory: URL, dnsKinds: DNSProviderRegistry) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.dnsKinds = dnsKinds
    }
}
