// The `verify` command-line tool: the entry point that maps errors onto the
// exit-status contract of DESIGN §4 (0 all hold, 1 violation, 2 usage or input
// error), which ArgumentParser's own exit codes do not follow.

import ArgumentParser
import Foundation

do {
    var command = try Verify.parseAsRoot()
    do {
        try command.run()
    } catch let failure as VerifyFailure {
        FileHandle.standardError.write(Data((failure.message + "\n").utf8))
        exit(failure.status)
    } catch {
        let code = Verify.exitCode(for: error)
        if code == .success { print(Verify.fullMessage(for: error)); exit(0) }
        FileHandle.standardError.write(Data(("error: " + Verify.fullMessage(for: error) + "\n").utf8))
        exit(code == ExitCode(1) ? 1 : 2)
    }
} catch {
    let code = Verify.exitCode(for: error)
    if code == .success { print(Verify.fullMessage(for: error)); exit(0) }
    FileHandle.standardError.write(Data((Verify.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
