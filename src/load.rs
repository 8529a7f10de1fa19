//! The one front door for rule files: bytes → decoded text → syntax tree →
//! checked rules → compiled program (or lint findings), with every problem
//! found on the way, capped at `diag::MAX_DIAGNOSTICS`. The command line
//! (`cli::load`) reads the files and prints; tests, benchmarks and fuzz
//! targets call this directly.

use sha2::Digest as _;

use crate::compile::Program;
use crate::diag::{self, Diagnostic, Source};
use crate::model::RuleSet;
use crate::syntax::{self, Examples};
use crate::{check, compile};

/// The built-in rules: the mall's 消费者商品投诉工作指引.
pub const BUILTIN_RULES: &str = include_str!("../rules/guideline.rules");
/// How the built-in rules are named in messages.
pub const BUILTIN_NAME: &str = "rules/guideline.rules";

/// A rule set shipped inside shouli, chosen by a short name (`--rules samr`).
#[derive(Debug, Clone, Copy)]
pub struct BuiltinRules {
    /// What `--rules` takes.
    pub name: &'static str,
    /// How the file is named in messages (its path in the repository).
    pub file: &'static str,
    pub text: &'static str,
}

/// Every built-in rule set; the first is the default.
pub const BUILTINS: &[BuiltinRules] = &[
    BuiltinRules {
        name: "guideline",
        file: BUILTIN_NAME,
        text: BUILTIN_RULES,
    },
    BuiltinRules {
        name: "samr",
        file: "rules/samr.rules",
        text: include_str!("../rules/samr.rules"),
    },
];

/// The built-in rule set of this name, if any.
pub fn builtin_named(name: &str) -> Option<&'static BuiltinRules> {
    BUILTINS.iter().find(|b| b.name == name)
}

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
    let text = match crate::record::decode(bytes) {
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

/// A rule file that checked, with what `lint` found in it.
#[derive(Debug)]
pub struct Linted {
    pub file: Source,
    pub rules: RuleSet,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses, checks and lints a rule file (examples included). The rule
/// file's own errors refuse it, as [`load_rules`] would; the lint findings
/// are capped like every other list of diagnostics.
pub fn lint_rules(name: &str, bytes: &[u8]) -> Result<Linted, RulesError> {
    let text = match crate::record::decode(bytes) {
        Ok(text) => text,
        Err((diag, lossy)) => {
            return Err(RulesError {
                file: Source::new(name, lossy),
                diagnostics: vec![diag],
            });
        }
    };
    let file = Source::new(name, text);
    let parsed = syntax::parse(text);
    let Some(tree) = parsed.file else {
        return Err(RulesError {
            file,
            diagnostics: refusal(parsed, text),
        });
    };
    match check::check_source(&tree, text, digest(bytes)) {
        Ok(rules) => {
            let mut diagnostics = crate::lint::lint(&rules, text);
            diag::cap(&mut diagnostics, 0);
            Ok(Linted {
                file,
                rules,
                diagnostics,
            })
        }
        Err(mut diagnostics) => {
            diag::cap(&mut diagnostics, 0);
            Err(RulesError { file, diagnostics })
        }
    }
}
