//! A record as one JSON object with flat keys (`{"purchase.date":
//! "2023-11-20"}`), the form the register stores and `cases export` writes:
//! `shouli batch` reads it as JSON Lines, and SQLite's `json_extract` finds
//! a key with one path step.

use std::fmt::Write as _;

use crate::base::format_cents;
use crate::compile::Program;
use crate::model::FieldType;
use crate::record::Record;
use crate::value::Value;

/// The record's present fields, in the rule file's order.
pub fn record_json(program: &Program, rec: &Record) -> String {
    let rules = &program.rules;
    let mut out = String::with_capacity(512);
    out.push('{');
    let mut first = true;
    for slot in rec.present().iter() {
        let f = &rules.fields[slot];
        let v = rec.get(slot);
        if !first {
            out.push(',');
        }
        first = false;
        string(&mut out, &f.key);
        out.push(':');
        match v {
            Value::Absent => out.push_str("null"),
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Dec(d) => out.push_str(&format_cents(d)),
            Value::Date(d) => {
                let _ = write!(out, "\"{d}\"");
            }
            Value::Text(r) => string(&mut out, rec.text(r)),
            Value::Lit(i) => string(&mut out, program.text_constant(i)),
            Value::Enum(e) => match f.ty.values().get(e as usize) {
                Some(v) => string(&mut out, &v.code),
                None => out.push_str("null"),
            },
            Value::Set(bits) => {
                out.push('[');
                let values = match &f.ty {
                    FieldType::List(vs) | FieldType::Enum(vs) => vs.as_slice(),
                    _ => &[],
                };
                let mut first = true;
                for (i, v) in values.iter().enumerate() {
                    if bits >> i & 1 == 1 {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        string(&mut out, &v.code);
                    }
                }
                out.push(']');
            }
        }
    }
    out.push('}');
    out
}

/// A JSON string: quotes, backslashes and control characters escaped.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
