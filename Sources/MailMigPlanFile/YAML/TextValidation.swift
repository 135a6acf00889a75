/// Checks that raw bytes are UTF-8 text without control characters, and says where they are not.
enum TextValidation {
    enum Outcome {
        case valid(String)
        case invalidUTF8(line: Int, column: Int)
        case controlCharacter(line: Int, column: Int, Unicode.Scalar)
    }

    static func check(_ bytes: [UInt8]) -> Outcome {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        var column = 1
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        var isFirst = true
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                defer { isFirst = false }
                if scalar == "\u{FEFF}", isFirst { continue }  // byte-order mark
                let value = scalar.value
                let isControl = (value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r")
                    || value == 0x7F || (0x80...0x9F).contains(value)
                if isControl {
                    return .controlCharacter(line: line, column: column, scalar)
                }
                scalars.append(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return .valid(String(scalars))
            case .error:
                return .invalidUTF8(line: line, column: column)
            }
        }
    }
}
