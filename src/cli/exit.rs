//! The exit codes, all in one table (SPEC §5). Only the command line picks
//! one; the library returns outcomes and errors.

use crate::model::Outcome;

/// `check`: the complaint is accepted; `batch`, `lint`, `test`, `fmt`: all well.
pub const OK: u8 = 0;
/// `check`: the complaint is rejected.
pub const REJECTED: u8 = 1;
/// `lint --deny-warnings`: warnings; `test`: an example failed; `fmt --check`:
/// not formatted.
pub const FAILED: u8 = 1;
/// `diff`: some decision changed (with `--fail-on widen`: some complaint
/// would newly be accepted).
pub const CHANGED: u8 = 1;
/// The input or the rule file could not be used; a batch could not start.
pub const UNUSABLE: u8 = 2;
/// `check`: the complaint is incomplete.
pub const INCOMPLETE: u8 = 3;
/// `batch`: some record could not be checked (each is reported; all others
/// were checked).
pub const SOME_UNCHECKED: u8 = 4;
/// `check`: the complaint is accepted.
pub const ACCEPTED: u8 = OK;

/// The exit code of `check` for an outcome.
pub fn of_outcome(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Accepted => ACCEPTED,
        Outcome::Rejected => REJECTED,
        Outcome::Incomplete => INCOMPLETE,
    }
}
