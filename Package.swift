// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "segstream",
    products: [
        .executable(name: "segstream", targets: ["segstream"]),
        .library(name: "VideoIO", targets: ["VideoIO"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "Segmentation", targets: ["Segmentation"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2",
                       providers: [.apt(["libfreetype-dev"])]),
        .target(name: "CKernels"),
        .target(name: "CSegmentationKernels", dependencies: ["CKernels"]),
        .target(name: "VideoIO", dependencies: ["CFFmpeg"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Inference", dependencies: [
            "COpenBLAS",
            "CKernels",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], exclude: ["Proto/onnx.proto"], swiftSettings: [.swiftLanguageMode(.v6)]),
        // Swift 5 mode, not yet 6: its data-parallel loops hand raw pointers into disjoint rows to
        // @Sendable closures (17 captures), which Swift 6 refuses without an unchecked wrapper each.
        .target(name: "Segmentation", dependencies: ["CSegmentationKernels"]),
        .target(name: "Pipeline", dependencies: ["VideoIO", "Inference", "Segmentation", "CFreeType", .product(name: "Yams", package: "Yams")],
                swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(name: "segstream", dependencies: [
            "CKernels",
            "Pipeline",
            "Inference",
            "Segmentation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "TestSupport", path: "Sources/TestSupport", swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(name: "VideoIOTests", dependencies: ["VideoIO", "TestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference"]),
        .testTarget(name: "SegmentationTests", dependencies: ["Segmentation"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Inference", "Segmentation", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["segstream", "TestSupport"]),
    ],
    // Targets without a setting (Segmentation, the test targets) build in Swift 5 mode.
    swiftLanguageModes: [.v5]
)
