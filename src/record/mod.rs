//! Complaint records: one slot per declared field, filled from TOML (here),
//! JSON Lines or CSV by the same conversion, so every source validates a
//! value the same way against the rule file's declarations.

mod convert;
pub mod csv;
pub mod json;
pub mod toml;

pub use convert::{Raw, ValueError, convert, convert_item, describe_type};

use crate::diag::{Diagnostic, Msg, Source};
pub use crate::value::Record;
use crate::value::Value;

/// The warning for a record in which nothing is filled in (an empty file,
/// comments only, a blank form, `{}`, a row of blank cells): most likely
/// the wrong file, or a form saved before it was filled in. Given by every
/// reader when the record loaded with no other problem and no value.
pub fn nothing_filled_in() -> Diagnostic {
    Diagnostic::warning(
        "empty-record",
        None,
        Msg::new(
            "记录里没有填写任何字段（文件是空的、只有注释，或每一项都是空白）",
            "no field of the record is filled in (the file is empty, holds only comments, or every value is blank)",
        ),
    )
    .with_help(Msg::new(
        "请确认选对了文件，并已填写、保存",
        "check that this is the right file, and that it was filled in and saved",
    ))
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
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if utf16 || bytes.contains(&0) {
        let (zh, en) = if utf16 {
            (
                "文件不是 UTF-8 编码（看起来是 UTF-16），请另存为 UTF-8",
                "file is not UTF-8 (it looks like UTF-16); save as UTF-8",
            )
        } else {
            (
                "文件含有空字节，不是文本文件（或是 UTF-16 编码），请另存为 UTF-8 文本",
                "file holds NUL bytes: it is not a text file (or it is UTF-16); save as UTF-8 text",
            )
        };
        let diag = Diagnostic::error("not-utf8", None, Msg::new(zh, en)).with_help(save_as);
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
