//! Diagnostics: one shape for every error and warning shouli reports, from a
//! rule file or a record, and one renderer that draws the code frame
//! (`file:line:col`, the source line, a caret under the span) in Chinese with
//! English beside it, or English only.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use crate::sanitize::{self, esc};

/// The language of shouli's own words. Labels and titles come from the rule
/// file whatever this says (its English renderings are used where given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case id, e.g. `undeclared-key`.
    pub code: &'static str,
    pub message: Msg,
    /// Byte range in the source; `None` for errors about the file as a whole.
    pub span: Option<Range<usize>>,
    pub help: Option<Msg>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Option<Range<usize>>, message: Msg) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message,
            span,
            help: None,
        }
    }

    pub fn warning(code: &'static str, span: Option<Range<usize>>, message: Msg) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    pub fn with_help(mut self, help: Msg) -> Diagnostic {
        self.help = Some(help);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A named text that diagnostics point into.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The columns a source character takes in a code frame: a tab is four
/// spaces, a control character its visible escape.
fn char_width(c: char) -> usize {
    if c == '\t' {
        4
    } else if sanitize::is_unsafe(c) {
        sanitize::escape_width(c)
    } else {
        c.width().unwrap_or(0)
    }
}

/// A source line longer than this many characters is shown as a window of
/// `WINDOW_BEFORE` characters before the start of the span and
/// `WINDOW_AFTER` from it.
const LONG_LINE: usize = 240;
const WINDOW_BEFORE: usize = 80;
const WINDOW_AFTER: usize = 120;

/// Renders a diagnostic as a code frame. Chinese first with the English on
/// the next line, or English only.
pub fn render(diag: &Diagnostic, source: &Source, lang: Lang) -> String {
    let mut out = String::new();
    let kind = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // Messages quote the input (a key, a value): every piece of text that
    // may come from it is shown through `sanitize`.
    let _ = writeln!(
        out,
        "{kind}[{}]: {}",
        diag.code,
        esc(diag.message.get(lang))
    );
    if lang == Lang::Zh {
        let _ = writeln!(out, "  {}", esc(&diag.message.en));
    }
    match &diag.span {
        Some(span) => {
            let (line, col) = source.line_col(span.start);
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad}--> {}:{line}:{col}", esc(&source.name));
            let text = &source.text;
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            // The `\r` of a CRLF line end is not shown; a lone one is, as
            // `\r`, like every control character.
            let line_text = &text[line_start..line_end];
            let line_text = match line_text.strip_suffix('\r') {
                Some(t) if line_end < text.len() && start < line_start + t.len() => t,
                _ => line_text,
            };
            let line_end = line_start + line_text.len();
            // A long line (a record exported on one line, a minified file) is
            // shown as a window around the span, `…` marking what is cut.
            let long = line_text.chars().nth(LONG_LINE).is_some();
            let from = text[line_start..start.min(line_end)]
                .char_indices()
                .rev()
                .nth(WINDOW_BEFORE - 1)
                .filter(|_| long)
                .map_or(line_start, |(i, _)| line_start + i);
            let to = text[start.min(line_end)..line_end]
                .char_indices()
                .nth(WINDOW_AFTER)
                .filter(|_| long)
                .map_or(line_end, |(i, _)| start.min(line_end) + i);
            let (cut_before, cut_after) = (from > line_start, to < line_end);
            let mut shown = String::new();
            if cut_before {
                shown.push('…');
            }
            for c in text[from..to].chars() {
                if c == '\t' {
                    shown.push_str("    ");
                } else if sanitize::is_unsafe(c) {
                    let mut buf = [0; 4];
                    shown.push_str(&sanitize::escape(c.encode_utf8(&mut buf)));
                } else {
                    shown.push(c);
                }
            }
            if cut_after {
                shown.push('…');
            }
            let lead: usize = usize::from(cut_before)
                + text[from..start.max(from)]
                    .chars()
                    .map(char_width)
                    .sum::<usize>();
            let end =
                // A span may start past the shown line (at a trailing `\r`).
                floor_char_boundary(text, span.end.min(to).max(start));
            let under: usize = text[start..end].chars().map(char_width).sum();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line} | {shown}");
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(lead),
                "^".repeat(under.max(1))
            );
            if let Some(help) = &diag.help {
                write_help(&mut out, &pad, help, lang);
            }
        }
        None => {
            let _ = writeln!(out, "  --> {}", esc(&source.name));
            if let Some(help) = &diag.help {
                write_help(&mut out, " ", help, lang);
            }
        }
    }
    out
}

