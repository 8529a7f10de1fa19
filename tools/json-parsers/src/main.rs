//! JSON Lines readers compared on the same lines: shouli's two paths, serde_json,
//! sonic-rs and simd-json (BENCHMARKS.md, "Reading JSON Lines").
//!
//! Usage: json-parsers METHOD [MODE] FILE (or run.sh FILE for all of them)
//!   MODE = time (default): 1 warm-up pass + 5 timed passes, ns/line each
//!          once: one pass only (for callgrind)
//! Every pass is `pass_<method>` (#[inline(never)]), over lines already
//! split into a Vec<&[u8]> (and &str for methods that take text), so
//! callgrind's inclusive count of `pass_*` is the per-line work alone.

use std::hint::black_box;
use std::time::Instant;

use serde::Deserialize;

// ---------------------------------------------------------------- structs
// Every key an Option; S = String (owned) or &str (borrowed).

#[derive(Deserialize)]
struct Line<S> {
    id: Option<S>,
    received: Option<S>,
    complainant: Option<Complainant<S>>,
    respondent: Option<Respondent<S>>,
    purchase: Option<Purchase<S>>,
    claim: Option<Claim<S>>,
    history: Option<History<S>>,
    recorded: Option<Recorded<S>>,
}

#[derive(Deserialize)]
struct Complainant<S> {
    name: Option<S>,
    phone: Option<S>,
    kind: Option<S>,
}

#[derive(Deserialize)]
struct Respondent<S> {
    name: Option<S>,
    stall: Option<S>,
    identified: Option<bool>,
    phone: Option<S>,
}

#[derive(Deserialize)]
struct Purchase<S> {
    date: Option<S>,
    channel: Option<S>,
    product: Option<S>,
    brand: Option<S>,
    model: Option<S>,
    quantity: Option<i64>,
    price: Option<f64>,
    warranty_months: Option<i64>,
    sold_as_defective: Option<bool>,
}

#[derive(Deserialize)]
struct Claim<S> {
    basis: Option<S>,
    facts: Option<S>,
    substantiated: Option<bool>,
    damage_cause: Option<S>,
    lawful: Option<bool>,
    negotiation: Option<S>,
    demand: Option<S>,
    evidence: Option<Vec<S>>,
}

#[derive(Deserialize)]
struct History<S> {
    mediation: Option<S>,
    new_facts: Option<bool>,
    administrative: Option<S>,
    court: Option<S>,
    arbitration: Option<S>,
}

#[derive(Deserialize)]
struct Recorded<S> {
    outcome: Option<S>,
    clause: Option<S>,
    notified: Option<S>,
    accepted: Option<S>,
    resolved: Option<S>,
}

// ---------------------------------------------------------------- checksum
// Per present leaf: +1; string: +len; bool: +1 if true; int: +value;
// float: +round(value*100); list: +count + sum of lengths.

fn s<S: AsRef<str>>(v: &Option<S>) -> u64 {
    v.as_ref().map_or(0, |x| 1 + x.as_ref().len() as u64)
}
fn b(v: &Option<bool>) -> u64 {
    v.map_or(0, |x| 1 + x as u64)
}
fn i(v: &Option<i64>) -> u64 {
    v.map_or(0, |x| 1 + x as u64)
}
fn f(v: &Option<f64>) -> u64 {
    v.map_or(0, |x| 1 + (x * 100.0).round() as u64)
}
fn l<S: AsRef<str>>(v: &Option<Vec<S>>) -> u64 {
    v.as_ref().map_or(0, |xs| {
        1 + xs.len() as u64 + xs.iter().map(|x| x.as_ref().len() as u64).sum::<u64>()
    })
}

impl<S: AsRef<str>> Line<S> {
    fn sum(&self) -> u64 {
        let mut t = s(&self.id) + s(&self.received);
        if let Some(c) = &self.complainant {
            t += s(&c.name) + s(&c.phone) + s(&c.kind);
        }
        if let Some(r) = &self.respondent {
            t += s(&r.name) + s(&r.stall) + b(&r.identified) + s(&r.phone);
        }
        if let Some(p) = &self.purchase {
            t += s(&p.date) + s(&p.channel) + s(&p.product) + s(&p.brand) + s(&p.model);
            t += i(&p.quantity) + f(&p.price) + i(&p.warranty_months) + b(&p.sold_as_defective);
        }
        if let Some(c) = &self.claim {
            t += s(&c.basis) + s(&c.facts) + b(&c.substantiated) + s(&c.damage_cause);
            t += b(&c.lawful) + s(&c.negotiation) + s(&c.demand) + l(&c.evidence);
        }
        if let Some(h) = &self.history {
            t += s(&h.mediation) + b(&h.new_facts) + s(&h.administrative);
            t += s(&h.court) + s(&h.arbitration);
        }
        if let Some(r) = &self.recorded {
            t += s(&r.outcome) + s(&r.clause) + s(&r.notified) + s(&r.accepted) + s(&r.resolved);
        }
        t
    }
}

