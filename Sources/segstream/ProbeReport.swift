import Foundation
import Pipeline
import VideoIO

/// The JSON and text forms of `segstream probe`.
struct ProbeReport: Encodable {
    struct Video: Encodable {
        var index: Int
        var codec: String
        var width: Int
        var height: Int
        var pixelFormat: String
        var rotation: Int
        var frameRate: Double
        var timeBase: String
        var duration: Double?
        var frameCount: Int?
    }

    struct Audio: Encodable {
        var index: Int
        var codec: String
        var sampleRate: Int
        var channels: Int
    }

    var input: String
    var format: String
    var duration: Double?
    var video: Video
    var audio: [Audio]

    init(_ info: MediaInfo) {
        input = info.displayURL
        format = info.format
        duration = info.duration
        let v = info.video
        video = Video(index: v.index, codec: v.codec, width: v.width, height: v.height, pixelFormat: v.pixelFormat,
                      rotation: v.rotation, frameRate: v.frameRate.doubleValue, timeBase: v.timeBase.description,
                      duration: v.duration, frameCount: info.estimatedFrameCount)
        audio = info.audio.map { Audio(index: $0.index, codec: $0.codec, sampleRate: $0.sampleRate, channels: $0.channels) }
    }

    func json() throws -> String {
        let encoder = JSONEncoder.segstream(pretty: true)
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var text: String {
        var lines = [input, "  format    \(format)"]
        if let duration { lines.append(String(format: "  duration  %.3f s", duration)) }
        var videoLine = "  video     #\(video.index) \(video.codec) \(video.width)x\(video.height) \(video.pixelFormat)"
        videoLine += String(format: ", %.3f fps, time base %@", video.frameRate, video.timeBase)
        if let frames = video.frameCount { videoLine += ", \(frames) frames" }
        if video.rotation != 0 { videoLine += ", rotated \(video.rotation)°" }
        lines.append(videoLine)
        for a in audio {
            lines.append("  audio     #\(a.index) \(a.codec) \(a.sampleRate) Hz, \(a.channels) channel(s)")
        }
        return lines.joined(separator: "\n")
    }
}
