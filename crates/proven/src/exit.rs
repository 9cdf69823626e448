//! Exit codes, the same for every command.

use std::process::ExitCode;

/// What a run ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// Everything was read and the policy passed.
    Passed = 0,
    /// The policy failed (or a check found what it looks for).
    Failed = 1,
    /// Usage or tool error.
    Error = 2,
    /// Some input could not be read; the rest was still processed and written.
    Incomplete = 3,
}

impl From<Code> for ExitCode {
    fn from(c: Code) -> ExitCode {
        ExitCode::from(c as u8)
    }
}

/// True when the error is a closed stdout (`proven ... | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
