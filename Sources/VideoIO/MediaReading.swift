/// What the pipeline's source reads from: a file or stream (`VideoReader`), or a live stream
/// that reconnects when it is lost (`LiveReader`).
public protocol MediaReading: AnyObject {
    /// The input's streams, as first opened.
    var info: MediaInfo { get }
    /// What could not be read or decoded so far; nil while the input is intact.
    var damage: String? { get }
    /// Packets and frames that could not be decoded cleanly so far (safe to read from any thread).
    var decodeErrors: Int { get }
    /// The next item, or nil at the end of the input (or of the requested range).
    func next() throws -> MediaItem?
    /// Makes a blocked or future `next()` return promptly; safe from any thread.
    func cancel()
}

extension VideoReader: MediaReading {}
