/// Class names and their display colours; a class id indexes both.
public struct LabelSet: Sendable, Equatable {
    public var names: [String]
    /// One RGB colour per class id.
    public var palette: [[UInt8]]

    /// Label value meaning "no class" (not counted by metrics).
    public static let ignore: UInt8 = 255

    public init(names: [String], palette: [[UInt8]]) {
        precondition(names.count == palette.count && palette.allSatisfy { $0.count == 3 },
                     "a label set needs one RGB colour per class")
        self.names = names
        self.palette = palette
    }

    public var count: Int { names.count }

    /// The 19 Cityscapes evaluation classes (trainIds 0–18) with the Cityscapes palette.
    public static let cityscapes = LabelSet(
        names: ["road", "sidewalk", "building", "wall", "fence", "pole", "traffic light", "traffic sign",
                "vegetation", "terrain", "sky", "person", "rider", "car", "truck", "bus", "train",
                "motorcycle", "bicycle"],
        palette: [[128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156], [190, 153, 153],
                  [153, 153, 153], [250, 170, 30], [220, 220, 0], [107, 142, 35], [152, 251, 152],
                  [70, 130, 180], [220, 20, 60], [255, 0, 0], [0, 0, 142], [0, 0, 70], [0, 60, 100],
                  [0, 80, 100], [0, 0, 230], [119, 11, 32]])
}
