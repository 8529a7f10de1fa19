//! JSON Lines complaint records (SPEC §1): one JSON object per line with the
//! same nested keys as a TOML record (`{"purchase": {"date": "2023-11-20"}}`;
//! dotted keys such as `"purchase.date"` work too), dates as `YYYY-MM-DD`
//! strings, lists as arrays, `null` for absent.
//!
//! Two paths read a line straight into a [`Record`]'s slots, no JSON tree
//! built, every value through [`convert`] like TOML's. The plain path
//! (`plain.rs`, [`JsonReader::load_plain`]) takes the lines of an archive
//! as they nearly always are, byte by byte, and declines any other; the
//! full reader ([`JsonReader::load_full`]), a serde `DeserializeSeed`
//! driven by the rule set's field table, reads any line and alone reports
//! problems. A wrong value is an error naming its key, and the rest of the
//! line is still read so every problem is reported at once; only broken
//! JSON stops the line.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

mod plain;

use super::{Raw, Record, ValueError, convert, convert_item, describe_type};
use crate::base::Span;
use crate::diag::{Diagnostic, Lang, Msg};
use crate::model::{FieldId, FieldType, RuleSet};
use crate::value::{KeySet, Value};

/// Reads JSON Lines records for one rule set. Build once, share between
/// threads, and call [`JsonReader::load`] per line.
#[derive(Debug)]
pub struct JsonReader<'r> {
    rules: &'r RuleSet,
    /// Every field key, and every proper prefix of one (`purchase`, `a.b`
    /// of `a.b.c`): the keys whose value is a table of further keys. One
    /// lookup per key read, with a hash that costs a few instructions.
    keys: HashMap<Box<[u8]>, Key, BuildHasherDefault<KeyHasher>>,
    /// Each table's dotted key, by its number (`Key::Table`).
    tables: Vec<Box<[u8]>>,
    /// This reader among all made, for a `JsonScratch` to tell whose keys
    /// its memo holds.
    id: u64,
}

/// Numbers the readers made in this process.
static READERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What a key of a JSON line is to the rules.
#[derive(Debug, Clone, Copy)]
enum Key {
    Field(FieldId),
    /// A table of further keys, numbered from 0.
    Table(usize),
}

/// FxHash (as in rustc): the keys are the rule file's own, so a hash that
/// resists chosen collisions buys nothing, and SipHash cost a sixth of a
/// batch's time.
#[derive(Debug, Default, Clone, Copy)]
struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Reusable buffers for [`JsonReader::load`].
#[derive(Debug, Default)]
pub struct JsonScratch {
    key: String,
    /// The tables (objects) of the line so far, each key followed by a
    /// NUL, to tell an object given twice.
    tables: String,
    /// The plain path's dotted key, built to look up a key not in `memo`.
    plain_key: Vec<u8>,
    /// The plain path's memory of the lines before: for the line (0) and
    /// each table (its number + 1), the keys in the order they came, with
    /// what each is. Lines of an archive give their keys in the same order,
    /// so a key is nearly always found by comparing it with the one that
    /// came in its place last time, with no dotted key built and no hash.
    memo: Vec<Vec<(Vec<u8>, Key)>>,
    /// The full reader's did-you-mean for each undeclared key met so far
    /// (at most `MAX_SUGGESTIONS`): an archive with a key of its own gives
    /// it on every line, and finding the closest declared key took ten
    /// times as long as reading the line.
    suggestions: HashMap<Box<str>, Option<Box<str>>>,
    /// The reader whose keys `memo` and `suggestions` hold
    /// (`JsonReader::id`; 0 for none).
    owner: u64,
}

/// Undeclared keys whose suggestion a scratch keeps.
const MAX_SUGGESTIONS: usize = 1024;

impl JsonScratch {
    /// Forgets what it learnt of another reader's keys.
    fn serve(&mut self, reader: &JsonReader) {
        if self.owner != reader.id {
            self.memo.clear();
            self.memo.resize_with(reader.tables.len() + 1, Vec::new);
            self.suggestions.clear();
            self.owner = reader.id;
        }
    }
}

