import ArgumentParser

@main
struct SegStream: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segstream",
        abstract: "Segment video on the CPU.",
        subcommands: [ModelCommand.self]
    )
}
