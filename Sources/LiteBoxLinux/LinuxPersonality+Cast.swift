// Who is who: which LiteBox thread and sandbox each Linux thread and process
// of a log is, decided before the replay from the log alone.

import StraceImport

/// The casting of a log's processes and threads onto sandboxes and LiteBox
/// threads.
///
/// A process lives from the event that creates it (the clone, or its first
/// event when the log shows no parent) until its last thread ends; a thread
/// from its clone (or first event) until its `exit`, its process's
/// `exit_group`, an `execve` by another thread of its process, or its
/// `+++ exited +++`/`+++ killed +++` line. These are exactly the points at
/// which the replay ends them in LiteBox. A sandbox whose process has ended
/// (all its capabilities deleted, its threads inactive) is given to the next
/// new process, and an ended LiteBox thread to the next new thread of its
/// sandbox, so a log of many short-lived processes (a shell script) needs
/// only as many sandboxes as processes live at once. A pid Linux reuses is a
/// new thread.
struct Cast {
    /// One Linux thread beginning: from event `event` on, `tid` is LiteBox
    /// thread `thread`, of process `process`.
    struct Start {
        var tid: Int
        var thread: Int
        var process: Int
    }

    /// The starts at each event index (applied before the event).
    var starts: [Int: [Start]] = [:]
    /// The sandbox of each process (processes are numbered in order of creation).
    var sandboxOfProcess: [Int] = []
    /// The sandbox of each LiteBox thread (thread 0 is the host's, in sandbox 0).
    var sandboxOfThread: [Int] = [0]
    /// The number of sandboxes, the host's included.
    var sandboxes = 1

    /// Casts `log`. Throws when a clone returns its caller's own id (a
    /// thread that is alive, making the call, cannot be created again).
    init(_ log: StraceLog) throws(LinuxReplay.Failure) {
        var live: [Int: (thread: Int, process: Int)] = [:]   // by tid
        var liveTids: [Int: Set<Int>] = [:]                   // by process
        var freeSandboxes: Set<Int> = []
        var freeThreads: [Int: [Int]] = [:]                   // by sandbox

        func newProcess() -> Int {
            let sb: Int
            if let s = freeSandboxes.min() { freeSandboxes.remove(s); sb = s } else { sb = sandboxes; sandboxes += 1 }
            sandboxOfProcess.append(sb)
            return sandboxOfProcess.count - 1
        }
        func start(_ tid: Int, process p: Int, at event: Int) {
            if live[tid] != nil { end(tid) }
            let sb = sandboxOfProcess[p]
            let thread: Int
            if let t = freeThreads[sb]?.popLast() { thread = t } else {
                thread = sandboxOfThread.count
                sandboxOfThread.append(sb)
            }
            live[tid] = (thread, p)
            liveTids[p, default: []].insert(tid)
            starts[event, default: []].append(Start(tid: tid, thread: thread, process: p))
        }
        func end(_ tid: Int) {
            guard let (thread, p) = live.removeValue(forKey: tid) else { return }
            let sb = sandboxOfProcess[p]
            freeThreads[sb, default: []].append(thread)
            liveTids[p]?.remove(tid)
            if liveTids[p]?.isEmpty ?? true { freeSandboxes.insert(sb) }
        }

        for (i, e) in log.events.enumerated() {
            switch e {
            case .call(let c):
                if live[c.pid] == nil { start(c.pid, process: newProcess(), at: i) }
                guard let (_, p) = live[c.pid] else { continue }
                let kind = LinuxCalls.kind(of: c.name)
                if kind == .clone, let child = c.returnValue, child > 0 {
                    if child == c.pid {
                        throw LinuxReplay.Failure(location: c.start, reason: "`\(LinuxCalls.render(c))`: "
                                                  + "a \(c.name) cannot return its caller's own id \(child) as the new thread's")
                    }
                    let sameProcess = LinuxCalls.cloneFlags(c).contains("CLONE_THREAD")
                    start(Int(child), process: sameProcess ? p : newProcess(), at: i)
                }
                switch kind {
                case .exit where c.result != .none:
                    end(c.pid)
                case .exitGroup where c.result != .none:
                    for tid in liveTids[p] ?? [] { end(tid) }
                case .execve where c.returnValue != nil:
                    for tid in liveTids[p] ?? [] where tid != c.pid { end(tid) }
                default:
                    break
                }
            case .exited(let pid, _, _), .killed(let pid, _, _, _):
                end(pid)
            case .resumed, .signal:
                break
            }
        }
        if sandboxOfProcess.isEmpty { _ = newProcess() }
    }
}