impl<'r> JsonReader<'r> {
    pub fn new(rules: &'r RuleSet) -> JsonReader<'r> {
        let mut keys: HashMap<Box<[u8]>, Key, _> = HashMap::default();
        let mut tables: Vec<Box<[u8]>> = Vec::new();
        for f in &rules.fields {
            for (i, _) in f.key.match_indices('.') {
                let table = &f.key.as_bytes()[..i];
                keys.entry(table.into()).or_insert_with(|| {
                    tables.push(table.into());
                    Key::Table(tables.len() - 1)
                });
            }
        }
        // A field's own key wins over a table of the same name.
        for (slot, f) in rules.fields.iter().enumerate() {
            keys.insert(f.key.as_bytes().into(), Key::Field(slot));
        }
        JsonReader {
            rules,
            keys,
            tables,
            id: READERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Loads one line (without its line end) into `rec`, cleared first.
    /// Problems are pushed to `problems`, errors and warnings (unknown keys)
    /// alike; spans are byte ranges in `line`: where the JSON parser knows
    /// the place, and for a value's error or an unknown key where the key
    /// can be found for sure (`located`), `None` otherwise (the message
    /// names the key). Returns whether the line loaded without error.
    pub fn load(
        &self,
        line: &str,
        rec: &mut Record,
        scratch: &mut JsonScratch,
        problems: &mut Vec<Diagnostic>,
    ) -> bool {
        self.load_plain(line.as_bytes(), rec, scratch)
            || self.load_full(line, rec, scratch, problems)
    }

    /// Loads a plain line (`plain`: the rules' keys, strings without
    /// escapes, every value accepted; UTF-8, which it checks) into `rec`
    /// and returns true; returns false for any other line, which must then
    /// be read with [`JsonReader::load_full`] (after a UTF-8 check of its
    /// own, for bytes that may not be text). A line it loads has no problem
    /// to report.
    pub fn load_plain(&self, line: &[u8], rec: &mut Record, scratch: &mut JsonScratch) -> bool {
        rec.clear();
        scratch.plain_key.clear();
        // The whole line at once: far faster than string by string.
        let Ok(text) = simdutf8::basic::from_utf8(line) else {
            return false;
        };
        scratch.serve(self);
        let mut plain = plain::Plain {
            reader: self,
            text,
            at: 0,
            rec,
            key: &mut scratch.plain_key,
            memo: &mut scratch.memo,
            seen: plain::Seen::default(),
            tables: plain::Seen::default(),
        };
        if plain.line().is_err() || super::is_blank(rec, self.rules) {
            return false;
        }
        #[cfg(debug_assertions)]
        self.same_as_full(line, rec);
        true
    }

    /// Debug builds: the full reader makes the same record of a line the
    /// plain path accepted, with no problem.
    #[cfg(debug_assertions)]
    fn same_as_full(&self, line: &[u8], plain: &Record) {
        let text = std::str::from_utf8(line).expect("the plain path accepts UTF-8 only");
        let mut full = Record::new(plain.len());
        let mut problems = Vec::new();
        let ok = self.load_full(text, &mut full, &mut JsonScratch::default(), &mut problems);
        assert!(
            ok && problems.is_empty(),
            "the plain path accepted a line the full reader finds fault with: {text:?}: {problems:?}"
        );
        assert_eq!(&full, plain, "the two readers differ on {text:?}");
    }

    /// The full reader alone: any line, every problem reported. For a line
    /// [`JsonReader::load_plain`] declined; else use [`JsonReader::load`].
    pub fn load_full(
        &self,
        line: &str,
        rec: &mut Record,
        scratch: &mut JsonScratch,
        problems: &mut Vec<Diagnostic>,
    ) -> bool {
        rec.clear();
        scratch.serve(self);
        scratch.key.clear();
        scratch.tables.clear();
        let first = problems.len();
        let errors_before = problems.iter().filter(|d| d.is_error()).count();
        let mut st = State {
            reader: self,
            line,
            rec,
            key: &mut scratch.key,
            tables: &mut scratch.tables,
            suggestions: &mut scratch.suggestions,
            seen: KeySet::EMPTY,
            problems,
        };
        let mut de = serde_json::Deserializer::from_str(line);
        let parsed = TableSeed { st: &mut st }
            .deserialize(&mut de)
            .and_then(|()| de.end());
        if let Err(e) = parsed {
            problems.push(syntax_error(&e, line));
        }
        let errors = problems.iter().filter(|d| d.is_error()).count();
        if errors == errors_before && super::is_blank(rec, self.rules) {
            problems.insert(first, super::nothing_filled_in());
        }
        crate::diag::cap(problems, first);
        problems.iter().filter(|d| d.is_error()).count() == errors_before
    }
}

/// Where the value of the dotted `key` starts in `line`, when that can be
/// told for sure: serde_json gives no position to a value it has parsed, so
/// the line is searched for the key's name as a JSON key — the dotted form
/// (`"purchase.date":`), else its last part (`"date":`, nested) — and only
/// a name found exactly once is taken. The span is the value's first
/// character (empty at the end of the line), enough for a column.
fn located(line: &str, key: &str) -> Option<Span> {
    let unique = |name: &str| {
        let token = format!("\"{name}\"");
        let mut found = line.match_indices(&token).filter_map(|(at, _)| {
            // Not an escaped quote inside a string, and followed by `:`.
            if line[..at].ends_with('\\') {
                return None;
            }
            let rest = &line[at + token.len()..];
            let after = rest.trim_start().strip_prefix(':')?;
            let value = line.len() - after.trim_start().len();
            let first = line[value..].chars().next().map_or(0, char::len_utf8);
            Some(value..value + first)
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    };
    unique(key).or_else(|| key.rsplit_once('.').and_then(|(_, last)| unique(last)))
}

/// A number written with thousands separators as a bare JSON value
/// (`"price": 1,399.00`), which JSON reads as a number and then garbage.
fn bare_thousands(line: &str) -> Option<(String, String)> {
    let mut rest = line;
    while let Some((written, plain)) = super::thousands(rest) {
        let at = rest.find(&written)?;
        let before = rest[..at].trim_end();
        if before.ends_with(':') || before.ends_with('[') {
            return Some((written, plain));
        }
        rest = &rest[at + written.len()..];
    }
    None
}

/// serde_json's syntax errors (their `Display`, less the place) in Chinese.
/// The ones at the end of the text are `json-truncated`, not listed here.
const SYNTAX_ZH: &[(&str, &str)] = &[
    ("expected `:`", "此处应为冒号 `:`"),
    ("expected `,` or `]`", "此处应为逗号 `,` 或 `]`"),
    ("expected `,` or `}`", "此处应为逗号 `,` 或 `}`"),
    ("expected ident", "无法识别的词（应为 true、false 或 null）"),
    ("expected value", "此处应为一个值"),
    ("expected `\"`", "此处应为双引号 `\"`"),
    ("invalid escape", "无效的转义序列"),
    ("invalid number", "无效的数字"),
    ("number out of range", "数字超出范围"),
    ("invalid unicode code point", "无效的 Unicode 码位"),
    (
        "control character (\\u0000-\\u001F) found while parsing a string",
        "字符串中有控制字符（\\u0000–\\u001F）",
    ),
    ("key must be a string", "键必须是带双引号的字符串"),
    ("trailing comma", "多余的逗号"),
    ("trailing characters", "JSON 对象之后还有多余的字符"),
    (
        "lone leading surrogate in hex escape",
        "\\u 转义中有不成对的代理项",
    ),
    ("unexpected end of hex escape", "\\u 转义不完整"),
    ("recursion limit exceeded", "嵌套层数过多"),
];

fn syntax_error(e: &serde_json::Error, line: &str) -> Diagnostic {
    // serde_json counts columns in bytes from 1, on line 1 of the text.
    let at = e.column().saturating_sub(1).min(line.len());
    let span = Some(at..(at + 1).min(line.len()).max(at));
    let detail = e.to_string();
    // Drop serde_json's own " at line 1 column N": the caller gives the place.
    let detail = detail
        .rfind(" at line ")
        .map_or(detail.as_str(), |i| &detail[..i]);
    // In Chinese where serde_json's words are known; as it gives them else.
    let detail_zh = SYNTAX_ZH
        .iter()
        .find(|(en, _)| *en == detail)
        .map_or(detail, |(_, zh)| zh);
    match e.classify() {
        serde_json::error::Category::Eof => Diagnostic::error(
            "json-truncated",
            span,
            Msg::new(
                "这一行的 JSON 不完整（可能被截断）",
                "the JSON on this line is incomplete (cut off?)",
            ),
        ),
        _ if line.contains('\r') => Diagnostic::error(
            "not-json",
            span,
            Msg::new(
                format!("不是有效的 JSON：{detail_zh}"),
                format!("not valid JSON: {detail}"),
            ),
        )
        .with_help(Msg::new(
            "文件里有单独的回车符（旧式 Mac 换行），几行记录连成了一行：请转换为 LF 或 CRLF 换行",
            "the file has lone carriage returns (old Mac line ends), so records run into one line: convert them to LF or CRLF",
        )),
        _ if bare_thousands(line).is_some() => {
            let (written, plain) = bare_thousands(line).unwrap_or_default();
            Diagnostic::error(
                "not-json",
                span,
                Msg::new(
                    format!("不是有效的 JSON：{detail_zh}"),
                    format!("not valid JSON: {detail}"),
                ),
            )
            .with_help(Msg::new(
                format!("{written} 用了千位分隔符（逗号）；数字不加分隔符，写作 {plain}"),
                format!(
                    "{written} has thousands separators (commas): write numbers without them, as {plain}"
                ),
            ))
        }
        _ => Diagnostic::error(
            "not-json",
            span,
            Msg::new(
                format!("不是有效的 JSON：{detail_zh}"),
                format!("not valid JSON: {detail}"),
            ),
        )
        .with_help(Msg::new(
            "每行应为一个完整的 JSON 对象，如 {\"id\": \"2024-0317\", \"received\": \"2024-03-05\"}",
            "each line must be one complete JSON object, like {\"id\": \"2024-0317\", \"received\": \"2024-03-05\"}",
        )),
    }
}

struct State<'a, 'r> {
    reader: &'a JsonReader<'r>,
    /// The line being read, to point at a value whose error the parser
    /// gives no place for (`located`).
    line: &'a str,
    rec: &'a mut Record,
    /// The dotted key being read (`purchase.date`), built in place.
    key: &'a mut String,
    tables: &'a mut String,
    suggestions: &'a mut HashMap<Box<str>, Option<Box<str>>>,
    seen: KeySet,
    problems: &'a mut Vec<Diagnostic>,
}

impl State<'_, '_> {
    fn rules(&self) -> &RuleSet {
        self.reader.rules
    }

    fn value_error(&mut self, slot: FieldId, e: ValueError) {
        let field = &self.rules().fields[slot];
        let key = &field.key;
        let mut d = Diagnostic::error(
            "bad-value",
            located(self.line, key),
            Msg::new(
                format!("`{key}`（{}）：{}", field.label.zh, e.message.zh),
                format!("`{key}` ({}): {}", field.label.get(Lang::En), e.message.en),
            ),
        );
        d.help = e.help;
        self.problems.push(d);
    }

    fn shape_error(&mut self, slot: FieldId, found: Msg) {
        let want = describe_type(&self.rules().fields[slot].ty);
        self.value_error(
            slot,
            ValueError {
                message: Msg::new(
                    format!("应为{}，实际是{}", want.zh, found.zh),
                    format!("expected {}, found {}", want.en, found.en),
                ),
                help: None,
            },
        );
    }

    fn table_error(&mut self, found: Msg) {
        let key = self.key.trim_end_matches('.');
        let (zh, en) = if key.is_empty() {
            (
                format!("每行应为一个 JSON 对象（一份投诉记录），实际是{}", found.zh),
                format!(
                    "each line must be a JSON object (one complaint record), found {}",
                    found.en
                ),
            )
        } else {
            (
                format!("`{key}` 应为对象（其下有若干键），实际是{}", found.zh),
                format!("`{key}` must be an object of keys, found {}", found.en),
            )
        };
        self.problems
            .push(Diagnostic::error("bad-table", None, Msg::new(zh, en)));
    }

    fn unknown_key(&mut self) {
        let key = self.key.as_str();
        let mut d = Diagnostic::warning(
            "unknown-key",
            located(self.line, key),
            Msg::new(
                format!("规则未声明键 `{key}`，已忽略"),
                format!("the rules do not declare `{key}`; it is ignored"),
            ),
        );
        // Only the first problems of a line are shown (`diag::cap`); the
        // rest need no suggestion.
        let shown = self.problems.len() < crate::diag::MAX_DIAGNOSTICS;
        let close = match self.suggestions.get(key) {
            _ if !shown => None,
            Some(known) => known.clone(),
            None => {
                let close: Option<Box<str>> = super::suggest_key(key, self.rules()).map(Box::from);
                if self.suggestions.len() < MAX_SUGGESTIONS {
                    self.suggestions.insert(key.into(), close.clone());
                }
                close
            }
        };
        if let Some(close) = close {
            d = d.with_help(Msg::new(
                format!("是否想写 `{close}`？"),
                format!("did you mean `{close}`?"),
            ));
        }
        self.problems.push(d);
    }

    fn duplicate_key(&mut self, slot: FieldId) {
        let field = &self.rules().fields[slot];
        let mut d = Diagnostic::error(
            "duplicate-key",
            None,
            Msg::new(
                format!("键 `{}`（{}）出现了两次", field.key, field.label.zh),
                format!(
                    "the key `{}` ({}) appears twice",
                    field.key,
                    field.label.get(Lang::En)
                ),
            ),
        );
        // Given once dotted and once nested, most likely: say both forms.
        if let Some((table, last)) = field.key.rsplit_once('.') {
            d = d.with_help(Msg::new(
                format!(
                    "只写一处：\"{0}\": … 或 \"{table}\": {{\"{last}\": …}}，不要两种都写",
                    field.key
                ),
                format!(
                    "give it once: as \"{0}\": … or inside \"{table}\": {{\"{last}\": …}}, not both",
                    field.key
                ),
            ));
        }
        self.problems.push(d);
    }

    /// Whether the table (object) in `key` was given before in the line;
    /// notes it if not.
    fn table_seen(&mut self) -> bool {
        let key = self.key.as_str();
        if self.tables.split('\0').any(|t| t == key) {
            return true;
        }
        self.tables.push_str(key);
        self.tables.push('\0');
        false
    }

    /// `{"purchase": {…}, "purchase": {…}}`: two objects for one key, as
    /// TOML's `[purchase]` twice. Which was meant cannot be told.
    fn duplicate_table(&mut self) {
        let key = self.key.as_str();
        self.problems.push(
            Diagnostic::error(
                "duplicate-key",
                None,
                Msg::new(
                    format!("键 `{key}` 出现了两次（两个同名的对象）"),
                    format!("the key `{key}` appears twice (two objects of the same name)"),
                ),
            )
            .with_help(Msg::new(
                format!("把 `{key}` 下的各键写进同一个对象"),
                format!("put the keys of `{key}` in one object"),
            )),
        );
    }

    fn set(&mut self, slot: FieldId, raw: Raw) {
        let field = &self.reader.rules.fields[slot];
        match convert(field, raw, self.rec) {
            Ok(v) => self.rec.set(slot, v),
            Err(e) => self.value_error(slot, e),
        }
    }
}

fn found_list() -> Msg {
    Msg::new("列表", "a list")
}

fn found_object() -> Msg {
    Msg::new("对象", "an object")
}

fn found_text(s: &str) -> Msg {
    Msg::new(format!("文字 \"{s}\""), format!("the text \"{s}\""))
}

fn found_number(n: impl fmt::Display) -> Msg {
    Msg::new(format!("数字 {n}"), format!("the number {n}"))
}

fn found_bool(b: bool) -> Msg {
    Msg::new(format!("布尔值 {b}"), format!("the boolean {b}"))
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// An object of keys under the prefix in `st.key` (empty for the line).
struct TableSeed<'s, 'a, 'r> {
    st: &'s mut State<'a, 'r>,
}

impl<'de> DeserializeSeed<'de> for TableSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TableSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object (one complaint record)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.st;
        let base = st.key.len();
        while map.next_key_seed(KeySeed { key: &mut *st.key })?.is_some() {
            match st.reader.keys.get(st.key.as_bytes()).copied() {
                Some(Key::Field(slot)) if st.seen.contains(slot) => {
                    st.duplicate_key(slot);
                    map.next_value::<IgnoredAny>()?;
                }
                Some(Key::Field(slot)) => {
                    st.seen.insert(slot);
                    map.next_value_seed(ValueSeed { st: &mut *st, slot })?;
                }
                Some(Key::Table(_)) if st.table_seen() => {
                    st.duplicate_table();
                    map.next_value::<IgnoredAny>()?;
                }
                Some(Key::Table(_)) => {
                    st.key.push('.');
                    map.next_value_seed(TableSeed { st: &mut *st })?;
                }
                None => {
                    st.unknown_key();
                    map.next_value::<IgnoredAny>()?;
                }
            }
            st.key.truncate(base);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.st.table_error(found_list());
        drain_seq(seq)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.st.table_error(found_text(s));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
        self.st.table_error(found_number(n));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
        self.st.table_error(found_number(n));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
        self.st.table_error(found_number(n));
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        self.st.table_error(found_bool(b));
        Ok(())
    }

    /// `"history": null`: the whole table is absent. A line that is just
    /// `null` is no record.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.st.key.is_empty() {
            self.st.table_error(Msg::new("空值 null", "null"));
        }
        Ok(())
    }
}

/// Appends an object key to the dotted key being built.
struct KeySeed<'k> {
    key: &'k mut String,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.key.push_str(s);
        Ok(())
    }
}

