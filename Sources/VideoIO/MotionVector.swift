import CFFmpeg

/// One block's motion as exported by the decoder (`export_mvs`).
///
/// The block of size `width`x`height` whose top-left corner is at (`x`, `y`) in this frame came
/// from (`x + dx`, `y + dy`) in a reference frame; `fromPast` tells which direction.
public struct MotionVector: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public var dx: Float
    public var dy: Float
    public var fromPast: Bool

    init(_ mv: AVMotionVector) {
        width = Int(mv.w)
        height = Int(mv.h)
        x = Int(mv.dst_x) - width / 2
        y = Int(mv.dst_y) - height / 2
        let scale = Float(max(mv.motion_scale, 1))
        dx = Float(mv.motion_x) / scale
        dy = Float(mv.motion_y) / scale
        fromPast = mv.source < 0
    }

    /// The vectors attached to a decoded frame, or nil when the decoder exported none.
    static func vectors(of frame: UnsafeMutablePointer<AVFrame>) -> [MotionVector]? {
        guard let sideData = av_frame_get_side_data(frame, AV_FRAME_DATA_MOTION_VECTORS) else { return nil }
        let count = Int(sideData.pointee.size) / MemoryLayout<AVMotionVector>.stride
        return sideData.pointee.data.withMemoryRebound(to: AVMotionVector.self, capacity: count) { base in
            (0..<count).map { MotionVector(base[$0]) }
        }
    }
}
