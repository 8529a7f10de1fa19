//! A report's JSON written straight from the trace, byte for byte what
//! `serde_json::to_writer(&report::build(…))` writes, without building the
//! [`Report`](super::Report). Every word of the rule file (keys, clause ids,
//! titles, sources, labels, the `rules` object) is escaped once, when the
//! [`Writer`] is made for a program, language and redaction; per record only
//! what depends on the record is escaped, into the caller's buffer, and
//! nothing is allocated but what a redacted personal value's mask needs.

use std::fmt::{self, Display, Write as _};

use super::{Explanation, Options, Writer as Words};
use crate::compile::Program;
use crate::diag::Lang;
use crate::eval::{Deciding, Status, Trace};
use crate::model::{ClauseKind, Outcome, Piece, Template};
use crate::record::Record;

/// The pre-escaped pieces of one program's reports.
pub struct Writer<'p> {
    program: &'p Program,
    opts: Options,
    /// Per clause: its id as a JSON string.
    ids: Vec<Vec<u8>>,
    /// Per clause: `{"id":…,"kind":…,"title":…,"status":` for a decision
    /// clause, `{"id":…,"title":…,"name":…,"status":` for a deadline.
    heads: Vec<Vec<u8>>,
    /// Per field: `{"key":…,"label":…`.
    fields: Vec<Vec<u8>>,
    /// Per field: `"key"`.
    keys: Vec<Vec<u8>>,
    /// Per field and value: the value's label as a JSON string.
    choices: Vec<Vec<Vec<u8>>>,
    /// The slots in the order of their keys (`missing` is sorted by key).
    by_key: Vec<usize>,
    /// The `deadlines` object's entries in name order: `"name":` and the
    /// clause whose date it holds (the last of that name, as a map keeps).
    deadlines: Vec<(Vec<u8>, usize)>,
    /// Per clause, then the scope clause, then no clause:
    /// `,"deciding":…,"deciding_title":…,"deciding_source":…,"reason":`.
    deciding: Vec<Vec<u8>>,
    /// Per outcome (`Outcome::ALL`): `,"outcome":…,"verdict":…`.
    outcomes: Vec<Vec<u8>>,
    /// `],"rules":{…}` after the warnings.
    rules: Vec<u8>,
    /// Every template's pieces in `--lang`, a text piece escaped (a hole
    /// left empty), one template after another.
    texts: Vec<Vec<u8>>,
    /// Per clause: where its `because`, `unknown` and `otherwise`
    /// templates' pieces start in `texts`.
    templates: Vec<[usize; 3]>,
    /// Where the scope clause's `because` starts in `texts`.
    scope_because: usize,
}

/// `s` as a JSON string, quotes included, escaped as serde_json does.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape(out, s);
    out.push(b'"');
}

fn quoted(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    string(&mut out, s);
    out
}

