//! The plain-line path of the JSON Lines reader.
//!
//! Nearly every line of an archive is plain: an object of the rules' own
//! keys, strings without escapes, numbers without exponents, lists of
//! codes, nothing wrong with any value. Such a line is read here byte by
//! byte, without serde, straight into the record's slots. Anything else —
//! an escape, an unknown or repeated key, a value its field refuses, broken
//! JSON, bytes that are not UTF-8 — makes this path decline, having
//! promised nothing, and the full reader (`super`, serde_json) reads the line
//! from the start: every message, place and limit of a line with a problem
//! is the full reader's alone.
//!
//! When this path accepts a line, it holds the record the full reader would
//! have made, with no problem to report: debug builds read every accepted
//! line the full way too and assert that the records are equal
//! (`JsonReader::load_plain`), so the whole test suite and the fuzz targets
//! hold the two readers to each other.

use super::{JsonReader, Key};
use crate::model::FieldType;
use crate::record::{Raw, Record, convert, convert_item};
use crate::value::{KeySet, Value};

const _: () = assert!(KeySet::CAPACITY <= Seen::CAPACITY);

/// Deeper than any object this path reads for the rules' own keys, and well
/// inside serde_json's limit of 128: a deeper line is the full reader's.
const MAX_DEPTH: u32 = 32;

/// One line being read on the plain path.
pub(super) struct Plain<'a, 'r> {
    pub reader: &'a JsonReader<'r>,
    /// The line, checked to be UTF-8 before it is read.
    pub text: &'a str,
    pub at: usize,
    pub rec: &'a mut Record,
    /// A dotted key (`purchase.date`), built to look up a key the memo
    /// does not hold.
    pub key: &'a mut Vec<u8>,
    /// The keys of the lines before, by table and place (`JsonScratch`).
    pub memo: &'a mut [Vec<(Vec<u8>, Key)>],
    /// The fields given so far, by slot.
    pub seen: Seen,
    /// The tables (objects) given so far, by number.
    pub tables: Seen,
}

/// A set of up to 128 numbers (a rule file's fields are at most
/// `KeySet::CAPACITY`), tested and set in one step.
#[derive(Default)]
pub(super) struct Seen([u64; 2]);

impl Seen {
    const CAPACITY: usize = 128;

    /// Whether `i` (below 128) is new to the set; it is in it after.
    fn first(&mut self, i: usize) -> bool {
        debug_assert!(i < Self::CAPACITY);
        let (word, bit) = (i >> 6 & 1, 1u64 << (i & 63));
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }
}

/// Declines the line: the full reader reads it.
pub(super) struct Decline;

type Step<T = ()> = Result<T, Decline>;

