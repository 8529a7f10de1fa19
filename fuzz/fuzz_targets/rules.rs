//! Arbitrary bytes as a rule file: parse, check, compile, lint. A rule file
//! that loads is also used: its blank template is rendered, its document
//! written (Markdown and HTML, its examples evaluated), and an empty record
//! is evaluated and reported.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use shouli::diag::Lang;
use shouli::record::Record;

fuzz_target!(|data: &[u8]| {
    match shouli::load_rules("fuzz.rules", data) {
        Ok(program) => {
            let _ = shouli::template::render(&program.rules, Lang::Zh);
            let _ = shouli::template::render(&program.rules, Lang::En);
            let traces = shouli::examples::traces(&program);
            for format in [shouli::explain::Format::Md, shouli::explain::Format::Html] {
                let _ = shouli::explain::render(&program, &traces, format, Lang::Zh);
            }
            let rec = Record::new(program.rules.fields.len());
            common::report_every_way(&program, &rec);
            let _ = shouli::load::lint_rules("fuzz.rules", data);
        }
        Err(e) => {
            // Every diagnostic must render against the file it came from.
            for d in &e.diagnostics {
                let _ = shouli::diag::render(d, &e.file, Lang::Zh);
                let _ = shouli::diag::render_short(d, &e.file, Lang::En);
                let _ = serde_json::to_string(&shouli::diag::JsonDiagnostic::new(d, &e.file));
            }
        }
    }
});
