//! Text → syntax tree. `parse` runs a lexical pre-scan (IME punctuation,
//! unterminated strings, nesting depth), then the pest grammar on the whole
//! file, and builds the tree. A file that fails is parsed again one item at a
//! time, so that every broken item is reported.

pub mod ast;
mod build;
mod names;
mod prescan;

use std::sync::{Mutex, PoisonError};

use pest::Parser as _;
use pest::iterators::Pairs;

use crate::diag::{Diagnostic, Msg};
pub use ast::*;
pub use build::{YEARS, parse_date as build_parse_date, parse_number as build_parse_number};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/rules.pest"]
pub(crate) struct RuleParser;

/// The deepest nesting of parentheses, brackets and braces, and of
/// expressions, that a rule file may have. Deeper input is refused with an
/// error rather than risking the stack.
pub const MAX_DEPTH: usize = 64;

/// Words that mean something inside an expression, and so are never names
/// (of a field, a key's part, a definition, a clause kind, …). The grammar
/// reads them as names where no keyword fits; the builder refuses them.
pub const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "contains", "any", "else", "present", "true", "false", "day", "days",
    "month", "months", "year", "years", "workday", "workdays",
];

/// The largest rule file shouli reads (4 MiB).
pub const MAX_RULE_FILE: usize = 4 << 20;

/// Words that begin a top-level item; after an error the parser resumes at
/// the next line that starts with one of them.
const ITEM_WORDS: &[&str] = &[
    "field", "define", "example", "basis", "ground", "evidence", "deadline", "scope", "notice",
];

/// The result of parsing: the tree when the whole file parsed, and every
/// diagnostic found on the way.
#[derive(Debug)]
pub struct Parsed {
    pub file: Option<RuleFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// For a file with errors whose header parsed: the items that parsed,
    /// so that their own mistakes can be reported in the same run
    /// (`check::check_partial`).
    pub partial: Option<RuleFile>,
    /// The kinds of the items that did not parse.
    pub broken: Broken,
}

/// Which kinds of item a file with errors lost, so that checking the rest
/// leaves out what their absence alone would cause (a key that a broken
/// `field` may have declared, a clause that an example names).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Broken {
    /// A `field` or `define`.
    pub declarations: bool,
    pub clauses: bool,
    pub examples: bool,
}

impl Broken {
    const ALL: Broken = Broken {
        declarations: true,
        clauses: true,
        examples: true,
    };

    /// An item that starts with `word` did not parse (a word that starts
    /// no item could have been meant as any).
    fn lost(&mut self, word: &str) {
        match word {
            "field" | "define" => self.declarations = true,
            "example" => self.examples = true,
            // The other words that start an item are the clause kinds.
            w if ITEM_WORDS.contains(&w) => self.clauses = true,
            _ => *self = Broken::ALL,
        }
    }
}

/// Whether the `example` blocks of a rule file are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Examples {
    /// Every item, examples included: what every rule file gets unless its
    /// caller knows the file is correct and will not read its examples.
    Parse,
    /// Each `example` block is passed over whole (`example_skipped` in the
    /// grammar) and left out of the tree. Only for a text known to parse in
    /// full — the built-in rules, whose examples the test suite runs — and
    /// a caller that decides records: a broken example is not reported.
    /// A text that does not parse this way is parsed in full.
    Skip,
}

/// Parses every item of `text`, examples included.
pub fn parse(text: &str) -> Parsed {
    parse_with(text, Examples::Parse)
}

