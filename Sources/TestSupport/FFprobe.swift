import Foundation

/// Independent facts about media files, read with the ffprobe CLI.
public enum FFprobe {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Presentation times in seconds of every decoded video frame, in output order.
    public static func framePTS(_ path: String) throws -> [Double] {
        let json = try probe(path, ["-select_streams", "v:0", "-show_entries", "frame=pts_time"])
        return (json["frames"] as? [[String: Any]] ?? []).compactMap { ($0["pts_time"] as? String).flatMap(Double.init) }
    }

    /// Whether each decoded video frame is a keyframe, in output order.
    public static func keyFrames(_ path: String) throws -> [Bool] {
        let json = try probe(path, ["-select_streams", "v:0", "-show_entries", "frame=key_frame"])
        return (json["frames"] as? [[String: Any]] ?? []).map { $0["key_frame"] as? Int == 1 }
    }

    /// Whether ffmpeg decodes the whole file without an error message.
    public static func decodesCleanly(_ path: String) throws -> Bool {
        let result = try Command.run("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"])
        return result.status == 0 && result.stderr.isEmpty
    }

    /// MD5 of each audio packet's payload, in file order.
    public static func audioPacketHashes(_ path: String) throws -> [String] {
        let json = try probe(path, ["-select_streams", "a", "-show_packets", "-show_data_hash", "md5"])
        return (json["packets"] as? [[String: Any]] ?? []).compactMap { $0["data_hash"] as? String }
    }

    /// MD5 of each decoded frame of the first video stream, in output order (ffmpeg's framemd5).
    public static func videoFrameHashes(_ path: String) throws -> [String] {
        let result = try Command.run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-"])
        guard result.status == 0 else { throw Failure(description: "ffmpeg failed on \(path): \(result.stderr)") }
        return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// The first video stream's fields (width, height, pix_fmt, codec_name, side_data_list, ...).
    public static func videoStream(_ path: String) throws -> [String: Any] {
        let json = try probe(path, ["-select_streams", "v:0", "-show_streams"])
        guard let stream = (json["streams"] as? [[String: Any]])?.first else {
            throw Failure(description: "\(path): ffprobe found no video stream")
        }
        return stream
    }

    /// The display-matrix rotation ffprobe reports for the first video stream, or 0.
    public static func rotation(_ path: String) throws -> Int {
        let sideData = try videoStream(path)["side_data_list"] as? [[String: Any]] ?? []
        return sideData.compactMap { $0["rotation"] as? Int }.first ?? 0
    }

    private static func probe(_ path: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try Command.run("ffprobe", ["-v", "error", "-of", "json"] + arguments + [path])
        guard result.status == 0,
              let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw Failure(description: "ffprobe failed on \(path): \(result.stderr)")
        }
        return json
    }
}
