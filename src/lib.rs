//! shouli (受理): decides whether a consumer complaint is admissible under a
//! written guideline, and explains which clause decided.
//!
//! Data flows one way: text → [`syntax`] tree → [`check`]ed rules
//! ([`model`]) → [`compile`]d program → [`eval`]uation trace → [`report`].
//! [`record`] loads complaint records against the checked rules; [`cli`]
//! is the command line, and the only place that prints.

// Errors carry a bilingual message, a span and a help text; they are built
// only when something is wrong, so their size costs nothing on the hot path.
#![allow(clippy::result_large_err)]

// pest without its `std` feature (see Cargo.toml) generates code that names
// `alloc` from the crate root.
extern crate alloc;

pub mod atomic;
pub mod audit;
pub mod batch;
pub mod check;
pub mod cli;
pub mod compile;
pub mod diag;
pub mod eval;
pub mod examples;
pub mod explain;
pub mod fmt;
pub mod lint;
pub mod model;
pub mod record;
pub mod report;
pub mod sanitize;
pub mod syntax;
pub mod template;
pub mod value;

use sha2::Digest as _;

use crate::compile::Program;
use crate::diag::{Diagnostic, Source};
pub use crate::syntax::Examples;

/// The built-in rules: the mall's 消费者商品投诉工作指引.
pub const BUILTIN_RULES: &str = include_str!("../rules/guideline.rules");
/// How the built-in rules are named in messages.
pub const BUILTIN_NAME: &str = "rules/guideline.rules";

/// A rule file that could not be used, with every problem found in it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} problem(s) in {}", diagnostics.len(), file.name)]
pub struct RulesError {
    pub file: Source,
    pub diagnostics: Vec<Diagnostic>,
}

/// `sha256:` and the hex SHA-256 of some bytes.
pub fn digest(bytes: &[u8]) -> String {
    let hash = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hash.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Parses, checks and compiles a rule file, examples included.
// Inlined, so that a profiler toggled on `*load_rules*` sees one call.
#[inline]
pub fn load_rules(name: &str, bytes: &[u8]) -> Result<Program, RulesError> {
    load_rules_with(name, bytes, Examples::Parse)
}

/// Parses, checks and compiles a rule file, its examples only if `examples`
/// says so: with [`Examples::Skip`] the program has no examples and a broken
/// example goes unreported (see [`Examples`] for when that is right). The
/// digest is of all of `bytes` either way.
pub fn load_rules_with(
    name: &str,
    bytes: &[u8],
    examples: Examples,
) -> Result<Program, RulesError> {
    let text = match record::decode(bytes) {
        Ok(text) => text,
        Err((diag, lossy)) => {
            return Err(RulesError {
                file: Source::new(name, lossy),
                diagnostics: vec![diag],
            });
        }
    };
    let source = Source::new(name, text);
    let parsed = syntax::parse_with(text, examples);
    let Some(file) = parsed.file else {
        return Err(RulesError {
            file: source,
            diagnostics: refusal(parsed, text),
        });
    };
    match check::check_source(&file, text, digest(bytes)) {
        Ok(rules) => Ok(compile::compile(rules)),
        Err(mut diagnostics) => {
            diag::cap(&mut diagnostics, 0);
            Err(RulesError {
                file: source,
                diagnostics,
            })
        }
    }
}

/// Why a rule file that did not parse is refused: its syntax errors and the
/// check errors of the items that did parse (`check::check_partial`), in the
/// order of the file, at most `diag::MAX_DIAGNOSTICS` of them.
pub(crate) fn refusal(parsed: syntax::Parsed, text: &str) -> Vec<Diagnostic> {
    let also = check::check_partial(&parsed, text);
    let mut diagnostics = parsed.diagnostics;
    if !also.is_empty() {
        // As the parser orders its own (a file-wide one first), with the
        // note of where it stopped, if any, still last.
        let note = diagnostics.pop_if(|d| d.code == "too-many-problems");
        diagnostics.extend(also);
        diagnostics.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        diagnostics.extend(note);
    }
    diag::cap(&mut diagnostics, 0);
    diagnostics
}

/// The built-in rules, compiled, examples included.
pub fn builtin() -> Result<Program, RulesError> {
    load_rules(BUILTIN_NAME, BUILTIN_RULES.as_bytes())
}
