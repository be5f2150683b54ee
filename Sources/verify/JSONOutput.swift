// `--json` output: every report is an `Encodable` value (ProofReport,
// ReplayReport, ...), written here with sorted keys so that the output is
// deterministic and the tests can decode the same types.

import Foundation

/// `value` as JSON text with sorted keys (one line, no trailing newline).
/// The reports hold strings, integers and finite times, which always
/// encode; a failure is a programming error.
func jsonText<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    do {
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    } catch {
        preconditionFailure("a report that JSONEncoder cannot encode: \(error)")
    }
}
