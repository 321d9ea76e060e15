/// The instruction sets the engine's convolution kernels are built for, chosen at run time
/// from what the CPU reports.
public enum InstructionSet: String, CaseIterable, Sendable {
    /// Swift SIMD kernels and OpenBLAS only (im2col + sgemm convolutions).
    case portable
    /// The `CKernels` AVX-512 F convolution tiles and depthwise rows.
    case avx512

    /// The best this CPU supports.
    public static let best: InstructionSet = CPUFeatures.hasAVX512F ? .avx512 : .portable

    /// The ones this CPU supports, `portable` first.
    public static var supported: [InstructionSet] { best == .avx512 ? [.portable, .avx512] : [.portable] }
}
