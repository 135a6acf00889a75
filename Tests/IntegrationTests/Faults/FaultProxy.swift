import Foundation

/// scripts/faults/proxy.py run as a child process on a free 127.0.0.1 port: it terminates implicit TLS with
/// a given certificate, forwards plain bytes to a server and injects faults (drop, stall, delay, a response
/// cut inside a literal) at random, seeded.
final class FaultProxy: @unchecked Sendable {
    private let process: ProxyProcess

    /// The port mailmig connects to.
    var port: Int { process.port }

    /// Starts the proxy in front of `127.0.0.1:targetPort`; with `bothDirections`, what the client sends
    /// (an APPEND and its literal) is faulted too; `every` is the number of message bodies mode `cut-fetch`
    /// lets through per connection.
    init(targetPort: Int, mode: String, seed: Int, rate: Double = 0.03, maxFaults: Int = 6, bothDirections: Bool = false, every: Int = 3,
         certificate: String, key: String) throws {
        process = try ProxyProcess(script: "faults/proxy.py",
                                   arguments: ["--target", "127.0.0.1:\(targetPort)", "--mode", mode, "--seed", String(seed),
                                               "--rate", String(rate), "--max-faults", String(maxFaults), "--max-seconds", "900",
                                               "--every", String(every), "--tls-cert", certificate, "--tls-key", key]
                                       + (bothDirections ? ["--both-directions"] : []),
                                   what: "the fault proxy")
    }

    /// Stops the proxy and returns its log (one line per fault injected).
    @discardableResult
    func stop() -> String { process.stop() }

    /// How many connections the proxy accepted (read from its last log line; stops it).
    var connections: Int {
        guard let last = stop().split(separator: "\n").last(where: { $0.hasPrefix("stopped after") }),
              let field = last.split(separator: ",").last?.split(separator: " ").first else { return -1 }
        return Int(field) ?? -1
    }

    /// How many faults the proxy injected (read from its log; stops it).
    var faultsInjected: Int {
        stop().split(separator: "\n").filter { $0.hasPrefix("fault ") }.count
    }
}