/// serde_json's escaping: `"` and `\`, and the control characters below
/// U+0020 (`\b \t \n \f \r` by name, the rest as `\u00xx`); nothing else.
/// Eight bytes at a time where none of them needs it (most text does not).
fn escape(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            if !any_to_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0c => b'f',
            b'\r' => b'r',
            0x00..=0x1f => b'u',
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        if short == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.push(b'\\');
            out.push(short);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Whether any of eight bytes is below 0x20, a `"` or a `\` (the classic
/// "has a byte less than n" and "has a zero byte" word tests; exact as to
/// whether there is one, which is all that is asked).
fn any_to_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGH;
    let zero = |v: u64| below(v, 1);
    (below(x, 0x20) | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\')))) != 0
}

/// Text written through `fmt::Write` lands escaped in a JSON string.
struct Escaped<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape(self.0, s);
        Ok(())
    }
}

/// A value written with `Display` as a JSON string (dates, numbers' text).
fn display(out: &mut Vec<u8>, d: impl Display) {
    out.push(b'"');
    let _ = write!(Escaped(out), "{d}");
    out.push(b'"');
}

/// A `&'static str` code known to need no escaping (statuses, kinds).
fn code(out: &mut Vec<u8>, s: &str) {
    debug_assert!(s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'));
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// `JSON string or null`.
fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

impl<'p> Writer<'p> {
    pub fn new(program: &'p Program, opts: Options) -> Writer<'p> {
        let rules = &program.rules;
        let lang = opts.lang;
        let ids: Vec<Vec<u8>> = rules.clauses.iter().map(|c| quoted(&c.id)).collect();
        let heads = rules
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut h = b"{\"id\":".to_vec();
                h.extend_from_slice(&ids[i]);
                if c.kind == ClauseKind::Deadline {
                    h.extend_from_slice(b",\"title\":");
                    string(&mut h, c.title.get(lang));
                    h.extend_from_slice(b",\"name\":");
                    string(&mut h, c.due.as_ref().map_or("", |d| d.name.as_str()));
                } else {
                    h.extend_from_slice(b",\"kind\":");
                    string(&mut h, c.kind.keyword());
                    h.extend_from_slice(b",\"title\":");
                    string(&mut h, c.title.get(lang));
                }
                h.extend_from_slice(b",\"status\":");
                h
            })
            .collect();
        let fields = rules
            .fields
            .iter()
            .map(|f| {
                let mut h = b"{\"key\":".to_vec();
                string(&mut h, &f.key);
                h.extend_from_slice(b",\"label\":");
                string(&mut h, f.label.get(lang));
                h
            })
            .collect();
        let keys = rules.fields.iter().map(|f| quoted(&f.key)).collect();
        let choices = rules
            .fields
            .iter()
            .map(|f| {
                f.ty.values()
                    .iter()
                    .map(|v| quoted(v.label.get(lang)))
                    .collect()
            })
            .collect();
        let mut by_key: Vec<usize> = (0..rules.fields.len()).collect();
        by_key.sort_by(|&a, &b| rules.fields[a].key.cmp(&rules.fields[b].key));
        let mut named: Vec<(&str, usize)> = Vec::new();
        for (i, c) in rules.clauses.iter().enumerate() {
            if c.kind == ClauseKind::Deadline {
                let name = c.due.as_ref().map_or("", |d| d.name.as_str());
                match named.iter_mut().find(|(n, _)| *n == name) {
                    Some(entry) => entry.1 = i,
                    None => named.push((name, i)),
                }
            }
        }
        named.sort_by(|a, b| a.0.cmp(b.0));
        let deadlines = named
            .into_iter()
            .map(|(name, i)| {
                let mut k = quoted(name);
                k.push(b':');
                (k, i)
            })
            .collect();
        let scope = rules.scope.as_ref();
        let deciding = (0..rules.clauses.len())
            .map(Deciding::Clause)
            .chain([Deciding::Scope, Deciding::None])
            .map(|d| {
                let source = match d {
                    Deciding::Clause(i) => rules.clauses[i].source.as_deref(),
                    Deciding::Scope => scope.and_then(|s| s.source.as_deref()),
                    Deciding::None => None,
                };
                let mut h = b",\"deciding\":".to_vec();
                opt_string(&mut h, program.deciding_id(d));
                h.extend_from_slice(b",\"deciding_title\":");
                string(&mut h, program.deciding_title(d, lang));
                h.extend_from_slice(b",\"deciding_source\":");
                opt_string(&mut h, source);
                h.extend_from_slice(b",\"reason\":");
                h
            })
            .collect();
        let outcomes = Outcome::ALL
            .iter()
            .map(|o| {
                let mut h = b",\"outcome\":".to_vec();
                string(&mut h, o.code());
                h.extend_from_slice(b",\"verdict\":");
                string(&mut h, o.label(lang));
                h
            })
            .collect();
        let mut texts = Vec::new();
        let mut add = |t: Option<&Template>| {
            let start = texts.len();
            for piece in t.map_or(&[][..], |t| t.get(lang)) {
                let mut bytes = Vec::new();
                if let Piece::Text(s) = piece {
                    escape(&mut bytes, s);
                }
                texts.push(bytes);
            }
            start
        };
        let templates = rules
            .clauses
            .iter()
            .map(|c| {
                [
                    add(c.because.as_ref()),
                    add(c.unknown.as_ref()),
                    add(c.otherwise.as_ref()),
                ]
            })
            .collect();
        let scope_because = add(scope.and_then(|s| s.because.as_ref()));
        let mut tail = b"],\"rules\":{\"title\":".to_vec();
        string(&mut tail, &rules.title);
        tail.extend_from_slice(b",\"version\":");
        opt_string(&mut tail, rules.version.as_deref());
        tail.extend_from_slice(b",\"digest\":");
        string(&mut tail, &rules.digest);
        tail.push(b'}');
        Writer {
            program,
            opts,
            ids,
            heads,
            fields,
            keys,
            choices,
            by_key,
            deadlines,
            deciding,
            outcomes,
            rules: tail,
            texts,
            templates,
            scope_because,
        }
    }

    /// Fills template `t` of clause `i` (`usize::MAX`: the scope clause)
    /// into a JSON string's body: its text pieces as escaped when the
    /// writer was made, its holes escaped as they are written.
    fn fill(&self, w: &Words, out: &mut Vec<u8>, t: &Template, i: usize) {
        let start = match self.templates.get(i) {
            None => Some(self.scope_because),
            Some(&[because, unknown, otherwise]) => {
                let c = &self.program.rules.clauses[i];
                let is = |of: &Option<Template>| of.as_ref().is_some_and(|o| std::ptr::eq(o, t));
                if is(&c.because) {
                    Some(because)
                } else if is(&c.unknown) {
                    Some(unknown)
                } else if is(&c.otherwise) {
                    Some(otherwise)
                } else {
                    None
                }
            }
        };
        let Some(start) = start else {
            // Not one of the clause's templates: escaped as it is written.
            return w.fill_into(&mut Escaped(out), t, i);
        };
        for (k, piece) in t.get(self.opts.lang).iter().enumerate() {
            match piece {
                Piece::Text(_) => out.extend_from_slice(&self.texts[start + k]),
                hole => w.piece(&mut Escaped(out), hole, i),
            }
        }
    }

    /// Clause `i`'s explanation into a JSON string's body.
    fn explanation(&self, w: &Words, out: &mut Vec<u8>, e: Explanation<'_>, i: usize) {
        match e {
            Explanation::Fill(t) => self.fill(w, out, t, i),
            Explanation::Needs(keys) => w.needs(&mut Escaped(out), keys),
        }
    }

    /// Appends the report of one record as one JSON object, as
    /// `serde_json::to_writer(&report::build(…))` would write it.
    pub fn write<D: Display>(
        &self,
        out: &mut Vec<u8>,
        rec: &Record,
        trace: &Trace,
        id: &str,
        warnings: impl IntoIterator<Item = D>,
    ) {
        self.write_fields(out, rec, trace, id, warnings);
        out.push(b'}');
    }

    /// [`Writer::write`] without the closing brace, so that a caller can
    /// add fields of its own (a batch line's `source` and `audit`). The
    /// `warnings` come first among the report's warnings, each written
    /// with `Display`.
    pub fn write_fields<D: Display>(
        &self,
        out: &mut Vec<u8>,
        rec: &Record,
        trace: &Trace,
        id: &str,
        warnings: impl IntoIterator<Item = D>,
    ) {
        let program = self.program;
        let rules = &program.rules;
        let lang = self.opts.lang;
        let w = Words {
            program,
            rec,
            trace,
            opts: self.opts,
        };

        out.extend_from_slice(b"{\"id\":");
        string(out, id);
        let o = Outcome::ALL
            .iter()
            .position(|&o| o == trace.outcome)
            .unwrap_or(0);
        out.extend_from_slice(&self.outcomes[o]);

        // The deciding clause and the reason.
        let n = rules.clauses.len();
        let d = match trace.deciding {
            Deciding::Clause(i) => i,
            Deciding::Scope => n,
            Deciding::None => n + 1,
        };
        out.extend_from_slice(&self.deciding[d]);
        out.push(b'"');
        match trace.deciding {
            Deciding::Clause(i) => {
                if let Some(e) = w.explain(i) {
                    self.explanation(&w, out, e, i);
                }
            }
            Deciding::Scope => match rules.scope.as_ref().and_then(|s| s.because.as_ref()) {
                Some(t) => self.fill(&w, out, t, usize::MAX),
                None => escape(out, w.out_of_scope()),
            },
            Deciding::None => {}
        }
        out.push(b'"');

        out.extend_from_slice(b",\"fired\":[");
        for (k, i) in trace.fired(program).enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&self.ids[i]);
        }
        out.extend_from_slice(b"],\"missing\":[");
        let mut first = true;
        for &slot in &self.by_key {
            if trace.missing.contains(slot) {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(&self.keys[slot]);
            }
        }
        out.extend_from_slice(b"],\"ask_for\":[");
        self.ask_for(out, trace, false);
        out.push(b']');
        if trace.missing.iter().any(|slot| rules.fields[slot].office) {
            out.extend_from_slice(b",\"to_determine\":[");
            self.ask_for(out, trace, true);
            out.push(b']');
        }

        out.extend_from_slice(b",\"deadlines\":{");
        for (k, (name, i)) in self.deadlines.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(name);
            match trace.clause(*i).due {
                Some(date) => display(out, date),
                None => out.extend_from_slice(b"null"),
            }
        }
        out.extend_from_slice(b"},\"deadline_clauses\":[");
        let mut first = true;
        for (i, c) in rules.clauses.iter().enumerate() {
            if c.kind != ClauseKind::Deadline {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            let r = trace.clause(i);
            out.extend_from_slice(&self.heads[i]);
            code(out, r.status.code());
            out.extend_from_slice(b",\"date\":");
            match r.due {
                Some(date) => display(out, date),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"explanation\":");
            match c.because.as_ref().filter(|_| r.status == Status::Due) {
                Some(t) => {
                    out.push(b'"');
                    self.fill(&w, out, t, i);
                    out.push(b'"');
                }
                None => out.extend_from_slice(b"null"),
            }
            if let Some((from, to)) = trace.workday_start(program, i).zip(r.due) {
                out.extend_from_slice(b",\"skipped\":");
                let skipped =
                    crate::calendar::describe_skipped(&program.calendar.skipped(from, to), lang);
                string(out, &skipped);
            }
            if let Some(year) = trace.calendar_gap(i) {
                out.extend_from_slice(b",\"calendar\":");
                string(out, crate::calendar::Missing { year }.message().get(lang));
            }
            out.push(b'}');
        }

        out.extend_from_slice(b"],\"clauses\":[");
        let mut first = true;
        for (i, c) in rules.clauses.iter().enumerate() {
            if matches!(c.kind, ClauseKind::Warning | ClauseKind::Deadline) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            let r = trace.clause(i);
            out.extend_from_slice(&self.heads[i]);
            code(out, r.status.code());
            out.extend_from_slice(b",\"explanation\":");
            match w.explain(i) {
                Some(e) => {
                    out.push(b'"');
                    self.explanation(&w, out, e, i);
                    out.push(b'"');
                }
                None => out.extend_from_slice(b"null"),
            }
            if !r.keys.is_empty() {
                out.extend_from_slice(b",\"missing\":[");
                for (k, slot) in r.keys.iter().enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(&self.keys[slot]);
                }
                out.push(b']');
            }
            out.push(b'}');
        }

        out.extend_from_slice(b"],\"warnings\":[");
        let mut first = true;
        let mut comma = |out: &mut Vec<u8>| {
            if !first {
                out.push(b',');
            }
            first = false;
        };
        for warning in warnings {
            comma(out);
            display(out, warning);
        }
        for (i, c) in rules.clauses.iter().enumerate() {
            if c.kind == ClauseKind::Warning && trace.clause(i).status == Status::True {
                comma(out);
                out.push(b'"');
                match &c.because {
                    Some(t) => self.fill(&w, out, t, i),
                    None => escape(out, c.title.get(lang)),
                }
                out.push(b'"');
            }
        }
        if let Some((reference, effective)) = program.before_effective(rec) {
            comma(out);
            let key = rules
                .reference
                .map(|slot| rules.fields[slot].label.get(lang))
                .unwrap_or_default();
            out.push(b'"');
            let _ = match lang {
                Lang::Zh => write!(
                    Escaped(out),
                    "本规则自 {effective} 起施行，{key} {reference} 早于此日：请确认应适用的规则"
                ),
                Lang::En => write!(
                    Escaped(out),
                    "these rules take effect on {effective}; {key} {reference} is earlier: check which rules apply"
                ),
            };
            out.push(b'"');
        }
        out.extend_from_slice(&self.rules);
    }

    /// The entries of `ask_for` (or `to_determine`, `office`): the missing
    /// keys in the order of the form, each with the values that meet the
    /// clauses needing it and those clauses' ids.
    fn ask_for(&self, out: &mut Vec<u8>, trace: &Trace, office: bool) {
        let rules = &self.program.rules;
        let mut first = true;
        for slot in trace.missing.iter() {
            let f = &rules.fields[slot];
            if f.office != office {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            let needing = || {
                rules
                    .clauses
                    .iter()
                    .enumerate()
                    .filter(move |&(i, _)| trace.keys(i).contains(slot))
            };
            let wanted = needing()
                .all(|(_, c)| c.kind == ClauseKind::Evidence)
                .then(|| {
                    needing()
                        .filter_map(|(_, c)| c.condition.as_ref()?.values_wanted(slot))
                        .reduce(|a, b| a | b)
                })
                .flatten()
                .unwrap_or(u64::MAX);
            out.extend_from_slice(&self.fields[slot]);
            let mut choices = self.choices[slot]
                .iter()
                .enumerate()
                .filter(|&(v, _)| v >= 64 || wanted >> v & 1 == 1)
                .map(|(_, label)| label)
                .peekable();
            if choices.peek().is_some() {
                out.extend_from_slice(b",\"choices\":[");
                for (k, label) in choices.enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(label);
                }
                out.push(b']');
            }
            let mut needed = needing().peekable();
            if needed.peek().is_some() {
                out.extend_from_slice(b",\"needed_for\":[");
                for (k, (i, _)) in needed.enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(&self.ids[i]);
                }
                out.push(b']');
            }
            out.push(b'}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_test_finds_exactly_the_bytes_to_escape() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Bytes near the edges more often: 0x1f/0x20, '"', '\\', high.
            let edges = [
                0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xff,
            ];
            let word = x.to_le_bytes().map(|b| {
                if b & 1 == 0 {
                    edges[(b >> 1) as usize % 12]
                } else {
                    b
                }
            });
            let naive = word.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
            assert_eq!(any_to_escape(u64::from_le_bytes(word)), naive, "{word:?}");
        }
    }

    #[test]
    fn escapes_as_serde_json_does() {
        let mut all = String::new();
        for c in (0u32..0x80).chain([0xa0, 0x2028, 0x4e2d, 0x1f600]) {
            all.push(char::from_u32(c).unwrap());
        }
        for s in [all.as_str(), "", "plain", "\"\\/", "中文\n\t\u{7f}"] {
            let mut ours = Vec::new();
            string(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
        // Each character to escape at each place of strings around a
        // word's length, among ASCII and Chinese text.
        for bad in ["\"", "\\", "\n", "\u{1}", "\u{1f}", "\u{8}"] {
            for fill in ["a", "中", " ", "\u{7f}", "~"] {
                for len in 0..20 {
                    for at in 0..=len {
                        let mut s = fill.repeat(len);
                        s.insert_str(at * fill.len(), bad);
                        let mut ours = Vec::new();
                        string(&mut ours, &s);
                        assert_eq!(ours, serde_json::to_vec(&s).unwrap(), "{s:?}");
                    }
                }
            }
        }
    }
}
