// `verify`: checks the LiteBox specification. Subcommands are added as the
// checker, the prover and the kernel land.

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxFormats
import LiteBoxSpec

/// A failure that carries its own exit status (1: a property does not hold;
/// 2: bad usage or input) and message.
struct VerifyFailure: Error {
    var status: Int32
    var message: String
}

/// The root command.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the LiteBox specification: Z3 proofs, exhaustive model checking, trace replay, configurations, benchmarks.",
        discussion: """
        Exit status: 0 when everything holds, 1 on a violation, 2 on bad usage or input.
        """,
        subcommands: [CheckCommand.self, ProveCommand.self, MutantsCommand.self, ReplayCommand.self, RecordCommand.self, ConfigCommand.self, BenchCommand.self],
        defaultSubcommand: CheckCommand.self)
}

/// Loads a configuration named on the command line: a preset name
/// (`tiny`, `default`, `large`) or the path of a JSON configuration file.
/// A bad file is reported with its file, line, field and reason (status 2).
func loadConfiguration(_ nameOrPath: String) throws -> Configuration {
    if let preset = Configuration.preset(nameOrPath) { return preset }
    if !nameOrPath.contains("/") && !nameOrPath.hasSuffix(".json") {
        throw VerifyFailure(status: 2, message: "error: \(Trace.quoted(nameOrPath, limit: nil)) is neither a preset (\(Configuration.presetNames.joined(separator: ", "))) nor a .json file path")
    }
    do {
        return try Configuration(contentsOfFile: nameOrPath)
    } catch {
        throw VerifyFailure(status: 2, message: "error: \(error)")
    }
}

/// `verify config CONFIG`: validates a configuration and prints it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate a configuration (preset or JSON file) and print it as JSON.")

    @Argument(help: "A preset (tiny, default, large) or a JSON configuration file.")
    var config: String

    func run() throws {
        let cfg = try loadConfiguration(config)
        print(cfg.json, terminator: cfg.json.hasSuffix("\n") ? "" : "\n")
    }
}

/// `verify bench ...`: the project's benchmark commands.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print their figures.",
        subcommands: [BenchSpec.self, BenchChecker.self, BenchKernel.self])
}
