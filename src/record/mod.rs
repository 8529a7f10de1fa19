//! Complaint records: one slot per declared field, filled from TOML (here),
//! JSON Lines or CSV by the same conversion, so every source validates a
//! value the same way against the rule file's declarations.

mod convert;
pub mod csv;
pub mod json;
pub mod toml;

pub use convert::{Raw, ValueError, convert, convert_item, describe_type};

use std::io::{self, Read};
use std::path::Path;

use crate::diag::{Diagnostic, Lang, Msg, Source};
use crate::model::RuleSet;
use crate::sanitize::escape;
pub use crate::value::Record;
use crate::value::Value;

/// The error for a record in which nothing is filled in (an empty file,
/// comments only, a blank form, `{}`, a row of blank cells), or nothing
/// but its case number `id`: most likely the wrong file, or a form saved
/// before it was filled in. Checking it would only list every key as
/// missing, so it is refused. Given by every reader when the record loaded
/// with no other error.
pub fn nothing_filled_in() -> Diagnostic {
    Diagnostic::error(
        "empty-record",
        None,
        Msg::new(
            "记录里没有填写任何字段（文件是空的、只有注释、每一项都是空白，或只填了编号 id），无法审查",
            "no field of the record is filled in (the file is empty, holds only comments, every value is blank, or only `id` is given): nothing to check",
        ),
    )
    .with_help(Msg::new(
        "请确认选对了文件，并已填写、保存",
        "check that this is the right file, and that it was filled in and saved",
    ))
}

/// Whether nothing but the case number (`id`) is filled in.
pub fn is_blank(rec: &Record, rules: &RuleSet) -> bool {
    let mut present = rec.present();
    if let Some(id) = rules.field("id") {
        present.remove(id);
    }
    present.is_empty()
}

/// The key a clerk most likely meant by an undeclared `key`: a declared key
/// with the same last part under another table first (`complainant.stall`
/// → `respondent.stall`), then a declared key spelled closely, then one
/// whose last part is spelled closely.
pub fn suggest_key<'r>(key: &str, rules: &'r RuleSet) -> Option<&'r str> {
    let keys = || rules.fields.iter().map(|f| f.key.as_str());
    let last = |k: &'r str| -> &'r str { k.rsplit('.').next().unwrap_or(k) };
    let own_last = key.rsplit('.').next().unwrap_or(key);
    let mut same_last = keys().filter(|k| last(k) == own_last && *k != key);
    if let (Some(only), None) = (same_last.next(), same_last.next()) {
        return Some(only);
    }
    if let Some(close) = crate::diag::did_you_mean(key, keys()) {
        return Some(close);
    }
    let close_last = crate::diag::did_you_mean(own_last, keys().map(last))?;
    let mut found = keys().filter(|k| last(k) == close_last);
    match (found.next(), found.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// The largest record shouli reads: a TOML record file, one JSON line, one
/// CSV row (1 MiB). Reading stops one byte past it, so an endless input
/// (`/dev/zero`, a stream that never ends) costs no more than this.
pub const MAX_RECORD: usize = 1 << 20;

/// Why a record's bytes could not be read: the message names the file
/// (and the limit, when it was passed).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    /// `unreadable` or `record-too-large`.
    pub code: &'static str,
    pub message: Msg,
}

impl ReadError {
    /// `error[code]: message`, with the English on a second line, or
    /// English only. The message names a file as the user gave it, so
    /// control characters in it are escaped before they reach a terminal.
    pub fn render(&self, lang: Lang) -> String {
        let (zh, en) = (escape(&self.message.zh), escape(&self.message.en));
        match lang {
            Lang::Zh => format!("error[{}]: {zh}\n  {en}", self.code),
            Lang::En => format!("error[{}]: {en}", self.code),
        }
    }
}

/// The error for an input of more than `limit` bytes.
pub fn too_large(name: &str, limit: usize) -> ReadError {
    ReadError {
        code: "record-too-large",
        message: Msg::new(
            format!("{name} 超过 {limit} 字节的上限，不像一份投诉记录；已停止读取"),
            format!(
                "{name} is larger than the limit of {limit} bytes: not one complaint record; reading stopped"
            ),
        ),
    }
}

/// The error for an input that could not be opened or read.
pub fn unreadable(name: &str, e: &io::Error) -> ReadError {
    ReadError {
        code: "unreadable",
        message: Msg::new(
            format!("无法读取 {name}：{e}"),
            format!("cannot read {name}: {e}"),
        ),
    }
}