impl<'a> Plain<'a, '_> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Reads the whole line: one object and nothing after it but white
    /// space.
    pub fn line(&mut self) -> Step {
        self.skip_space();
        self.object(0, 0)?;
        self.skip_space();
        if self.at == self.bytes().len() {
            Ok(())
        } else {
            Err(Decline)
        }
    }

    fn peek(&self) -> Step<u8> {
        self.bytes().get(self.at).copied().ok_or(Decline)
    }

    /// JSON's white space, as serde_json skips it.
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes().get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Step {
        if self.peek()? == byte {
            self.at += 1;
            Ok(())
        } else {
            Err(Decline)
        }
    }

    fn word(&mut self, word: &[u8]) -> Step {
        if self.bytes()[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(Decline)
        }
    }

    /// What the `place`-th key of a table is (`table` 0 for the line, else
    /// the table's number + 1): what the memo holds for that place if it
    /// has the same name, else looked up by its dotted key (and the memo
    /// updated). `None` for a key the rules do not declare.
    fn lookup(&mut self, table: usize, place: usize, name: &[u8]) -> Option<Key> {
        let memo = &mut self.memo[table];
        if let Some((known, key)) = memo.get(place)
            && known.as_slice() == name
        {
            return Some(*key);
        }
        self.key.clear();
        if let Some(prefix) = table.checked_sub(1).map(|t| &self.reader.tables[t]) {
            self.key.extend_from_slice(prefix);
            self.key.push(b'.');
        }
        self.key.extend_from_slice(name);
        let key = self.reader.keys.get(self.key.as_slice()).copied()?;
        // Places are kept only up to one past the last: a line of more
        // keys than the rules declare has an unknown or repeated one.
        if let Some((known, k)) = memo.get_mut(place) {
            known.clear();
            known.extend_from_slice(name);
            *k = key;
        } else if place == memo.len() {
            memo.push((name.to_vec(), key));
        }
        Some(key)
    }

    /// An object at `self.at`, the line's (`table` 0) or a table's (its
    /// number + 1).
    fn object(&mut self, table: usize, depth: u32) -> Step {
        if depth >= MAX_DEPTH {
            return Err(Decline);
        }
        self.eat(b'{')?;
        self.skip_space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Ok(());
        }
        let mut place = 0;
        loop {
            self.eat(b'"')?;
            // Looked up as bytes: a key that is not UTF-8 is not the rules'.
            let (start, end) = self.string_body()?;
            let bytes = self.bytes();
            let key = self.lookup(table, place, &bytes[start..end]);
            place += 1;
            self.skip_space();
            self.eat(b':')?;
            self.skip_space();
            match key {
                Some(Key::Field(slot)) if self.seen.first(slot) => {
                    self.value(slot, depth)?;
                }
                Some(Key::Table(t)) if t < Seen::CAPACITY && self.tables.first(t) => {
                    if self.peek()? == b'n' {
                        // `"history": null`: the table is absent.
                        self.word(b"null")?;
                    } else {
                        self.object(t + 1, depth + 1)?;
                    }
                }
                // Given twice, or not declared: the full reader says so.
                _ => return Err(Decline),
            }
            if !self.after_item(b'}')? {
                return Ok(());
            }
        }
    }

    /// After an item of an object or a list: a `,` and another item to come
    /// (true), or the `close` that ends them (false); either stepped past.
    fn after_item(&mut self, close: u8) -> Step<bool> {
        self.skip_space();
        let next = self.peek()?;
        self.at += 1;
        if next == b',' {
            self.skip_space();
            Ok(true)
        } else if next == close {
            Ok(false)
        } else {
            Err(Decline)
        }
    }

    /// The value of a declared field.
    fn value(&mut self, slot: usize, depth: u32) -> Step {
        let field = &self.reader.rules.fields[slot];
        let raw = match self.peek()? {
            b'"' => {
                self.at += 1;
                Raw::Str(self.string()?)
            }
            b'-' | b'0'..=b'9' => {
                // Numbers only for number fields, read from their text as
                // the full reader does (anything else refuses a number).
                if !matches!(field.ty, FieldType::Decimal | FieldType::Integer) {
                    return Err(Decline);
                }
                let text = self.number()?;
                match text.parse::<i64>() {
                    Ok(n) => Raw::Int(n),
                    Err(_) => Raw::Float(text.parse().unwrap_or(f64::NAN), Some(text)),
                }
            }
            b't' => {
                self.word(b"true")?;
                Raw::Bool(true)
            }
            b'f' => {
                self.word(b"false")?;
                Raw::Bool(false)
            }
            b'n' => {
                // `null` is absent, like a key left out.
                return self.word(b"null");
            }
            b'[' if matches!(field.ty, FieldType::List(_)) && depth + 1 < MAX_DEPTH => {
                self.at += 1;
                return self.list(slot);
            }
            _ => return Err(Decline),
        };
        let value = convert(field, raw, self.rec).map_err(|_| Decline)?;
        self.rec.set(slot, value);
        Ok(())
    }

    /// The items of a list field, after its `[`: strings and nulls only.
    fn list(&mut self, slot: usize) -> Step {
        let field = &self.reader.rules.fields[slot];
        let mut set = 0u64;
        self.skip_space();
        if self.peek()? == b']' {
            self.at += 1;
        } else {
            loop {
                match self.peek()? {
                    b'"' => {
                        self.at += 1;
                        let item = self.string()?;
                        let code = convert_item(field, Raw::Str(item)).map_err(|_| Decline)?;
                        set |= 1 << code;
                    }
                    b'n' => self.word(b"null")?,
                    _ => return Err(Decline),
                }
                if !self.after_item(b']')? {
                    break;
                }
            }
        }
        // An empty list (or one of nulls) says nothing: absent.
        if set != 0 {
            self.rec.set(slot, Value::Set(set));
        }
        Ok(())
    }

    /// A string's text, after its opening quote: valid UTF-8 with no
    /// escape and no control character.
    fn string(&mut self) -> Step<&'a str> {
        let text = self.text;
        let (start, end) = self.string_body()?;
        // Both ends are next to a quote: character boundaries.
        text.get(start..end).ok_or(Decline)
    }

    /// Finds the closing quote of a string whose body starts at `self.at`
    /// and steps past it: the body's range. Declines at a backslash or a
    /// control character. Eight bytes at a time where none of those is near.
    #[inline]
    fn string_body(&mut self) -> Step<(usize, usize)> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let bytes = self.bytes();
        let start = self.at;
        let mut at = start;
        while let Some(c) = bytes.get(at..at + 8) {
            let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            let quote = word ^ (ONES * u64::from(b'"'));
            let slash = word ^ (ONES * u64::from(b'\\'));
            // A byte that is `"`, `\` or below 0x20 sets its high bit in
            // `stop`; bytes above the first such byte may be set
            // spuriously, so the lowest bit set is the first stop.
            let stop = (quote.wrapping_sub(ONES) & !quote
                | slash.wrapping_sub(ONES) & !slash
                | word.wrapping_sub(ONES * 0x20) & !word)
                & HIGHS;
            if stop != 0 {
                at += (stop.trailing_zeros() / 8) as usize;
                return self.string_end(start, at);
            }
            at += 8;
        }
        while bytes
            .get(at)
            .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
        {
            at += 1;
        }
        self.string_end(start, at)
    }

    /// A string's body ends at `at`: at its closing quote, else declined.
    fn string_end(&mut self, start: usize, at: usize) -> Step<(usize, usize)> {
        if self.bytes().get(at) == Some(&b'"') {
            self.at = at + 1;
            Ok((start, at))
        } else {
            Err(Decline)
        }
    }

    /// A JSON number without an exponent (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`);
    /// its text.
    fn number(&mut self) -> Step<&'a str> {
        let bytes = self.bytes();
        let start = self.at;
        let mut at = start;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        let digits = |at: usize| {
            bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let whole = digits(at);
        if whole == 0 || (whole > 1 && bytes[at] == b'0') {
            return Err(Decline);
        }
        at += whole;
        if bytes.get(at) == Some(&b'.') {
            let fraction = digits(at + 1);
            if fraction == 0 {
                return Err(Decline);
            }
            at += 1 + fraction;
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            return Err(Decline);
        }
        self.at = at;
        // Sign, digits and a point: ASCII.
        self.text.get(start..at).ok_or(Decline)
    }
}
