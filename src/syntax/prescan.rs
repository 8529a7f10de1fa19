//! A lexical pass before the grammar: it finds what a Chinese keyboard slips
//! into a rule file (full-width punctuation outside strings), strings left
//! open at the end of a line, and nesting deep enough to threaten the stack.

use crate::diag::{Diagnostic, Msg};

use super::MAX_DEPTH;

pub struct Scan {
    pub diagnostics: Vec<Diagnostic>,
    /// Nesting went past `MAX_DEPTH`; the grammar must not run.
    pub too_deep: bool,
}

/// Full-width characters an IME types, what they are called, and the ASCII
/// character meant.
const FULL_WIDTH: &[(char, &str, &str, &str)] = &[
    ('“', "中文左双引号", "Chinese opening double quote", "\""),
    ('”', "中文右双引号", "Chinese closing double quote", "\""),
    ('‘', "中文左单引号", "Chinese opening single quote", "\""),
    ('’', "中文右单引号", "Chinese closing single quote", "\""),
    ('：', "全角冒号", "full-width colon", ":"),
    ('，', "全角逗号", "full-width comma", ","),
    ('（', "全角左括号", "full-width opening parenthesis", "("),
    ('）', "全角右括号", "full-width closing parenthesis", ")"),
    ('；', "全角分号", "full-width semicolon", ";"),
    ('【', "全角左方括号", "full-width opening bracket", "["),
    ('】', "全角右方括号", "full-width closing bracket", "]"),
    ('［', "全角左方括号", "full-width opening bracket", "["),
    ('］', "全角右方括号", "full-width closing bracket", "]"),
    ('｛', "全角左花括号", "full-width opening brace", "{"),
    ('｝', "全角右花括号", "full-width closing brace", "}"),
    ('＝', "全角等号", "full-width equals sign", "="),
    ('＋', "全角加号", "full-width plus sign", "+"),
    ('－', "全角减号", "full-width minus sign", "-"),
    ('＞', "全角大于号", "full-width greater-than sign", ">"),
    ('＜', "全角小于号", "full-width less-than sign", "<"),
    ('！', "全角感叹号", "full-width exclamation mark", "!"),
    ('＃', "全角井号", "full-width number sign", "#"),
    ('。', "中文句号", "Chinese full stop", "."),
    ('．', "全角句点", "full-width full stop", "."),
    ('、', "顿号", "Chinese enumeration comma", ","),
    ('\u{3000}', "全角空格", "full-width space", " "),
];

/// The bytes of code the scan stops at: those that open or close a comment,
/// a string or a bracket, and the first byte of every character outside
/// ASCII (any byte from 0x80 on: a continuation byte never starts a run).
const SOUGHT: [bool; 256] = {
    let mut sought = [false; 256];
    let mut b = 0;
    while b < 256 {
        sought[b] = b >= 0x80
            || matches!(
                b as u8,
                b'#' | b'"' | b'(' | b'[' | b'{' | b')' | b']' | b'}'
            );
        b += 1;
    }
    sought
};