/// Reads at most `limit` bytes of `reader` into `dst` (appended). One byte
/// more is read to tell a full-sized input from a larger one, and no more:
/// a larger input is an error naming `name` and the limit.
pub fn read_at_most(
    reader: impl Read,
    limit: usize,
    name: &str,
    dst: &mut Vec<u8>,
) -> Result<(), ReadError> {
    let start = dst.len();
    let mut limited = reader.take(limit as u64 + 1);
    loop {
        match limited.read_to_end(dst) {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                dst.truncate(start);
                return Err(unreadable(name, &e));
            }
        }
    }
    if dst.len() - start > limit {
        dst.truncate(start);
        return Err(too_large(name, limit));
    }
    Ok(())
}

/// Reads a record file (`-` for standard input), at most [`MAX_RECORD`]
/// bytes: its name as shown in messages, and its bytes.
pub fn read_record(path: &Path) -> Result<(String, Vec<u8>), ReadError> {
    read_file(path, MAX_RECORD)
}

/// A file (`-`: standard input) of at most `limit` bytes, and the name its
/// messages give it.
pub fn read_file(path: &Path, limit: usize) -> Result<(String, Vec<u8>), ReadError> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        let name = "<stdin>";
        read_at_most(io::stdin().lock(), limit, name, &mut bytes)?;
        return Ok((name.to_string(), bytes));
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| unreadable(&name, &e))?;
    read_at_most(file, limit, &name, &mut bytes)?;
    Ok((name, bytes))
}

/// A UTF-16 text (by its byte order mark, or by the NUL bytes every other
/// byte of ASCII text has in it) or another file with NUL bytes, told from
/// the first bytes of a file: the error about the file as a whole, or
/// `None` for a file that may be UTF-8 text.
pub fn not_text(head: &[u8]) -> Option<Diagnostic> {
    let bom = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if !bom && memchr::memchr(0, head).is_none() {
        return None;
    }
    let nuls = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|&(i, &b)| i % 2 == parity && b == 0)
            .count()
    };
    // ASCII in UTF-16 has a NUL in every other place: the even ones
    // big-endian, the odd ones little-endian. A few characters (一 is
    // U+4E00) put one in the other places too; a binary file puts them
    // anywhere.
    let (even, odd) = (nuls(0), nuls(1));
    let (most, fewest) = (even.max(odd), even.min(odd));
    let utf16 = bom || (most >= 2 && fewest * 4 <= most);
    let (zh, en) = if utf16 {
        (
            "文件不是 UTF-8 编码（看起来是 UTF-16，即 Windows 记事本的“Unicode”），请另存为 UTF-8",
            "file is not UTF-8 (it looks like UTF-16, Windows Notepad's \"Unicode\"); save as UTF-8",
        )
    } else if head.contains(&0) {
        (
            "文件含有空字节，不是文本文件，请另存为 UTF-8 文本",
            "file holds NUL bytes: it is not a text file; save as UTF-8 text",
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::error("not-utf8", None, Msg::new(zh, en)).with_help(Msg::new(
            "用编辑器“另存为”UTF-8 编码后再试",
            "in most editors: Save As… → Encoding: UTF-8, then try again",
        )),
    )
}

/// A record file that could not be used: every problem found, each with the
/// place it was found.
#[derive(Debug, Clone)]
pub struct RecordError {
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes a record file's bytes: UTF-8, with a leading BOM dropped. A file
/// in another encoding (GBK and GB18030 are common on Chinese desktops) is
/// an error saying so, at the line of the first byte that is not UTF-8.
pub fn decode(bytes: &[u8]) -> Result<&str, (Diagnostic, String)> {
    let save_as = Msg::new(
        "用编辑器“另存为”UTF-8 编码后再试",
        "in most editors: Save As… → Encoding: UTF-8, then try again",
    );
    // UTF-16 (Windows Notepad's "Unicode") and binary files: no line of
    // them is worth showing, so the error is about the file as a whole.
    if let Some(diag) = not_text(bytes) {
        return Err((diag, String::new()));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            // Lossy decoding keeps the valid prefix byte for byte. GBK and
            // GB18030 use two bytes (lead 81–FE, trail 40–FE) or, in
            // GB18030, four (81–FE, 30–39, 81–FE, 30–39).
            let looks_gbk = match bytes.get(at..) {
                Some([lead, trail, ..]) if (0x81..=0xFE).contains(lead) => {
                    (0x40..=0xFE).contains(trail)
                        || matches!(bytes.get(at + 1..at + 4),
                            Some([b, c, d]) if b.is_ascii_digit() && (0x81..=0xFE).contains(c) && d.is_ascii_digit())
                }
                _ => false,
            };
            let (zh, en) = if looks_gbk {
                (
                    "文件不是 UTF-8 编码（看起来是 GBK/GB18030），请另存为 UTF-8",
                    "file is not UTF-8 (it looks like GBK/GB18030); save as UTF-8",
                )
            } else {
                (
                    "文件不是 UTF-8 编码，请另存为 UTF-8",
                    "file is not UTF-8; save as UTF-8",
                )
            };
            let diag = Diagnostic::error("not-utf8", Some(at..at + 1), Msg::new(zh, en))
                .with_help(save_as);
            Err((diag, lossy))
        }
    }
}

