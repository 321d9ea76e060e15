import CKernels

/// The SIMD instruction sets the engine's `CKernels` convolution tiles are built for,
/// chosen at run time from what the CPU reports.
public enum InstructionSet: String, CaseIterable, Sendable {
    /// Swift SIMD kernels and OpenBLAS only (im2col + sgemm convolutions).
    case portable
    /// AVX2 + FMA tiles.
    case avx2
    /// AVX-512 F tiles.
    case avx512

    /// The best this CPU supports.
    public static let best: InstructionSet = {
        let found = ss_best_isa()
        return allCases.first { $0.isa == found } ?? .portable
    }()

    /// The ones this CPU supports, `portable` first.
    public static var supported: [InstructionSet] { allCases.filter { $0.isa.rawValue <= best.isa.rawValue } }

    var isa: SSIsa {
        switch self {
        case .portable: SSIsaNone
        case .avx2: SSIsaAVX2
        case .avx512: SSIsaAVX512
        }
    }
}
