import Foundation

/// A collection found in a home: an address book or a calendar, with the properties a migration
/// carries over.
public struct DAVCollection: Sendable, Equatable {
    /// Its path (as the server wrote its href).
    public var href: String
    /// Whether it is an address book (else a calendar).
    public var isAddressbook: Bool
    /// `displayname`.
    public var displayName: String?
    /// Apple's `calendar-color` (`#1E90FFFF`).
    public var color: String?
    /// `calendar-description` or `addressbook-description`.
    public var description: String?
    /// `supported-calendar-component-set` (`VEVENT`, `VTODO`); empty when the server does not say.
    public var components: [String]
    /// `sync-token` (RFC 6578), when the server offers it.
    public var syncToken: String?
    /// `getctag`, when the server offers it.
    public var ctag: String?
}

/// One member of a collection: its href and ETag.
public struct DAVMember: Sendable, Equatable {
    /// Its path.
    public var href: String
    /// Its entity tag, as sent (quotes included).
    public var etag: String
}

/// One item read with its data.
public struct DAVItem: Sendable, Equatable {
    /// Its path.
    public var href: String
    /// Its entity tag.
    public var etag: String
    /// The vCard or iCalendar object, as the server sent it.
    public var data: Data
}

extension DAVClient {
    /// The address books and calendars directly inside `home`.
    public func collections(in home: String) async throws(DAVFailure) -> [DAVCollection] {
        let properties = [DAVName.resourceType, DAVName.displayName, DAVName.calendarColor, DAVName.calendarDescription,
                          DAVName.addressbookDescription, DAVName.supportedCalendarComponentSet, DAVName.syncToken, DAVName.getCTag]
        let found = try await propfind(home, depth: 1, properties, what: "listing the collections of \(home)")
        return found.responses.compactMap { response -> DAVCollection? in
            let kinds = response.properties[DAVName.resourceType]?.children ?? []
            let addressbook = kinds.contains(DAVName.addressbook)
            guard addressbook || kinds.contains(DAVName.calendar) else { return nil }
            return DAVCollection(href: response.href, isAddressbook: addressbook, displayName: response.text(DAVName.displayName),
                                 color: response.text(DAVName.calendarColor),
                                 description: response.text(addressbook ? DAVName.addressbookDescription : DAVName.calendarDescription),
                                 components: response.properties[DAVName.supportedCalendarComponentSet]?.componentNames ?? [],
                                 syncToken: response.text(DAVName.syncToken), ctag: response.text(DAVName.getCTag))
        }
    }

    /// Every item of a collection with its ETag (`PROPFIND` Depth 1), leaving out the collection itself
    /// and anything inside it that is a collection.
    public func members(of collection: String) async throws(DAVFailure) -> [DAVMember] {
        let found = try await propfind(collection, depth: 1, [DAVName.getETag, DAVName.resourceType], what: "listing \(collection)")
        let own = Self.normalisedPath(collection)
        return found.responses.compactMap { response in
            guard Self.normalisedPath(response.href) != own,
                  !response.isCollection,
                  let etag = response.text(DAVName.getETag) else { return nil }
            return DAVMember(href: response.href, etag: etag)
        }
    }

    /// The items at `hrefs` of `collection`, with their ETags and data, by one multiget report.
    /// Items the server no longer has are left out.
    public func items(_ hrefs: [String], of collection: String, calendar: Bool) async throws(DAVFailure) -> [DAVItem] {
        guard !hrefs.isEmpty else { return [] }
        let found = try await report(collection, depth: 1, body: DAVRequestBody.multiget(calendar: calendar, hrefs: hrefs),
                                     what: "reading \(hrefs.count) items of \(collection)")
        let data = calendar ? DAVName.calendarData : DAVName.addressData
        return found.responses.compactMap { response in
            guard let etag = response.text(DAVName.getETag), let text = response.properties[data]?.text, !text.isEmpty else { return nil }
            return DAVItem(href: response.href, etag: etag, data: Self.crlf(text))
        }
    }

    /// The item with CRLF line ends: XML turns the CRLF of `calendar-data` and `address-data` into LF
    /// (XML 1.0 §2.11), while vCard and iCalendar lines end in CRLF (RFC 6350 §3.2, RFC 5545 §3.1),
    /// and a raw LF cannot occur inside a value of either (it is escaped as `\n`).
    static func crlf(_ text: String) -> Data {
        var out = Data()
        out.reserveCapacity(text.utf8.count + text.utf8.count / 40)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 10, previous != 13 { out.append(13) }
            out.append(byte)
            previous = byte
        }
        return out
    }

    /// The members of `collection` a calendar or address book query for `uid` finds. A CalDAV
    /// `text-match` matches substrings (RFC 4791 §9.7.5), so the caller checks each item's UID.
    public func members(uid: String, in collection: String, calendar: Bool, component: String) async throws(DAVFailure) -> [DAVMember] {
        let found = try await report(collection, depth: 1, body: DAVRequestBody.query(calendar: calendar, uid: uid, component: component),
                                     what: "looking for UID \(uid) in \(collection)")
        return found.responses.compactMap { response in
            response.text(DAVName.getETag).map { DAVMember(href: response.href, etag: $0) }
        }
    }

    /// A path without its origin, percent-decoding and trailing slash, for comparing hrefs.
    public static func normalisedPath(_ href: String) -> String {
        var path = href
        if let url = URL(string: href), url.scheme != nil { path = url.path }
        path = path.removingPercentEncoding ?? path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
