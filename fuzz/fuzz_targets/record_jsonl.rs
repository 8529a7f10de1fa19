//! Arbitrary bytes as JSON Lines under the built-in rules: each line is
//! loaded by the batch reader, and a line that loads is evaluated and its
//! report rendered; every problem is rendered against its line. Each line
//! of bytes goes through the reader's plain path too, UTF-8 or not: a fuzz
//! build has debug assertions, under which every line the plain path
//! accepts is read again by the full reader and the records compared.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use shouli::diag::{Lang, Source};
use shouli::record::Record;
use shouli::record::json::{JsonReader, JsonScratch};

fuzz_target!(|data: &[u8]| {
    let program = common::builtin();
    let reader = JsonReader::new(&program.rules);
    let mut scratch = JsonScratch::default();
    let mut rec = Record::new(program.rules.fields.len());
    for line in data.split(|&b| b == b'\n') {
        reader.load_plain(line, &mut rec, &mut scratch);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return; // batch decodes a line before the full reader reads it
    };
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