/// The value of a declared field.
struct ValueSeed<'s, 'a, 'r> {
    st: &'s mut State<'a, 'r>,
    slot: FieldId,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if !matches!(
            self.st.rules().fields[self.slot].ty,
            FieldType::Decimal | FieldType::Integer
        ) {
            return d.deserialize_any(self);
        }
        // Numbers are read from their text, as TOML's are: a float would
        // make money `1e-400` a silent 0 while `0.0000000001` is refused,
        // and a message shows the number as written.
        let raw = <&'de serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            let raw = match text.parse::<i64>() {
                Ok(n) => Raw::Int(n),
                Err(_) => Raw::Float(text.parse().unwrap_or(f64::NAN), Some(text)),
            };
            self.st.set(self.slot, raw);
            return Ok(());
        }
        let mut inner = serde_json::Deserializer::from_str(text);
        de::Deserializer::deserialize_any(&mut inner, self).map_err(de::Error::custom)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.st.set(self.slot, Raw::Str(s));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
        self.st.set(self.slot, Raw::Int(n));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
        match i64::try_from(n) {
            Ok(n) => self.st.set(self.slot, Raw::Int(n)),
            Err(_) => self.st.value_error(
                self.slot,
                ValueError {
                    message: Msg::new("整数太大", "integer too large"),
                    help: None,
                },
            ),
        }
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
        self.st.set(self.slot, Raw::Float(n, None));
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        self.st.set(self.slot, Raw::Bool(b));
        Ok(())
    }

    /// `null` is absent, like a key left out.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (st, slot) = (self.st, self.slot);
        if !matches!(st.rules().fields[slot].ty, FieldType::List(_)) {
            st.shape_error(slot, found_list());
            return drain_seq(seq);
        }
        let mut set = 0u64;
        let mut ok = true;
        while let Some(item) = seq.next_element_seed(ItemSeed)? {
            let field = &st.reader.rules.fields[slot];
            let converted = match item {
                Item::Str(s) => convert_item(field, Raw::Str(&s)),
                Item::Int(n) => convert_item(field, Raw::Int(n)),
                Item::Float(f) => convert_item(field, Raw::Float(f, None)),
                Item::Bool(b) => convert_item(field, Raw::Bool(b)),
                Item::Nested => {
                    let want = describe_type(&field.ty);
                    Err(ValueError {
                        message: Msg::new(
                            format!("列表中应为{}，实际是列表或对象", want.zh),
                            format!("expected {} in the list, found a list or object", want.en),
                        ),
                        help: None,
                    })
                }
                Item::Null => continue,
            };
            match converted {
                Ok(code) => set |= 1 << code,
                Err(e) => {
                    ok = false;
                    st.value_error(slot, e);
                }
            }
        }
        // An empty list (or one of nulls), like an empty string, says
        // nothing: absent, as in TOML.
        if ok && set != 0 {
            st.rec.set(slot, Value::Set(set));
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.st.shape_error(self.slot, found_object());
        drain_map(map)
    }
}

