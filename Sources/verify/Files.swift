// Files the tool reads and writes, with errors that name the path and give
// the system's reason (Foundation's file APIs report opaque
// "NSCocoaErrorDomain error 512" messages on Linux).

import LiteBoxABI
import Foundation
import LiteBoxFormats
import LiteBoxSpec

/// The largest number of worker threads or proof jobs `--threads` and
/// `--jobs` accept (the checker cuts each level into `threads × 8` chunks).
let maxWorkers = 4096

/// The system's description of `errno` value `code`.
func systemReason(_ code: Int32) -> String {
    if let s = strerror(code) { return String(cString: s) }
    return "error \(code)"
}

/// What kind of file `path` names, or nil when it cannot be examined (it
/// does not exist: reading it then reports why).
enum FileKind {
    case regular, directory, other
}

func fileKind(_ path: String) -> FileKind? {
    guard !path.isEmpty, !path.utf8.contains(0) else { return nil }
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .regular
    case S_IFDIR: return .directory
    default: return .other
    }
}

/// The text of an input file (invalid UTF-8 is replaced, as strace output may
/// hold such bytes), at most `limit` bytes, or a status-2 failure
/// `error: PATH: cannot read WHAT: REASON` (or `error: PATH: larger than N bytes ...`).
func readText(_ path: String, limit: Int = InputFile.maxTraceBytes, what: String, kind: String) throws -> String {
    switch InputFile.contents(path, limit: limit, what: what) {
    case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
    case .failure(let e):
        throw VerifyFailure(status: 2, message: e.tooLarge ? "error: \(e)" : "error: \(path): cannot read \(kind): \(e.reason)")
    }
}

/// The names in directory `path` (without `.` and `..`), or a status-2
/// failure naming the directory and the system's reason.
func directoryEntries(_ path: String) throws -> [String] {
    guard let dir = opendir(path) else {
        throw VerifyFailure(status: 2, message: "error: \(path): cannot read the directory: \(systemReason(errno))")
    }
    defer { closedir(dir) }
    var names: [String] = []
    while true {
        errno = 0
        guard let entry = readdir(dir) else {
            if errno != 0 {
                throw VerifyFailure(status: 2, message: "error: \(path): cannot read the directory: \(systemReason(errno))")
            }
            break
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// Creates directory `path` and any missing parents, or throws a status-2
/// failure `error: cannot create the directory PATH: REASON`.
func makeDirectories(_ path: String) throws {
    func fail(_ p: String, _ reason: String) -> VerifyFailure {
        VerifyFailure(status: 2, message: "error: cannot create the directory \(p): \(reason)")
    }
    guard !path.isEmpty else { throw fail("''", "an empty path") }
    if mkdir(path, 0o777) == 0 { return }
    let code = errno
    switch code {
    case EEXIST:
        if fileKind(path) == .directory { return }
        throw fail(path, "a file of that name exists and is not a directory")
    case ENOENT:
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw fail(path, systemReason(code)) }
        try makeDirectories(parent)
        if mkdir(path, 0o777) == 0 || (errno == EEXIST && fileKind(path) == .directory) { return }
        throw fail(path, systemReason(errno))
    default:
        throw fail(path, systemReason(code))
    }
}

/// Writes `text` to the file `path` (created, or replaced whole: through a
/// temporary file beside it, renamed over it), or throws a status-2 failure
/// `error: cannot write PATH: REASON`.
func writeText(_ text: String, to path: String) throws {
    func fail(_ reason: String) -> VerifyFailure {
        VerifyFailure(status: 2, message: "error: cannot write \(path.isEmpty ? "''" : path): \(reason)")
    }
    guard !path.isEmpty else { throw fail("an empty path") }
    guard !path.utf8.contains(0) else { throw fail("the path contains a NUL character") }
    // Written beside the target and renamed over it: a failed write leaves the old file, never half a new one.
    let temporary = path + ".tmp.\(getpid())"
    var fd: Int32
    repeat { fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666) } while fd < 0 && errno == EINTR
    guard fd >= 0 else { throw fail(systemReason(errno)) }
    let bytes = Array(text.utf8)
    var written = 0
    let count = bytes.count
    while written < count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, count - written) }
        if n < 0 {
            if errno == EINTR { continue }
            let reason = systemReason(errno)
            close(fd)
            unlink(temporary)
            throw fail(reason)
        }
        written += n
    }
    if close(fd) != 0 { let reason = systemReason(errno); unlink(temporary); throw fail(reason) }
    if rename(temporary, path) != 0 { let reason = systemReason(errno); unlink(temporary); throw fail(reason) }
}
