import CFFmpeg

/// An exact fraction, as libav uses for time bases and frame rates.
public struct Rational: Sendable, Equatable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32

    public init(_ num: Int32, _ den: Int32) {
        self.num = num
        self.den = den
    }

    init(_ r: AVRational) { self.init(r.num, r.den) }

    var av: AVRational { AVRational(num: num, den: den) }

    /// The value as a Double; 0 when the denominator is 0 (libav's "unknown").
    public var doubleValue: Double { den == 0 ? 0 : Double(num) / Double(den) }

    public var description: String { "\(num)/\(den)" }

    /// Converts `ticks` of this time base into ticks of `other`, rounding to nearest.
    public func rescale(_ ticks: Int64, to other: Rational) -> Int64 {
        av_rescale_q(ticks, av, other.av)
    }
}
