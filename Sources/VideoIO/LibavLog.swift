import CFFmpeg

/// How much libav itself prints to stderr.
public enum LibavLog {
    /// Only libav's fatal messages; segstream reports problems in its own words.
    public static func quiet() { av_log_set_level(AV_LOG_FATAL) }
}
