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
pub mod base;
pub mod batch;
pub mod calendar;
pub mod check;
pub mod cli;
pub mod compile;
pub mod desk;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod examples;
pub mod explain;
pub mod fmt;
pub mod html;
pub mod lint;
pub mod load;
pub mod model;
pub mod notice;
pub mod record;
pub mod register;
pub mod report;
pub mod sanitize;
pub mod syntax;
pub mod template;
pub mod value;

pub use crate::load::{
    BUILTIN_NAME, BUILTIN_RULES, RulesError, builtin, digest, load_rules, load_rules_with,
};
pub use crate::syntax::Examples;

/// The layout's invariants, held by reading the sources: only the command
/// line names clap, prints, or exits.
#[cfg(test)]
mod layout {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("src entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// Each module's stage: a module names only modules of its own stage or
    /// an earlier one (`crate::x` outside comments and tests), and no two
    /// modules name each other.
    const STAGES: &[&[&str]] = &[
        &["base"],
        &["diag", "value", "sanitize"],
        &["syntax", "calendar"],
        &["model"],
        &["check", "record", "template"],
        &["compile"],
        &["eval"],
        &["audit", "examples"],
        &["report", "explain", "lint", "fmt", "atomic"],
        &["load", "register", "notice"],
        &["batch", "desk"],
        &["diff"],
        &["html"],
        &["cli", "lib", "main"],
    ];

    fn stage(module: &str) -> usize {
        STAGES
            .iter()
            .position(|s| s.contains(&module))
            .unwrap_or_else(|| panic!("module `{module}` has no stage in STAGES"))
    }

    /// The `crate::x` names in a source, comments and test modules left out.
    fn imports(text: &str) -> Vec<String> {
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let mut found = Vec::new();
        for line in code.lines() {
            let line = line.split("//").next().unwrap_or("");
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + 7..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "alloc" {
                    found.push(name);
                }
            }
        }
        found
    }

    #[test]
    fn data_flows_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        let mut edges = std::collections::BTreeSet::new();
        let mut wrong = Vec::new();
        for (path, text) in &files {
            let rel = Path::new(path).strip_prefix(&src).expect("under src");
            let first = rel.components().next().expect("a file").as_os_str();
            let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
            for name in imports(text) {
                if name == module {
                    continue;
                }
                if stage(&name) > stage(&module) {
                    wrong.push(format!("{path}: `{module}` names the later `{name}`"));
                }
                edges.insert((module.clone(), name));
            }
        }
        for (a, b) in &edges {
            if edges.contains(&(b.clone(), a.clone())) {
                wrong.push(format!("`{a}` and `{b}` name each other"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn only_the_command_line_names_clap_prints_or_exits() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        assert!(files.len() > 20, "the sources were found");
        let cli = src.join("cli");
        // Spelt in two halves, so that this test does not find itself.
        let forbidden = [
            concat!("cl", "ap::"),
            concat!("print", "ln!"),
            concat!("eprint", "ln!"),
            concat!("print", "!("),
            concat!("eprint", "!("),
            concat!("io::std", "out()"),
            concat!("io::std", "err()"),
            concat!("process::", "exit"),
            concat!("indic", "atif"),
        ];
        let mut found = Vec::new();
        for (path, text) in &files {
            if Path::new(path).starts_with(&cli) || path.ends_with("main.rs") {
                continue;
            }
            for word in forbidden {
                if text.contains(word) {
                    found.push(format!("{path}: {word}"));
                }
            }
        }
        assert!(found.is_empty(), "outside src/cli/: {found:#?}");
    }
}
