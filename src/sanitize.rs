//! Text from the input (records, file names, rule files) on its way into
//! human-readable output: control characters are shown as visible escapes,
//! and a CSV cell that a spreadsheet would run as a formula is neutralised.
//!
//! A record may hold anything: an ESC that recolours the terminal or an OSC 52
//! sequence that writes the clipboard, a BEL, a carriage return that hides
//! what came before it on the line, a bidi override that shows text in
//! another order than it is. [`escape`] is the one function through which
//! such text reaches a terminal (reports, tables, messages, code frames,
//! summaries). JSON needs none of it (serde escapes control characters).

use std::borrow::Cow;
use std::fmt;

/// Whether `c` is shown as an escape: C0 controls (tab and line ends
/// included: a one-line field that holds them would break the layout), DEL,
/// C1 controls, the bidi embeddings, overrides and isolates, and the line
/// and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2028}'
        | '\u{2029}'
    )
}

/// Writes `c` as its visible escape: `\t`, `\n`, `\r`, or `\u{1b}`.
fn write_escape(out: &mut impl fmt::Write, c: char) -> fmt::Result {
    match c {
        '\t' => out.write_str("\\t"),
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    }
}

/// How many columns the escape of `c` takes (all ASCII).
pub fn escape_width(c: char) -> usize {
    match c {
        '\t' | '\n' | '\r' => 2,
        // `\u{` + hex digits + `}`
        c => 4 + format!("{:x}", c as u32).len(),
    }
}

/// Input text with every unsafe character escaped; borrowed when there is
/// none (the usual case).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let _ = Escaped(text).write_to(&mut out);
    Cow::Owned(out)
}

/// Input text made of several lines laid out by us (`\n` between them):
/// every unsafe character but `\n` is escaped.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&escape(line));
    }
    Cow::Owned(out)
}

/// Input text as it is shown, for `format!`: `{}` of it writes the escaped
/// text without building a string.
#[derive(Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl Escaped<'_> {
    fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        let mut rest = self.0;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_unsafe(c)) {
            out.write_str(&rest[..i])?;
            write_escape(out, c)?;
            rest = &rest[i + c.len_utf8()..];
        }
        out.write_str(rest)
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// Short for [`Escaped`].
pub fn esc(text: &str) -> Escaped<'_> {
    Escaped(text)
}

/// Whether a spreadsheet would take a cell beginning like this for a
/// formula (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, tab or carriage
/// return.
/// Text for HTML or XML content and attribute values: `& < > " '` as
/// entities. What to do with control characters is the caller's (escape
/// them first, or replace them).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A CSV cell's text from the input, neutralised as OWASP recommends: a
/// cell that would be read as a formula gets a single quote in front; the
/// text is otherwise kept as it is.
pub fn csv_text(text: &str) -> Cow<'_, str> {
    if is_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_is_escaped_and_nothing_else() {
        assert!(matches!(escape("受理 A-1 ok"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\u{1b}]52;c;ZWNobw==\u{7}b"),
            "a\\u{1b}]52;c;ZWNobw==\\u{7}b"
        );
        assert_eq!(escape("x\ty\r\nz"), "x\\ty\\r\\nz");
        assert_eq!(escape("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(escape("\u{202e}abc\u{2069}"), "\\u{202e}abc\\u{2069}");
        assert_eq!(escape_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
        assert_eq!(format!("[{}]", esc("\u{0}")), "[\\u{0}]");
        for c in ['\t', '\u{1b}', '\u{9f}', '\u{202a}'] {
            assert_eq!(escape_width(c), escape(&c.to_string()).len(), "{c:?}");
        }
    }

    #[test]
    fn formulas_get_a_quote() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_text(bad), format!("'{bad}"));
        }
        assert_eq!(csv_text("A-1"), "A-1");
        assert_eq!(csv_text(""), "");
    }
}
