//! Arbitrary bytes as a TOML complaint record under the built-in rules:
//! load, then evaluate and render the report; or render every diagnostic.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use shouli::diag::Lang;
use shouli::record::{self, Record};

fuzz_target!(|data: &[u8]| {
    let program = common::builtin();
    let mut rec = Record::new(program.rules.fields.len());
    match record::toml::load(data, "fuzz.toml", &program.rules, &mut rec) {
        Ok((source, warnings)) => {
            for w in &warnings {
                let _ = shouli::diag::render(w, &source, Lang::Zh);
            }
            common::report_every_way(program, &rec);
        }
        Err(e) => {
            for d in &e.diagnostics {
                let _ = shouli::diag::render(d, &e.source, Lang::Zh);
                let _ = shouli::diag::render(d, &e.source, Lang::En);
                let _ = shouli::diag::render_short(d, &e.source, Lang::Zh);
                let _ = serde_json::to_string(&shouli::diag::JsonDiagnostic::new(d, &e.source));
            }
        }
    }
});