pub fn scan(text: &str) -> Scan {
    let mut diagnostics = Vec::new();
    let mut depth = 0usize;
    // Bytes, not characters: all the scan looks for in code is ASCII or a
    // full-width character (never ASCII, and no byte of a UTF-8 character
    // outside ASCII is an ASCII byte). Code is passed over a run at a time
    // to the next byte in `SOUGHT`, comments and string bodies with memchr.
    let bytes = text.as_bytes();
    let len = bytes.len();
    // Where a comment or a string's plain run ends: at the end of the line
    // (or, in a string, at its quote or a backslash).
    let line_end = |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(len, |k| from + k);
    let plain_end = |from: usize| {
        let end = memchr::memchr3(b'"', b'\\', b'\n', &bytes[from..]).map_or(len, |k| from + k);
        memchr::memchr(b'\r', &bytes[from..end]).map_or(end, |k| from + k)
    };
    let mut pos = 0;
    while pos < len {
        // Past code that holds nothing the scan looks for, a run at a time.
        pos = bytes[pos..]
            .iter()
            .position(|&b| SOUGHT[usize::from(b)])
            .map_or(len, |k| pos + k);
        if pos == len {
            break;
        }
        let i = pos;
        if !bytes[i].is_ascii() {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            pos += c.len_utf8();
            if matches!(c, '“' | '‘') {
                // A string opened with a Chinese quote: report the quote,
                // then read on to its closing quote (ASCII or Chinese) so
                // the rest of the string is not taken for code.
                diagnostics.push(full_width(i, c));
                let from = pos;
                for (k, d) in text[from..].char_indices() {
                    if d == '\n' || d == '\r' {
                        break;
                    }
                    pos = from + k + d.len_utf8();
                    if d == '"' {
                        break;
                    }
                    if matches!(d, '”' | '’') {
                        diagnostics.push(full_width(from + k, d));
                        break;
                    }
                }
            } else if FULL_WIDTH.iter().any(|f| f.0 == c) {
                diagnostics.push(full_width(i, c));
            } else if INVISIBLE.iter().any(|f| f.0 == c) {
                diagnostics.push(invisible(i, c));
            }
            continue;
        }
        pos += 1;
        match bytes[i] {
            b'#' => pos = line_end(pos),
            b'"' => {
                // To the closing quote, past escapes (a backslash escapes
                // the character after it, whatever it is), or to the end
                // of the line, where the string is left open.
                let mut closed = false;
                loop {
                    pos = plain_end(pos);
                    match bytes.get(pos) {
                        Some(b'"') => {
                            pos += 1;
                            closed = true;
                            break;
                        }
                        Some(b'\\') => {
                            pos += 1;
                            pos += text[pos..].chars().next().map_or(0, char::len_utf8);
                        }
                        _ => break,
                    }
                }
                if !closed {
                    let end = pos;
                    let body = text[i + 1..end].trim_end();
                    let help = match body.chars().last() {
                        None if text[..i].rfind('\n').map_or(0, |l| l + 1) < i
                            && text[text[..i].rfind('\n').map_or(0, |l| l + 1)..i]
                                .contains('"') =>
                        {
                            Msg::new(
                                "这一行的英文双引号没有成对：前面某段文字少了结尾的 `\"`（常见的是以中文引号 ” 结尾），于是这个 `\"` 成了新字符串的开头",
                                "the ASCII quotes on this line do not pair up: an earlier text lacks its closing `\"` (often it ends with a Chinese ” instead), so this `\"` opens a new string",
                            )
                        }
                        Some(q @ ('”' | '’' | '“' | '‘')) => Msg::new(
                            format!("字符串末尾的 `{q}` 是中文引号：切换到英文输入，改为 `\"`"),
                            format!(
                                "the `{q}` at its end is a Chinese quote: switch the keyboard to English and type `\"`"
                            ),
                        ),
                        _ => Msg::new(
                            "在这一行的末尾补上英文双引号 `\"`；字符串不能跨行",
                            "close it with an ASCII `\"` on the same line; strings cannot span lines",
                        ),
                    };
                    diagnostics.push(
                        Diagnostic::error(
                            "unterminated-string",
                            Some(i..end),
                            Msg::new(
                                "字符串没有结束的英文双引号",
                                "unterminated string: no closing ASCII `\"`",
                            ),
                        )
                        .with_help(help),
                    );
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    diagnostics.push(
                        Diagnostic::error(
                            "too-deep",
                            Some(i..i + 1),
                            Msg::new(
                                format!("括号嵌套超过 {MAX_DEPTH} 层"),
                                format!("brackets nested more than {MAX_DEPTH} levels deep"),
                            ),
                        )
                        .with_help(Msg::new(
                            "用 define 给子条件起名，拆成几层",
                            "name sub-conditions with `define` to flatten the expression",
                        )),
                    );
                    return Scan {
                        diagnostics,
                        too_deep: true,
                    };
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Scan {
        diagnostics,
        too_deep: false,
    }
}

/// Characters that look like a space or like nothing, pasted from a web page
/// or a word processor (or a BOM left in the middle of a file where two were
/// joined): outside strings and comments they would be "unexpected" with
/// nothing to see at the caret.
const INVISIBLE: &[(char, &str, &str)] = &[
    ('\u{00A0}', "不换行空格", "no-break space"),
    ('\u{200B}', "零宽空格", "zero-width space"),
    (
        '\u{FEFF}',
        "零宽不换行空格 BOM",
        "zero-width no-break space, a BOM",
    ),
];

/// An invisible character where rule syntax is expected.
fn invisible(i: usize, c: char) -> Diagnostic {
    let (_, zh, en) = INVISIBLE
        .iter()
        .find(|f| f.0 == c)
        .expect("only called for a listed character");
    let code = c as u32;
    Diagnostic::error(
        "invisible-character",
        Some(i..i + c.len_utf8()),
        Msg::new(
            format!("这里有看不见的字符：{zh}（U+{code:04X}）"),
            format!("an invisible character here: {en} (U+{code:04X})"),
        ),
    )
    .with_help(Msg::new(
        "删除它；需要空格的地方改为普通空格",
        "delete it, and type an ordinary space where one is needed",
    ))
}

/// A full-width character where rule syntax is expected.
fn full_width(i: usize, c: char) -> Diagnostic {
    let (_, zh, en, ascii) = FULL_WIDTH
        .iter()
        .find(|f| f.0 == c)
        .expect("only called for a listed character");
    let help = if c == '\u{3000}' {
        Msg::new(
            "切换到英文输入，改为普通（半角）空格",
            "switch the keyboard to English and type an ordinary space instead",
        )
    } else {
        Msg::new(
            format!("切换到英文输入，改为 `{ascii}`"),
            format!("switch the keyboard to English and type `{ascii}` instead"),
        )
    };
    Diagnostic::error(
        "full-width-punctuation",
        Some(i..i + c.len_utf8()),
        Msg::new(
            format!("这里有{zh} `{c}`，规则文件只认英文（半角）标点"),
            format!(
                "{en} `{c}` here: rule files use ASCII punctuation (was the Chinese input method on?)"
            ),
        ),
    )
    .with_help(help)
}
