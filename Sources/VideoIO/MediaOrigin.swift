import CFFmpeg

/// Where an output's timeline starts on its input's: the seconds its timestamps were moved
/// back by (`--from`, the start of a piece), stored exactly in the output's metadata so that
/// outputs of consecutive shards or pieces can be joined onto one timeline (`VideoJoiner`).
public struct MediaOrigin: Sendable, Equatable {
    /// The metadata key of outputs written by segstream.
    static let metadataKey = "segstream_origin"
    /// Seconds, as the fraction `numerator / denominator`.
    public let numerator: Int64
    public let denominator: Int64

    /// `ticks` of `timeBase`, exactly.
    init(ticks: Int64, timeBase: Rational) {
        numerator = ticks * Int64(timeBase.num)
        denominator = Int64(timeBase.den)
    }

    /// Reads the text form, `numerator/denominator` (positive denominator).
    init?(text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int64(parts[0]), let d = Int64(parts[1]), d > 0 else { return nil }
        (numerator, denominator) = (n, d)
    }

    var text: String { "\(numerator)/\(denominator)" }

    /// `other` less this origin, in ticks of `timeBase`, rounded to nearest.
    func ticks(until other: MediaOrigin, in timeBase: AVRational) -> Int64 {
        // a/b - c/d = (a*d - c*b) / (b*d) seconds; in ticks: that * tb.den / tb.num.
        let (a, b, c, d) = (other.numerator, other.denominator, numerator, denominator)
        let seconds = av_rescale(a, d, 1) - av_rescale(c, b, 1)
        return av_rescale(seconds, Int64(timeBase.den), b * d * Int64(timeBase.num))
    }
}
