import CFFmpeg

/// A failure reading or writing video, with a message a user can act on.
public struct VideoIOError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ message: String) { description = message }

    /// An error for a failed libav call: `"<path>: <what>: <libav reason>"`.
    init(path: String, _ what: String, code: Int32) {
        description = "\(path): \(what): \(avErrorString(code))"
    }
}

/// libav's text for an error code.
func avErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    ss_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