// ---------------------------------------------------------------- key table
// The same 36 keys, for the untyped/lazy methods.

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Bool,
    Int,
    F64,
    List,
}
use Kind::*;

const KEYS: &[(&str, &str, Kind)] = &[
    ("", "id", Str),
    ("", "received", Str),
    ("complainant", "name", Str),
    ("complainant", "phone", Str),
    ("complainant", "kind", Str),
    ("respondent", "name", Str),
    ("respondent", "stall", Str),
    ("respondent", "identified", Bool),
    ("respondent", "phone", Str),
    ("purchase", "date", Str),
    ("purchase", "channel", Str),
    ("purchase", "product", Str),
    ("purchase", "brand", Str),
    ("purchase", "model", Str),
    ("purchase", "quantity", Int),
    ("purchase", "price", F64),
    ("purchase", "warranty_months", Int),
    ("purchase", "sold_as_defective", Bool),
    ("claim", "basis", Str),
    ("claim", "facts", Str),
    ("claim", "substantiated", Bool),
    ("claim", "damage_cause", Str),
    ("claim", "lawful", Bool),
    ("claim", "negotiation", Str),
    ("claim", "demand", Str),
    ("claim", "evidence", List),
    ("history", "mediation", Str),
    ("history", "new_facts", Bool),
    ("history", "administrative", Str),
    ("history", "court", Str),
    ("history", "arbitration", Str),
    ("recorded", "outcome", Str),
    ("recorded", "clause", Str),
    ("recorded", "notified", Str),
    ("recorded", "accepted", Str),
    ("recorded", "resolved", Str),
];

/// The kind of a key, matched by name (for the lazy iterator), None if
/// not one of the 36.
#[inline]
fn kind_of(table: &str, key: &str) -> Option<Kind> {
    KEYS.iter()
        .find(|(t, k, _)| *t == table && *k == key)
        .map(|&(_, _, kind)| kind)
}

// ---------------------------------------------------------------- passes

type Pass = fn(&[&[u8]], &[&str]) -> (u64, usize);

#[inline(never)]
fn pass_read(lines: &[&[u8]], _: &[&str]) -> (u64, usize) {
    let mut t = 0;
    for line in lines {
        t += black_box(line).len() as u64;
    }
    (t, 0)
}

#[inline(never)]
fn pass_utf8(lines: &[&[u8]], _: &[&str]) -> (u64, usize) {
    let mut t = 0;
    let mut bad = 0;
    for line in lines {
        match std::str::from_utf8(line) {
            Ok(x) => t += x.len() as u64,
            Err(_) => bad += 1,
        }
    }
    (t, bad)
}

thread_local! {
    static PROGRAM: &'static shouli::compile::Program =
        Box::leak(Box::new(shouli::builtin().expect("the built-in rules load")));
}

fn record_sum(rec: &shouli::record::Record) -> u64 {
    use shouli::value::Value;
    let mut t = 0;
    for slot in 0..rec.len() {
        match rec.get(slot) {
            Value::Absent => {}
            Value::Text(r) => t += 1 + rec.text(r).len() as u64,
            Value::Bool(x) => t += 1 + x as u64,
            Value::Int(x) | Value::Dec(x) => t += 1 + x as u64,
            Value::Set(x) => t += 1 + x.count_ones() as u64,
            _ => t += 1,
        }
    }
    t
}

#[inline(never)]
fn pass_shouli_plain(lines: &[&[u8]], _: &[&str]) -> (u64, usize) {
    let program = PROGRAM.with(|p| *p);
    let reader = shouli::record::json::JsonReader::new(&program.rules);
    let mut rec = shouli::record::Record::new(program.rules.fields.len());
    let mut scratch = shouli::record::json::JsonScratch::default();
    let (mut t, mut bad) = (0, 0);
    for line in lines {
        if reader.load_plain(line, &mut rec, &mut scratch) {
            t += record_sum(&rec);
        } else {
            bad += 1;
        }
    }
    (t, bad)
}