/// One element of a list. List values are short enum codes; an escaped
/// string is the only case that owns its text.
enum Item<'de> {
    Str(std::borrow::Cow<'de, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nested,
    Null,
}

struct ItemSeed;

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Item<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Item<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = Item<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list item")
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Item<'de>, E> {
        Ok(Item::Str(std::borrow::Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Item<'de>, E> {
        Ok(Item::Str(std::borrow::Cow::Owned(s.to_string())))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Item<'de>, E> {
        Ok(Item::Int(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Item<'de>, E> {
        Ok(Item::Int(i64::try_from(n).unwrap_or(i64::MAX)))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Item<'de>, E> {
        Ok(Item::Float(n))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Item<'de>, E> {
        Ok(Item::Bool(b))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Item<'de>, E> {
        Ok(Item::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Item<'de>, A::Error> {
        drain_seq(seq)?;
        Ok(Item::Nested)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item<'de>, A::Error> {
        drain_map(map)?;
        Ok(Item::Nested)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> crate::compile::Program {
        crate::builtin().expect("built-in rules")
    }

    /// Every syntax error the table translates is one serde_json gives
    /// (its words, less the place), and reaches the message in Chinese.
    #[test]
    fn serde_json_syntax_errors_are_told_in_chinese() {
        let lines = [
            r#"{"a" 1}"#,
            r#"[1 2]"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":tru}"#,
            r#"{"a":}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":-}"#,
            r#"{"a":1e999}"#,
            r#"{"a":"\ud800"}"#,
            "{\"a\":\"x\u{1}\"}",
            r#"{a:1}"#,
            r#"{"a":1,}"#,
            r#"{"a":1}x"#,
            r#"{"a":"\udc00"}"#,
        ];
        let deep = "[".repeat(200);
        let mut seen = std::collections::BTreeSet::new();
        for line in lines.into_iter().chain([deep.as_str()]) {
            let e = serde_json::from_str::<serde_json::Value>(line).expect_err(line);
            let d = syntax_error(&e, line);
            let zh = SYNTAX_ZH
                .iter()
                .find(|(_, zh)| d.message.zh.ends_with(zh))
                .unwrap_or_else(|| panic!("{line}: {}", d.message.zh));
            assert!(d.message.en.ends_with(zh.0), "{line}: {}", d.message.en);
            seen.insert(zh.0);
        }
        // Every entry was reached but two, which serde_json gives only where
        // it reads keys or bytes in ways a line of text does not reach.
        let not_by_a_line = ["expected `\"`", "invalid unicode code point"];
        let unreached: Vec<_> = SYNTAX_ZH
            .iter()
            .map(|(en, _)| *en)
            .filter(|en| !seen.contains(en) && !not_by_a_line.contains(en))
            .collect();
        assert!(unreached.is_empty(), "{unreached:?}");
    }

    fn load(line: &str) -> (Record, bool, Vec<String>) {
        let program = rules();
        let reader = JsonReader::new(&program.rules);
        let mut rec = Record::new(program.rules.fields.len());
        let mut problems = Vec::new();
        let ok = reader.load(line, &mut rec, &mut JsonScratch::default(), &mut problems);
        let shown = problems.iter().map(|d| d.message.en.clone()).collect();
        (rec, ok, shown)
    }

    #[test]
    fn nested_and_dotted_keys_fill_the_same_slots() {
        let program = rules();
        let nested = load(r#"{"purchase": {"date": "2023-11-20", "quantity": 2}}"#);
        let dotted = load(r#"{"purchase.date": "2023-11-20", "purchase.quantity": 2}"#);
        assert!(nested.1 && dotted.1, "{:?} {:?}", nested.2, dotted.2);
        assert_eq!(nested.0, dotted.0);
        let slot = program.rules.field("purchase.quantity").unwrap();
        assert_eq!(nested.0.get(slot), Value::Int(2));
    }

    #[test]
    fn every_bad_value_is_reported_with_its_key() {
        let (_, ok, problems) = load(
            r#"{"purchase": {"quantity": "一", "date": "2023-02-30"}, "claim": {"basis": "hram"}}"#,
        );
        assert!(!ok);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].starts_with("`purchase.quantity`"),
            "{problems:?}"
        );
        assert!(problems[1].starts_with("`purchase.date`"), "{problems:?}");
        assert!(problems[2].starts_with("`claim.basis`"), "{problems:?}");
    }

    #[test]
    fn unknown_keys_warn_and_are_skipped_whole() {
        let (rec, ok, problems) = load(
            r#"{"extra": {"deep": [1, {"x": 2}]}, "purchase": {"colour": "red"}, "received": "2024-03-05"}"#,
        );
        assert!(ok);
        assert_eq!(rec.present().iter().count(), 1);
        assert_eq!(
            problems,
            [
                "the rules do not declare `extra`; it is ignored",
                "the rules do not declare `purchase.colour`; it is ignored"
            ]
        );
    }

    #[test]
    fn lists_nulls_and_empty_strings() {
        let program = rules();
        let (rec, ok, problems) =
            load(r#"{"claim": {"evidence": ["invoice", "photo"], "facts": ""}, "history": null}"#);
        assert!(ok, "{problems:?}");
        let evidence = program.rules.field("claim.evidence").unwrap();
        assert_eq!(rec.get(evidence), Value::Set(0b10001));
        assert_eq!(rec.present().iter().count(), 1);
    }

    #[test]
    fn broken_json_is_one_error_and_never_a_panic() {
        for line in [
            r#"{"id": "a", "received": "2024-03-"#,
            r#"{"id": "a"} trailing"#,
            "[1, 2]",
            "\"just text\"",
            "",
            "{\"id\": \"\\ud800\"}",
        ] {
            let (_, ok, problems) = load(line);
            assert!(!ok, "{line}: loaded");
            assert_eq!(problems.len(), 1, "{line}: {problems:?}");
        }
    }

    /// A bad value is pointed at where its key occurs once in the line,
    /// nested or dotted; not where the key's name occurs twice, nor inside
    /// a string.
    #[test]
    fn a_bad_values_place_is_found_when_certain() {
        let program = rules();
        let reader = JsonReader::new(&program.rules);
        let starts = |line: &str| -> Vec<Option<String>> {
            let mut rec = Record::new(program.rules.fields.len());
            let mut problems = Vec::new();
            reader.load(line, &mut rec, &mut JsonScratch::default(), &mut problems);
            problems
                .iter()
                .map(|d| d.span.as_ref().map(|s| line[s.start..].to_string()))
                .collect()
        };
        let nested =
            r#"{"claim": {"facts": "写着 \"date\": 一"}, "purchase": {"date": "2023-02-30"}}"#;
        assert_eq!(starts(nested), [Some(r#""2023-02-30"}}"#.to_string())]);
        let dotted = r#"{"purchase.quantity" :  "一", "id": "a"}"#;
        assert_eq!(starts(dotted), [Some(r#""一", "id": "a"}"#.to_string())]);
        let unknown = r#"{"purchse": {"date": "2024-03-05"}, "received": "2024-03-05"}"#;
        assert_eq!(
            starts(unknown),
            [Some(
                r#"{"date": "2024-03-05"}, "received": "2024-03-05"}"#.to_string()
            )]
        );
        // `date` is a key twice (purchase and recorded): no place is guessed.
        let twice = r#"{"purchase": {"date": "2023-02-30"}, "recorded": {"date": "2024-01-01"}}"#;
        assert_eq!(starts(twice)[0], None);
    }

    #[test]
    fn a_line_that_is_null_is_no_record() {
        let (_, ok, problems) = load("null");
        assert!(!ok);
        assert_eq!(
            problems,
            ["each line must be a JSON object (one complaint record), found null"]
        );
    }

    #[test]
    fn money_is_read_from_its_text() {
        let program = rules();
        let price = program.rules.field("purchase.price").unwrap();
        for (text, want) in [
            ("399.5", Some(39950)),
            ("12", Some(1200)),
            ("-0.0", Some(0)),
        ] {
            let (rec, ok, problems) = load(&format!(
                r#"{{"received": "2024-03-05", "purchase": {{"price": {text}}}}}"#
            ));
            assert!(ok, "{text}: {problems:?}");
            assert_eq!(
                rec.get(price),
                want.map_or(Value::Absent, Value::Dec),
                "{text}"
            );
        }
        for (text, says) in [
            ("1e-400", "exponent notation"),
            ("3.99e2", "exponent notation"),
            ("0.0000000001", "more than two decimal places"),
            ("\"1,399.00\"", "found the text"),
        ] {
            let (_, ok, problems) = load(&format!(
                r#"{{"received": "2024-03-05", "purchase": {{"price": {text}}}}}"#
            ));
            assert!(!ok, "{text}");
            assert!(problems[0].contains(says), "{text}: {problems:?}");
        }
    }

    /// A scratch's memory of keys belongs to one reader: used by another,
    /// whose rules put the same keys in other slots, it is forgotten.
    #[test]
    fn a_scratch_shared_by_two_readers_reads_each_by_its_own_rules() {
        let guideline = rules();
        let samr = crate::load::builtin_named("samr")
            .and_then(|b| crate::load::load_rules(b.file, b.text.as_bytes()).ok())
            .expect("samr loads");
        let (g, s) = (&guideline.rules, &samr.rules);
        // A text field of both, in different slots.
        let key = s
            .fields
            .iter()
            .enumerate()
            .find(|(slot, f)| {
                f.ty == FieldType::Text
                    && g.field(&f.key)
                        .is_some_and(|o| o != *slot && g.fields[o].ty == FieldType::Text)
            })
            .map(|(_, f)| f.key.as_str())
            .expect("a text field the two rule sets keep in different slots");
        let (table, last) = key.split_once('.').expect("a key in a table");
        let line = format!(r#"{{"received": "2024-03-05", "{table}": {{"{last}": "张三"}}}}"#);
        let (by_g, by_s) = (JsonReader::new(g), JsonReader::new(s));
        let mut shared = JsonScratch::default();
        let mut rec_g = Record::new(g.fields.len());
        let mut rec_s = Record::new(s.fields.len());
        for _ in 0..2 {
            assert!(by_g.load_plain(line.as_bytes(), &mut rec_g, &mut shared));
            assert!(by_s.load_plain(line.as_bytes(), &mut rec_s, &mut shared));
        }
        let name = |rec: &Record, slot: Option<usize>| match rec.get(slot.expect("declared")) {
            Value::Text(t) => rec.text(t).to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(name(&rec_g, g.field(key)), "张三");
        assert_eq!(name(&rec_s, s.field(key)), "张三");
    }

    /// The did-you-mean of an undeclared key is found once and given on
    /// every line that has the key, and a scratch used by another reader
    /// forgets it.
    #[test]
    fn an_unknown_keys_suggestion_is_given_on_every_line() {
        let program = rules();
        let reader = JsonReader::new(&program.rules);
        let mut rec = Record::new(program.rules.fields.len());
        let mut scratch = JsonScratch::default();
        let help = |reader: &JsonReader, rec: &mut Record, scratch: &mut JsonScratch| {
            let mut problems = Vec::new();
            let line = r#"{"received": "2024-03-05", "respondent": {"stal": "C4-187"}}"#;
            assert!(reader.load(line, rec, scratch, &mut problems));
            assert_eq!(problems.len(), 1, "{problems:?}");
            problems[0].help.as_ref().map(|h| h.en.clone())
        };
        let first = help(&reader, &mut rec, &mut scratch);
        assert_eq!(first.as_deref(), Some("did you mean `respondent.stall`?"));
        assert_eq!(scratch.suggestions.len(), 1);
        for _ in 0..3 {
            assert_eq!(help(&reader, &mut rec, &mut scratch), first);
        }
        let other = JsonReader::new(&program.rules);
        assert_eq!(help(&other, &mut rec, &mut scratch), first);
        assert_eq!(scratch.owner, other.id);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (_, ok, problems) = load(r#"{"id": "a", "id": "b"}"#);
        assert!(!ok);
        assert_eq!(problems, ["the key `id` (Case number) appears twice"]);
    }
}
