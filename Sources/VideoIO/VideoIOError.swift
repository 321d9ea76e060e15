import CFFmpeg

/// A failure reading or writing video, with a message a user can act on.
public struct VideoIOError: Error, CustomStringConvertible, Sendable, UnusableInputReporting {
    public let description: String
    /// Whether the input itself cannot be processed (not a video, no video stream, an
    /// unsupported codec, a local file that cannot be opened): trying again cannot help.
    public let isUnusableInput: Bool

    public init(_ message: String, unusableInput: Bool = false) {
        description = message
        isUnusableInput = unusableInput
    }

    /// An error for a failed libav call: `"<path>: <what>: <libav reason>"`.
    init(path: String, _ what: String, code: Int32, unusableInput: Bool = false) {
        self.init("\(path): \(what): \(avErrorString(code))", unusableInput: unusableInput)
    }
}

/// An error that says whether it is about an unusable input (a video or model that no retry
/// can make work), so that schedulers can tell it from a failure worth retrying.
public protocol UnusableInputReporting: Error {
    var isUnusableInput: Bool { get }
}

/// libav's text for an error code.
func avErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    ss_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
