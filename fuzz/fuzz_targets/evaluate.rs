//! Structured: a list of (field, value) assignments, each converted by
//! `record::convert` as any record source would, then the record is
//! evaluated under the built-in rules and its report rendered. Values the
//! conversion refuses are skipped, as a loader would report them.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shouli::record::{self, Raw, Record};
use shouli::value::Date;

#[derive(Debug, Arbitrary)]
enum Given {
    Str(String),
    Cell(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Year offset from 1900, month, day.
    Date(u16, u8, u8),
}

#[derive(Debug, Arbitrary)]
struct Assign {
    field: u8,
    value: Given,
}

fuzz_target!(|assignments: Vec<Assign>| {
    let program = common::builtin();
    let fields = &program.rules.fields;
    let mut rec = Record::new(fields.len());
    for a in &assignments {
        let slot = usize::from(a.field) % fields.len();
        let raw = match &a.value {
            Given::Str(s) => Raw::Str(s),
            Given::Cell(s) => Raw::Cell(s),
            Given::Int(i) => Raw::Int(*i),
            Given::Float(f) => Raw::Float(*f, None),
            Given::Bool(b) => Raw::Bool(*b),
            Given::Date(y, m, d) => {
                let year = 1900 + (*y % 400) as i16;
                match Date::new(year, (*m % 12 + 1) as i8, (*d % 31 + 1) as i8) {
                    Ok(date) => Raw::Date(date),
                    Err(_) => continue,
                }
            }
        };
        if let Ok(value) = record::convert(&fields[slot], raw, &mut rec) {
            rec.set(slot, value);
        }
    }
    common::report_every_way(program, &rec);
});