/// A message that points at no place in a file: `error: …` (or another
/// `kind`), Chinese with the English under it, or English only; ends with a
/// newline. Input text in it (a file name, a value) is escaped.
pub fn render_message(kind: &str, message: &Msg, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{kind}: {}\n  {}\n", esc(&message.zh), esc(&message.en)),
        Lang::En => format!("{kind}: {}\n", esc(&message.en)),
    }
}

fn write_help(out: &mut String, pad: &str, help: &Msg, lang: Lang) {
    let _ = writeln!(out, "{pad} = help: {}", esc(help.get(lang)));
    if lang == Lang::Zh {
        let _ = writeln!(out, "{pad}         {}", esc(&help.en));
    }
}

/// The most diagnostics reported for one file (or one line of a batch
/// input). Past it one more says how many were left out: ten thousand
/// copies of one mistake help nobody, and printing each would take long.
pub const MAX_DIAGNOSTICS: usize = 100;

/// Keeps the first [`MAX_DIAGNOSTICS`] of `diags[from..]` and adds a note
/// saying how many more there were.
pub fn cap(diags: &mut Vec<Diagnostic>, from: usize) {
    let from = from.min(diags.len());
    // A note already made (the parser says where it stopped) is not counted.
    let noted = diags[from..]
        .last()
        .is_some_and(|d| d.code == "too-many-problems");
    if diags.len() - from <= MAX_DIAGNOSTICS + usize::from(noted) {
        return;
    }
    let keep = from + MAX_DIAGNOSTICS;
    let more = diags.len() - keep;
    let any_error = diags[keep..].iter().any(Diagnostic::is_error);
    diags.truncate(keep);
    let message = Msg::new(
        format!("还有 {more} 个问题未列出（只列出前 {MAX_DIAGNOSTICS} 个）"),
        format!("{more} more problems not shown (only the first {MAX_DIAGNOSTICS} are)"),
    );
    let note = if any_error {
        Diagnostic::error("too-many-problems", None, message)
    } else {
        Diagnostic::warning("too-many-problems", None, message)
    };
    diags.push(note.with_help(Msg::new(
        "先改正上面列出的问题，再重新运行",
        "fix the problems above and run again",
    )));
}

/// Renders every diagnostic, a blank line between them.
pub fn render_all(diags: &[Diagnostic], source: &Source, lang: Lang) -> String {
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&render(d, source, lang));
    }
    out
}

/// The machine-readable form of a diagnostic (`--error-format json`).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub message: &'a Msg,
    pub file: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub help: Option<&'a Msg>,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(diag: &'a Diagnostic, source: &'a Source) -> JsonDiagnostic<'a> {
        let start = diag.span.as_ref().map(|s| source.line_col(s.start));
        let end = diag.span.as_ref().map(|s| source.line_col(s.end));
        JsonDiagnostic {
            severity: diag.severity,
            code: diag.code,
            message: &diag.message,
            file: &source.name,
            line: start.map(|p| p.0),
            column: start.map(|p| p.1),
            end_line: end.map(|p| p.0),
            end_column: end.map(|p| p.1),
            help: diag.help.as_ref(),
        }
    }
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest candidate within a distance that scales with the word, or
/// else the one candidate that the word begins (`purchase.warranty` for
/// `purchase.warranty_months`).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let limit = (word.chars().count() / 3).max(2);
    let close = candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    close.or_else(|| {
        let mut begun = candidates.iter().filter(|c| c.starts_with(word));
        match (begun.next(), begun.next()) {
            (Some(only), None) if !word.is_empty() => Some(*only),
            _ => None,
        }
    })
}

/// One line per diagnostic, without the source line: `file:line:col:
/// error[code]: message`. Used where the source line may hold personal data
/// (`--redact`) and in batch logs.
pub fn render_short(diag: &Diagnostic, source: &Source, lang: Lang) -> String {
    let kind = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let place = match &diag.span {
        Some(span) => {
            let (line, col) = source.line_col(span.start);
            format!("{}:{line}:{col}", esc(&source.name))
        }
        None => esc(&source.name).to_string(),
    };
    let mut out = format!(
        "{place}: {kind}[{}]: {}",
        diag.code,
        esc(diag.message.get(lang))
    );
    if lang == Lang::Zh {
        out.push_str(&format!(" ({})", esc(&diag.message.en)));
    }
    if let Some(help) = &diag.help {
        out.push_str(&format!("; help: {}", esc(help.get(lang))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        assert_eq!(line_col("ab\n受理x", 3 + 3), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            did_you_mean(
                "purchase.warranty",
                ["purchase.warranty_months", "received"]
            ),
            Some("purchase.warranty_months")
        );
        assert_eq!(did_you_mean("zzz", ["purchase.date", "received"]), None);
        assert_eq!(
            did_you_mean(
                "purchase.warenty_months",
                ["purchase.warranty_months", "received"]
            ),
            Some("purchase.warranty_months")
        );
    }
}
