import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Well-formedness of the HTML page, by an XML parser where Foundation has one.
enum HTMLCheck {
    struct NotWellFormed: Error, CustomStringConvertible {
        var description: String
    }

    static func wellFormed(_ html: String) throws {
        // The doctype is HTML's; an XML parser takes the rest as is.
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
        #if canImport(FoundationXML) || os(macOS)
        do {
            _ = try XMLDocument(xmlString: body, options: [])
        } catch {
            throw NotWellFormed(description: "the HTML report is not well-formed: \(error)")
        }
        #else
        throw NotWellFormed(description: "no XML parser on this platform")
        #endif
    }
}
