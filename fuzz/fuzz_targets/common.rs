//! Shared by the targets: the built-in rules, compiled once, and the whole
//! path from a loaded record to every rendering of its report.

use std::sync::OnceLock;

use shouli::compile::Program;
use shouli::diag::Lang;
use shouli::record::Record;
use shouli::report::{self, Options};

#[allow(dead_code)] // the `rules` target brings its own rules
pub fn builtin() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| shouli::builtin().expect("the built-in rules load"))
}

/// Evaluates a loaded record and renders its report every way the CLI
/// can: text in both languages, JSON, with and without redaction.
pub fn report_every_way(program: &Program, rec: &Record) {
    let Ok(trace) = program.evaluate(rec) else {
        return; // date arithmetic out of range: an error, not a panic
    };
    for lang in [Lang::Zh, Lang::En] {
        for redact in [false, true] {
            let report = report::build(
                program,
                rec,
                &trace,
                "fuzz",
                Vec::new(),
                Options { lang, redact },
            );
            let _ = report::text::render(&report, lang);
            let _ = serde_json::to_string(&report).expect("a report serialises");
        }
    }
}
