//! Arbitrary bytes as JSON Lines under the built-in rules: each line is
//! loaded by the batch reader, and a line that loads is evaluated and its
//! report rendered; every problem is rendered against its line.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use shouli::diag::{Lang, Source};
use shouli::record::Record;
use shouli::record::json::{JsonReader, JsonScratch};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // batch decodes before it splits lines
    };
    let program = common::builtin();
    let reader = JsonReader::new(&program.rules);
    let mut scratch = JsonScratch::default();
    let mut rec = Record::new(program.rules.fields.len());
    let mut problems = Vec::new();
    for line in text.lines() {
        problems.clear();
        let ok = reader.load(line, &mut rec, &mut scratch, &mut problems);
        let source = Source::new("fuzz.jsonl", line);
        for d in &problems {
            let _ = shouli::diag::render(d, &source, Lang::Zh);
            let _ = shouli::diag::render_short(d, &source, Lang::En);
        }
        if ok {
            common::report_every_way(program, &rec);
        }
    }
});