#[inline(never)]
fn pass_shouli_full(_: &[&[u8]], texts: &[&str]) -> (u64, usize) {
    let program = PROGRAM.with(|p| *p);
    let reader = shouli::record::json::JsonReader::new(&program.rules);
    let mut rec = shouli::record::Record::new(program.rules.fields.len());
    let mut scratch = shouli::record::json::JsonScratch::default();
    let mut problems = Vec::new();
    let (mut t, mut bad) = (0, 0);
    for text in texts {
        problems.clear();
        if reader.load_full(text, &mut rec, &mut scratch, &mut problems) && problems.is_empty() {
            t += record_sum(&rec);
        } else {
            bad += 1;
        }
    }
    (t, bad)
}

macro_rules! typed_pass {
    ($name:ident, $s:ty, |$line:ident, $text:ident, $buf:ident| $parse:expr) => {
        #[inline(never)]
        fn $name(lines: &[&[u8]], texts: &[&str]) -> (u64, usize) {
            let (mut t, mut bad) = (0, 0);
            #[allow(unused_mut, unused_variables)]
            let mut $buf: Vec<u8> = Vec::new();
            #[allow(unused_variables)]
            for (&$line, &$text) in lines.iter().zip(texts) {
                let parsed: Result<Line<$s>, _> = $parse;
                match parsed {
                    Ok(x) => t += x.sum(),
                    Err(_) => bad += 1,
                }
            }
            (t, bad)
        }
    };
}

// serde_json, from bytes (validates UTF-8 as it reads strings).
typed_pass!(pass_serde_owned, String, |line, text, buf| serde_json::from_slice(line));
typed_pass!(pass_serde_borrowed, &str, |line, text, buf| serde_json::from_slice(line));
// sonic-rs serde (from_slice validates UTF-8).
typed_pass!(pass_sonic_owned, String, |line, text, buf| sonic_rs::from_slice(line));
typed_pass!(pass_sonic_borrowed, &str, |line, text, buf| sonic_rs::from_slice(line));
// simd-json serde: needs a mutable copy (counted: buf reused, copy per line).
typed_pass!(pass_simd_owned, String, |line, text, buf| {
    buf.clear();
    buf.extend_from_slice(line);
    simd_json::serde::from_slice(&mut buf)
});

#[inline(never)]
fn pass_simd_borrowed(lines: &[&[u8]], _: &[&str]) -> (u64, usize) {
    let (mut t, mut bad) = (0, 0);
    let mut buf: Vec<u8> = Vec::new();
    for line in lines {
        buf.clear();
        buf.extend_from_slice(line);
        match simd_json::serde::from_slice::<Line<&str>>(&mut buf) {
            Ok(x) => t += x.sum(),
            Err(_) => bad += 1,
        }
    }
    (t, bad)
}

#[inline(never)]
fn pass_simd_value(lines: &[&[u8]], _: &[&str]) -> (u64, usize) {
    use simd_json::prelude::*;
    let (mut t, mut bad) = (0, 0);
    let mut buf: Vec<u8> = Vec::new();
    for line in lines {
        buf.clear();
        buf.extend_from_slice(line);
        let v = match simd_json::to_borrowed_value(&mut buf) {
            Ok(v) => v,
            Err(_) => {
                bad += 1;
                continue;
            }
        };
        for &(table, key, kind) in KEYS {
            let leaf = if table.is_empty() {
                v.get(key)
            } else {
                v.get(table).and_then(|o| o.get(key))
            };
            let Some(x) = leaf else { continue };
            t += 1 + match kind {
                Str => x.as_str().map_or(0, |s| s.len() as u64),
                Bool => x.as_bool().map_or(0, |b| b as u64),
                Int => x.as_i64().map_or(0, |n| n as u64),
                F64 => x.cast_f64().map_or(0, |n| (n * 100.0).round() as u64),
                List => x.as_array().map_or(0, |xs| {
                    xs.len() as u64 + xs.iter().map(|e| e.as_str().map_or(0, |s| s.len() as u64)).sum::<u64>()
                }),
            };
        }
    }
    (t, bad)
}

fn sonic_leaf(x: &sonic_rs::LazyValue<'_>, kind: Kind) -> u64 {
    use sonic_rs::JsonValueTrait;
    1 + match kind {
        Str => x.as_str().map_or(0, |s| s.len() as u64),
        Bool => x.as_bool().map_or(0, |b| b as u64),
        Int => x.as_i64().map_or(0, |n| n as u64),
        F64 => x.as_f64().map_or(0, |n| (n * 100.0).round() as u64),
        List => {
            let mut n = 0;
            for e in sonic_rs::to_array_iter(x.as_raw_str()) {
                let e = e.expect("array element");
                n += 1 + e.as_str().map_or(0, |s| s.len() as u64);
            }
            n
        }
    }
}

