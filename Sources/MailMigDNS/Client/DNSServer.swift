/// The address and port of a DNS server to ask.
public struct DNSServer: Hashable, Sendable, CustomStringConvertible {
    /// An IP address (preferred) or a host name resolved by the system when connecting.
    public var host: String
    public var port: Int

    /// A server at `host` (an IP address or a name) and `port`.
    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around IPv6 addresses.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