/// Parses `text`, its `example` blocks only if `examples` says so.
pub fn parse_with(text: &str, examples: Examples) -> Parsed {
    if text.len() > MAX_RULE_FILE {
        return Parsed {
            partial: None,
            broken: Broken::ALL,
            file: None,
            diagnostics: vec![Diagnostic::error(
                "file-too-large",
                None,
                Msg::new(
                    format!(
                        "规则文件过大（{} 字节，上限 {} 字节）",
                        text.len(),
                        MAX_RULE_FILE
                    ),
                    format!(
                        "rule file too large ({} bytes, the limit is {})",
                        text.len(),
                        MAX_RULE_FILE
                    ),
                ),
            )],
        };
    }
    let scan = prescan::scan(text);
    if scan.too_deep {
        return Parsed {
            file: None,
            diagnostics: scan.diagnostics,
            partial: None,
            broken: Broken::ALL,
        };
    }
    if scan.diagnostics.is_empty()
        && let Some(file) = match examples {
            Examples::Skip => parse_lean(text).or_else(|| parse_whole(text)),
            Examples::Parse => parse_whole(text),
        }
    {
        return Parsed {
            file: Some(file),
            diagnostics: Vec::new(),
            partial: None,
            broken: Broken::default(),
        };
    }
    let mut diagnostics = scan.diagnostics;
    // Each diagnostic below costs a scan for its line: keep their number
    // bounded, so a file of a hundred thousand mistakes is still quick.
    crate::diag::cap(&mut diagnostics, 0);
    let lexical_lines: Vec<usize> = diagnostics
        .iter()
        .filter_map(|d| d.span.as_ref())
        .map(|s| crate::diag::line_col(text, s.start).0)
        .collect();
    let mut grammar_errors = Vec::new();

    let mut header = None;
    let mut items = Vec::new();
    let mut broken = Broken::default();
    let mut pos;
    match parse_rule(Rule::header_at, text) {
        Ok(mut pairs) => {
            let at = pairs.next().expect("header_at always yields one pair");
            pos = at.as_span().end();
            let pair = at.into_inner().next().expect("header_at holds a header");
            match build::Builder::new(0).header(pair) {
                Ok(h) => header = Some(h),
                Err(d) => grammar_errors.push(d),
            }
        }
        Err(e) => {
            let d = names::grammar_error(&e, text, 0);
            let at = d.span.as_ref().map_or(0, |s| s.start);
            grammar_errors.push(d);
            pos = resume_point(text, at).unwrap_or(text.len());
        }
    }
    let mut stopped_at = None;
    while pos < text.len() {
        if grammar_errors.len() >= crate::diag::MAX_DIAGNOSTICS {
            stopped_at = Some(pos);
            break;
        }
        let rest = &text[pos..];
        match parse_rule(Rule::item_at, rest) {
            Ok(mut pairs) => {
                let at = pairs.next().expect("item_at always yields one pair");
                let end = at.as_span().end();
                let Some(pair) = at.into_inner().next().filter(|p| p.as_rule() != Rule::EOI) else {
                    break;
                };
                let word = first_word(pair.as_str());
                match build::Builder::new(pos).item(pair) {
                    Ok(item) => items.push(item),
                    Err(d) => {
                        grammar_errors.push(d);
                        broken.lost(word);
                    }
                }
                pos += end.max(1);
            }
            Err(e) => {
                let d = names::grammar_error(&e, text, pos);
                let at = d.span.as_ref().map_or(pos, |s| s.start);
                grammar_errors.push(d);
                broken.lost(first_word(rest));
                match resume_point(text, at.max(pos + 1)) {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    // An error the pre-scan explained already (a full-width quote, an open
    // string) makes the grammar fail on the same line; say it once.
    grammar_errors.retain(|d| {
        let line = d
            .span
            .as_ref()
            .map(|s| crate::diag::line_col(text, s.start).0);
        !line.is_some_and(|l| lexical_lines.contains(&l))
    });
    diagnostics.extend(grammar_errors);
    diagnostics.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    if let Some(at) = stopped_at {
        let line = crate::diag::line_col(text, at).0;
        diagnostics.push(
            Diagnostic::error(
                "too-many-problems",
                None,
                Msg::new(
                    format!(
                        "语法错误超过 {} 个，读到第 {line} 行为止",
                        crate::diag::MAX_DIAGNOSTICS
                    ),
                    format!(
                        "more than {} syntax errors: stopped reading at line {line}",
                        crate::diag::MAX_DIAGNOSTICS
                    ),
                ),
            )
            .with_help(Msg::new(
                "先改正上面列出的问题，再重新运行",
                "fix the problems above and run again",
            )),
        );
    }
    let whole = diagnostics.iter().all(|d| !d.is_error());
    let (file, partial) = match header {
        Some(header) if whole => (Some(RuleFile { header, items }), None),
        // A parse that gave up (too many errors) is not checked further:
        // its errors are enough to be going on with.
        Some(_) if stopped_at.is_some() => (None, None),
        Some(header) => (None, Some(RuleFile { header, items })),
        None => (None, None),
    };
    Parsed {
        file,
        diagnostics,
        partial,
        broken,
    }
}

/// The first word of `text` past white space and comments: the keyword of
/// the item that starts there.
fn first_word(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some(comment) = rest.strip_prefix('#') {
        rest = comment
            .find('\n')
            .map_or("", |i| &comment[i..])
            .trim_start();
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// A file without errors in one pest parse and one pass of the builder, or
/// `None` if anything fails: then the caller parses it one item at a time,
/// which finds every error. For a correct file both give the same tree (the
/// spans are absolute in both).
fn parse_whole(text: &str) -> Option<RuleFile> {
    parse_file(Rule::file, text)
}

/// [`parse_whole`] without the examples: each `example` block is one
/// `example_skipped` pair, left out. `None` if anything fails.
fn parse_lean(text: &str) -> Option<RuleFile> {
    parse_file(Rule::file_lean, text)
}

fn parse_file(rule: Rule, text: &str) -> Option<RuleFile> {
    let file = RuleParser::parse(rule, text).ok()?.next()?;
    let builder = build::Builder::new(0);
    let mut inner = file.into_inner();
    let header = builder.header(inner.next()?).ok()?;
    let items = inner
        .filter(|p| !matches!(p.as_rule(), Rule::EOI | Rule::example_skipped))
        .map(|p| builder.item(p).ok())
        .collect::<Option<Vec<_>>>()?;
    Some(RuleFile { header, items })
}

/// Parses one expression on its own (used by tests and tools).
pub fn parse_expr(text: &str) -> Result<Expr, Diagnostic> {
    let scan = prescan::scan(text);
    if let Some(d) = scan.diagnostics.into_iter().next() {
        return Err(d);
    }
    let mut pairs =
        parse_rule(Rule::expr_at, text).map_err(|e| names::grammar_error(&e, text, 0))?;
    let at = pairs.next().expect("expr_at yields one pair");
    let expr = at.into_inner().next().expect("expr_at holds an expr");
    build::Builder::new(0).expr(expr)
}

/// Parses `text` as `rule`. Pest's parse-attempt tracker, which the error
/// messages read (`names::grammar_error`), costs more than the parse itself,
/// so the text is parsed without it, and only a text that fails is parsed
/// again with it: the error is the one a tracked parse gives.
fn parse_rule(rule: Rule, text: &str) -> Result<Pairs<'_, Rule>, pest::error::Error<Rule>> {
    RuleParser::parse(rule, text).or_else(|_| parse_tracked(rule, text))
}

/// Held while pest's tracker is on. The switch is one process-wide flag
/// (an `AtomicBool` that each parse reads when it starts), so tracked
/// parses take turns, each switching it on and back off. A parse on another
/// thread that starts meanwhile is tracked too: slower, never different.
static TRACKING: Mutex<()> = Mutex::new(());

fn parse_tracked(rule: Rule, text: &str) -> Result<Pairs<'_, Rule>, pest::error::Error<Rule>> {
    let _turn = TRACKING.lock().unwrap_or_else(PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = RuleParser::parse(rule, text);
    pest::set_error_detail(false);
    result
}

/// The start of the first line after `from` that begins a top-level item.
fn resume_point(text: &str, from: usize) -> Option<usize> {
    // `from` may fall inside a character (one byte past an error's start).
    let from = text.ceil_char_boundary(from);
    let mut line_start = text[from..].find('\n').map(|i| from + i + 1)?;
    loop {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_start();
        let word: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if ITEM_WORDS.contains(&word.as_str()) {
            return Some(line_start + (line_end - line_start - line.len()));
        }
        if line_end >= text.len() {
            return None;
        }
        line_start = line_end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::{Examples, Item, RESERVED, RuleFile, parse, parse_lean, parse_with};

    /// `RESERVED` is the builder's copy of the words the grammar gives a
    /// meaning inside expressions: each is refused as a name (here a field's,
    /// and as part of a key), a name that merely starts with one is not, and
    /// the README lists exactly these words.
    #[test]
    fn every_reserved_word_is_refused_as_a_name() {
        for w in RESERVED {
            for key in [w.to_string(), format!("a.{w}")] {
                let text = format!("rules \"t\" {{}}\nfield {key} \"x\" bool\n");
                let codes: Vec<_> = parse(&text).diagnostics.iter().map(|d| d.code).collect();
                assert_eq!(codes, ["reserved-word"], "{key}");
            }
            let fine = format!("rules \"t\" {{}}\nfield {w}_x \"x\" bool\n");
            assert!(parse(&fine).file.is_some(), "{w}_x");
        }
        let readme = include_str!("../../README.md");
        let listed = readme
            .split("are reserved and are not names (nor parts of a key): `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .expect("the README lists the reserved words");
        let listed: Vec<&str> = listed.split_whitespace().collect();
        assert_eq!(listed, RESERVED);
    }

    /// The items of a full parse that are not examples.
    fn without_examples(file: RuleFile) -> RuleFile {
        let items = file
            .items
            .into_iter()
            .filter(|i| !matches!(i, Item::Example(_)))
            .collect();
        RuleFile { items, ..file }
    }

    /// The lean parse of the built-in rules takes the one-call path (no
    /// fallback) and gives the full tree less its examples, spans included.
    #[test]
    fn lean_parse_of_the_builtin_rules_is_the_full_tree_without_examples() {
        let text = crate::BUILTIN_RULES;
        let full = parse(text).file.expect("the built-in rules parse");
        let examples = full
            .items
            .iter()
            .filter(|i| matches!(i, Item::Example(_)))
            .count();
        assert_eq!(examples, 58);
        let lean = parse_lean(text).expect("the lean parse succeeds by itself");
        assert_eq!(lean, without_examples(full));
        assert_eq!(parse_with(text, Examples::Skip).file, Some(lean));
    }

    /// Strings in an example may hold `}`, `#` and escaped quotes; comments
    /// in it may hold `"`, `}` and `{`; a comment may sit between its name
    /// and its brace. Each block still ends at its own `}`, and what follows
    /// is parsed as it is in full.
    #[test]
    fn lean_parse_skips_braces_quotes_and_hashes_in_strings_and_comments() {
        let text = r#"rules "t" { version "1" }
field a "A" text
field b.c "B" integer
example "first }" # a comment with " and } and {
  { a = "x } # y" # } " here
    b.c = 3
    # "
    a = "\" } \\"
    expect accepted by "1.1" fired ["}"] missing [b.c]
}
example "second" from "first }" {
  without a # }
  expect incomplete
}
basis "1.1" "one }" {
  when a == "}" and b.c > 2 # "
  because "a } b #" en "c"
}
example"third"{expect accepted}
define d "D" = b.c > 1
"#;
        let parsed = parse(text);
        let full = parsed
            .file
            .unwrap_or_else(|| panic!("{:?}", parsed.diagnostics));
        let examples = full
            .items
            .iter()
            .filter(|i| matches!(i, Item::Example(_)))
            .count();
        assert_eq!(examples, 3);
        let lean = parse_lean(text).expect("the lean parse succeeds by itself");
        assert_eq!(lean.items.len(), 4);
        assert_eq!(lean, without_examples(full));
    }

    /// A text the lean parse cannot take (here an example whose string is
    /// left open before its `}`) is parsed in full, and its errors reported.
    #[test]
    fn a_text_the_lean_parse_refuses_is_parsed_in_full() {
        let text = "rules \"t\" {}\nfield a \"A\" text\nexample \"e\" { a = 3 }\n";
        assert!(parse_lean(text).is_some());
        let lean = parse_with(text, Examples::Skip);
        assert!(lean.file.is_some_and(|f| f.items.len() == 1));
        let broken = "rules \"t\" {}\nexample \"e\" { a = \"x }\n";
        assert!(parse_lean(broken).is_none());
        let parsed = parse_with(broken, Examples::Skip);
        assert!(parsed.file.is_none());
        assert_eq!(parsed.diagnostics, parse(broken).diagnostics);
    }

    /// Error messages need pest's tracker, a process-wide switch: a broken
    /// file gets the same diagnostics while good files parse on other threads.
    #[test]
    fn errors_do_not_depend_on_parses_running_beside_them() {
        let good = crate::BUILTIN_RULES;
        let bad = good.replacen("when claim.basis ==", "when claim.basis = ", 1);
        let expected = parse(&bad).diagnostics;
        assert!(expected.iter().any(|d| d.is_error()));
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for _ in 0..5 {
                        assert_eq!(parse(&bad).diagnostics, expected);
                        assert!(parse(good).file.is_some());
                    }
                });
            }
        });
    }
}