/// The first number in `text` written with thousands separators
/// (`1,399.00`, `12,000`): as written, and without the commas.
pub fn thousands(text: &str) -> Option<(String, String)> {
    let b = text.as_bytes();
    let digits = |mut i: usize| {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i - start
    };
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !matches!(b[i - 1], b'0'..=b'9' | b','));
        if !starts {
            i += 1;
            continue;
        }
        let lead = digits(i);
        let mut end = i + lead;
        let mut groups = 0;
        while lead <= 3 && end < b.len() && b[end] == b',' && digits(end + 1) == 3 {
            end += 4;
            groups += 1;
        }
        if groups > 0 {
            if end < b.len() && b[end] == b'.' {
                end += 1 + digits(end + 1);
            }
            let written = &text[i..end];
            return Some((written.to_string(), written.replace(',', "")));
        }
        i += lead.max(1);
    }
    None
}

/// The record's `id` when the rules declare one and the record gives it,
/// else `fallback` (a file name, a line number).
pub fn id_or(rules: &crate::model::RuleSet, rec: &Record, fallback: String) -> String {
    if let Some(slot) = rules.field("id")
        && let Value::Text(r) = rec.get(slot)
    {
        return rec.text(r).to_string();
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators_are_found_only_in_grouped_numbers() {
        let found = |t: &str| thousands(t).map(|(w, p)| format!("{w}>{p}"));
        assert_eq!(found("price = 1,399.00"), Some("1,399.00>1399.00".into()));
        assert_eq!(found("12,000,000"), Some("12,000,000>12000000".into()));
        assert_eq!(found("a, b, 1,5"), None);
        assert_eq!(found("1234,567"), None);
        assert_eq!(found("[1, 2, 3]"), None);
        assert_eq!(found("1,2345"), None);
    }

    #[test]
    fn utf16_is_told_from_binary_and_text() {
        let utf16le: Vec<u8> = "id = \"一\"\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let utf16be: Vec<u8> = "id = 1\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        for text in [&utf16le, &utf16be] {
            let d = not_text(text).expect("refused");
            assert!(d.message.en.contains("UTF-16"), "{}", d.message.en);
        }
        let d = not_text(b"\x00\x00\x00\x00\x01\x02\x00\x00").expect("refused");
        assert!(!d.message.en.contains("UTF-16"), "{}", d.message.en);
        assert!(not_text("投诉 = 1".as_bytes()).is_none());
    }

    #[test]
    fn a_key_under_the_wrong_table_is_suggested_under_the_right_one() {
        let program = crate::builtin().expect("built-in rules");
        let rules = &program.rules;
        for (typed, meant) in [
            ("complainant.stall", Some("respondent.stall")),
            ("claim.price", Some("purchase.price")),
            ("purchse.date", Some("purchase.date")),
            ("recieved", Some("received")),
            ("respondent.stal", Some("respondent.stall")),
            ("colour", None),
        ] {
            assert_eq!(suggest_key(typed, rules), meant, "{typed}");
        }
    }

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        let mut dst = Vec::new();
        assert!(read_at_most(&b"abcd"[..], 4, "f", &mut dst).is_ok());
        assert_eq!(dst, b"abcd");
        let mut dst = Vec::new();
        let e = read_at_most(io::repeat(0), 4, "f", &mut dst).unwrap_err();
        assert_eq!(e.code, "record-too-large");
        assert!(
            e.message
                .en
                .contains("f is larger than the limit of 4 bytes")
        );
        assert!(dst.is_empty());
    }
}
