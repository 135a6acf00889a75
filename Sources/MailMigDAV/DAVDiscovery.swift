import Foundation

/// Where a user's address books and calendars live on a server (RFC 6764 §6, RFC 5397, RFC 6352
/// §7.1.1, RFC 4791 §6.2.1).
public struct DAVHomes: Sendable, Equatable {
    /// The user's principal.
    public var principal: String
    /// Collections holding address books (`addressbook-home-set`); empty when the server has no CardDAV.
    public var addressbookHomes: [String]
    /// Collections holding calendars (`calendar-home-set`); empty when the server has no CalDAV.
    public var calendarHomes: [String]

    /// Creates the homes of a principal.
    public init(principal: String, addressbookHomes: [String], calendarHomes: [String]) {
        self.principal = principal
        self.addressbookHomes = addressbookHomes
        self.calendarHomes = calendarHomes
    }
}

extension DAVClient {
    /// Finds the homes of the logged-in user: the principal from `principal` when given (the plan's
    /// `principal_format`), else from `current-user-principal` at `contextPath`, at
    /// `/.well-known/carddav` and `/.well-known/caldav` (following their redirects), then at `/`.
    public func discoverHomes(contextPath: String, principal: String?) async throws(DAVFailure) -> DAVHomes {
        let principalPath: String
        if let principal {
            principalPath = principal
        } else {
            principalPath = try await findPrincipal(contextPath: contextPath)
        }
        let found = try await propfind(principalPath, depth: 0, [DAVName.addressbookHomeSet, DAVName.calendarHomeSet],
                                       what: "reading the principal \(principalPath)")
        guard let response = found.responses.first else {
            throw DAVFailure.malformed(what: "reading the principal \(principalPath)", reason: "no response for the principal")
        }
        return DAVHomes(principal: principalPath,
                        addressbookHomes: response.properties[DAVName.addressbookHomeSet]?.hrefs ?? [],
                        calendarHomes: response.properties[DAVName.calendarHomeSet]?.hrefs ?? [])
    }

    private func findPrincipal(contextPath: String) async throws(DAVFailure) -> String {
        var candidates = [contextPath]
        if contextPath == "/" || contextPath.isEmpty { candidates = ["/.well-known/carddav", "/.well-known/caldav", "/"] }
        var lastFailure: DAVFailure?
        for path in candidates {
            do {
                let found = try await propfind(path, depth: 0, [DAVName.currentUserPrincipal], what: "finding the principal at \(path)")
                if let href = found.responses.lazy.compactMap({ $0.href(DAVName.currentUserPrincipal) }).first { return href }
            } catch let failure {
                if case .unauthorized = failure { throw failure }
                if case .unreachable = failure { throw failure }
                lastFailure = failure
            }
        }
        throw lastFailure ?? DAVFailure.malformed(what: "finding the principal at \(candidates.joined(separator: ", "))",
                                                  reason: "the server names no current-user-principal; set principal_format in the plan")
    }
}
