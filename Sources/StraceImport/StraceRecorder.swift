// Recording a program with strace, with the options the importer expects.

import Foundation

/// Runs programs under `strace`, as `verify record` and the tests do.
public enum StraceRecorder {
    /// The options LiteBox records with: follow every process and thread
    /// (`-f`), microsecond timestamps (`-tt`) and call durations (`-T`),
    /// descriptor paths (`-y`), strings up to 64 bytes (`-s 64`).
    public static let options = ["-f", "-tt", "-T", "-y", "-s", "64"]

    /// Why a recording could not be made.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong, with what to do about it.
        public var description: String
    }

    /// The first executable `name` in the directories of PATH.
    public static func findOnPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Runs `command` (program and arguments) under `strace` with `options`
    /// (and `extraOptions`), writing the recording to `output`, the program's
    /// standard output to `stdout` (nil: discarded). Returns how strace ended
    /// (`exit status N`, `killed by signal N`); the program's own failure is
    /// not an error. Throws when strace is missing or cannot run, or wrote nothing.
    @discardableResult
    public static func record(_ command: [String], to output: String, extraOptions: [String] = [],
                              stdout: FileHandle? = nil) throws -> String {
        guard let strace = findOnPath("strace") else {
            throw Failure(description: "strace is not on PATH; install it (Debian/Ubuntu: apt-get install strace)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strace)
        process.arguments = options + extraOptions + ["-o", output] + command
        process.standardOutput = stdout ?? FileHandle.nullDevice
        do { try process.run() } catch {
            throw Failure(description: "cannot run \(strace): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        let how: String
        switch process.terminationReason {
        case .exit: how = "exit status \(process.terminationStatus)"
        case .uncaughtSignal: how = "killed by signal \(process.terminationStatus)"
        @unknown default: how = "status \(process.terminationStatus)"
        }
        guard FileManager.default.fileExists(atPath: output) else {
            throw Failure(description: "strace wrote no \(output) (strace ended with \(how))")
        }
        return how
    }
}