/// sonic-rs lazy: iterate the top object, and each nested one, with
/// `to_object_iter`; every key matched against the 36 by name.
#[inline(never)]
fn pass_sonic_iter(lines: &[&[u8]], _: &[&str]) -> (u64, usize) {
    let (mut t, mut bad) = (0, 0);
    'line: for line in lines {
        let mut sum = 0;
        for entry in sonic_rs::to_object_iter(*line) {
            let Ok((key, val)) = entry else {
                bad += 1;
                continue 'line;
            };
            if let Some(kind) = kind_of("", &key) {
                sum += sonic_leaf(&val, kind);
                continue;
            }
            let table = key;
            for inner in sonic_rs::to_object_iter(val.as_raw_str()) {
                let Ok((key, val)) = inner else {
                    bad += 1;
                    continue 'line;
                };
                if let Some(kind) = kind_of(&table, &key) {
                    sum += sonic_leaf(&val, kind);
                }
            }
        }
        t += sum;
    }
    (t, bad)
}

/// sonic-rs lazy: `get_many` with a PointerTree of the 36 paths.
#[inline(never)]
fn pass_sonic_get_many(lines: &[&[u8]], _: &[&str]) -> (u64, usize) {
    let mut tree = sonic_rs::PointerTree::new();
    for &(table, key, _) in KEYS {
        if table.is_empty() {
            tree.add_path([key]);
        } else {
            tree.add_path([table, key]);
        }
    }
    let (mut t, mut bad) = (0, 0);
    for line in lines {
        match sonic_rs::get_many(*line, &tree) {
            Ok(vals) => {
                for (v, &(_, _, kind)) in vals.iter().zip(KEYS) {
                    if let Some(v) = v {
                        t += sonic_leaf(v, kind);
                    }
                }
            }
            Err(_) => bad += 1,
        }
    }
    (t, bad)
}

const METHODS: &[(&str, Pass)] = &[
    ("read", pass_read),
    ("utf8", pass_utf8),
    ("shouli-plain", pass_shouli_plain),
    ("shouli-full", pass_shouli_full),
    ("serde-owned", pass_serde_owned),
    ("serde-borrowed", pass_serde_borrowed),
    ("sonic-owned", pass_sonic_owned),
    ("sonic-borrowed", pass_sonic_borrowed),
    ("sonic-iter", pass_sonic_iter),
    ("sonic-getmany", pass_sonic_get_many),
    ("simd-owned", pass_simd_owned),
    ("simd-borrowed", pass_simd_borrowed),
    ("simd-value", pass_simd_value),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let method = args.get(1).map(String::as_str).unwrap_or("list");
    let mode = args.get(2).map(String::as_str).unwrap_or("time");
    let path = args.get(3).map(String::as_str).unwrap_or("/tmp/speed-20k.jsonl");
    let Some(&(_, pass)) = METHODS.iter().find(|(n, _)| *n == method) else {
        eprintln!("methods:");
        for (n, _) in METHODS {
            eprintln!("  {n}");
        }
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).expect("read input");
    let lines: Vec<&[u8]> = bytes
        .split(|&c| c == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect();
    let texts: Vec<&str> = lines
        .iter()
        .map(|l| std::str::from_utf8(l).expect("UTF-8 input"))
        .collect();
    let n = lines.len();
    if method.starts_with("shouli") {
        PROGRAM.with(|p| black_box(*p));
    }
    match mode {
        "once" => {
            let (sum, bad) = pass(black_box(&lines), black_box(&texts));
            println!("{method}: lines={n} failed={bad} checksum={sum}");
        }
        _ => {
            let (sum, bad) = pass(black_box(&lines), black_box(&texts)); // warm-up
            let mut ns = Vec::new();
            for _ in 0..5 {
                let start = Instant::now();
                let (s2, b2) = pass(black_box(&lines), black_box(&texts));
                let el = start.elapsed();
                assert_eq!((s2, b2), (sum, bad));
                ns.push(el.as_nanos() as f64 / n as f64);
            }
            let runs = ns.iter().map(|x| format!("{x:.0}")).collect::<Vec<_>>().join(" ");
            let mut sorted = ns.clone();
            sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!(
                "{method}: lines={n} failed={bad} checksum={sum} median={:.0} min={:.0} max={:.0} ns/line runs=[{runs}]",
                sorted[2], sorted[0], sorted[4]
            );
        }
    }
}
