//! Arbitrary bytes as a CSV export under the built-in rules: the header is
//! mapped to fields, each row loaded by the batch reader, and a row that
//! loads is evaluated and its report rendered.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use shouli::diag::{Lang, Source};
use shouli::record::Record;
use shouli::record::csv::{CsvColumns, reader};

fuzz_target!(|data: &[u8]| {
    let program = common::builtin();
    let mut csv = reader(data);
    let Ok(header) = csv.byte_headers().cloned() else {
        return;
    };
    let source = Source::new("fuzz.csv", "");
    let (columns, warnings) = CsvColumns::new(&program.rules, &header);
    for d in &warnings {
        let _ = shouli::diag::render(d, &source, Lang::Zh);
    }
    let mut rec = Record::new(program.rules.fields.len());
    let mut problems = Vec::new();
    for row in csv.byte_records() {
        let Ok(row) = row else { continue };
        problems.clear();
        if columns.load(&program.rules, &row, &mut rec, &mut problems) {
            common::report_every_way(program, &rec);
        }
        for d in &problems {
            let _ = shouli::diag::render(d, &source, Lang::En);
        }
    }
});
