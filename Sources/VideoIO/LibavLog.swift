import CFFmpeg
import Foundation

/// How much libav itself prints to stderr, and what segstream learns from its messages.
public enum LibavLog {
    /// RTP packets the network lost so far (libav's RTP demuxer reports each gap in the sequence
    /// numbers as a warning; with UDP a full socket buffer shows this way). Safe from any thread.
    public static var lostNetworkPackets: Int { lostPackets.value }
    private static let lostPackets = SharedCounter()

    /// Only libav's fatal messages reach stderr (segstream reports problems in its own words);
    /// warnings are read for the RTP losses they report.
    public static func quiet() {
        av_log_set_level(AV_LOG_WARNING)
        av_log_set_callback { object, level, format, arguments in
            guard let arguments else { return }
            if level <= AV_LOG_FATAL { return av_log_default_callback(object, level, format, arguments) }
            guard let format, strstr(format, "missed %d packets") != nil else { return }
            var text = [CChar](repeating: 0, count: 128)
            vsnprintf(&text, text.count, format, arguments)
            let line = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let range = line.range(of: #"missed (\d+) packets"#, options: .regularExpression),
               let count = Int(line[range].split(separator: " ")[1]) {
                LibavLog.lostPackets.add(count)
            }
        }
    }
}
