// `verify record [--output FILE] -- PROGRAM ARGS...`: records a program's
// system calls with strace, in the format the StraceImport library parses.

import LiteBoxABI
import ArgumentParser
import Foundation
import LiteBoxFormats
import LiteBoxSpec
import StraceImport

/// Runs a program under `strace -f -tt -T -y -s 64` (`StraceRecorder.options`)
/// and checks the recording.
///
/// The recording is written to `--output` (default: `PROGRAM-basename.strace`
/// in the current directory), then parsed with `StraceImporter`; the summary
/// line gives the file, its lines, calls and processes, and how the program
/// ended. The program's own exit status does not change `verify`'s: 0 when the
/// recording was written and parses, 2 when strace is missing, cannot run, or
/// writes something that does not parse.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a program's system calls with strace (-f -tt -T -y -s 64) and check that the recording parses.",
        discussion: "Usage: verify record [--output FILE] -- PROGRAM ARGS...")

    @Option(name: .shortAndLong, help: "Where to write the recording (default: PROGRAM-basename.strace in the current directory).")
    var output: String?

    @Argument(parsing: .postTerminator, help: "The program and its arguments, after `--`.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("name the program to record after `--`: verify record -- PROGRAM ARGS...") }
        guard output != "" else { throw ValidationError("--output must name a file") }
    }

    func run() throws {
        let program = command[0]
        let outputPath = output ?? ((program as NSString).lastPathComponent + ".strace")
        let how: String
        do {
            how = try StraceRecorder.record(command, to: outputPath, stdout: FileHandle.standardOutput)
        } catch {
            throw VerifyFailure(status: 2, message: "error: \(error)")
        }
        let text = try readText(outputPath, what: "an strace log", kind: "the recording")
        let log: StraceLog
        do { log = try StraceImporter.parse(text, file: outputPath) } catch {
            throw VerifyFailure(status: 2, message: "error: the recording does not parse: \(error)")
        }
        guard !log.events.isEmpty else {
            throw VerifyFailure(status: 2, message: "error: strace recorded nothing in \(outputPath) (strace ended with \(how))")
        }
        let lines = Trace.lines(text).filter { !$0.isEmpty }.count
        // The traced program's own end: the exit or kill line of the first process.
        var programEnd = how
        if let first = log.calls.first?.pid {
            for event in log.events.reversed() {
                if case .exited(first, let status, _) = event { programEnd = "\(program) exited with \(status)"; break }
                if case .killed(first, let sig, let core, _) = event { programEnd = "\(program) killed by \(sig)\(core ? " (core dumped)" : "")"; break }
            }
        }
        print("wrote \(outputPath): \(lines) lines, \(log.calls.count) calls, \(log.pids.count) process(es); \(programEnd) (strace: \(how))")
    }
}
