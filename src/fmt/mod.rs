//! `shouli fmt`: one canonical layout for rule files, with comments kept.
//!
//! The layout is printed from the syntax tree: two-space indents, one
//! statement per line, an enum's values one per line, long `present [...]`
//! lists and long `or`/`and` chains wrapped, a blank line between items
//! (consecutive `field`s keep the author's grouping into blocks), strings
//! re-escaped, dates as YYYY-MM-DD. Parentheses and `else` stay as written:
//! the tree keeps them.
//!
//! The tree has no comments, so a small lexical scan (respecting strings,
//! as `syntax::prescan` does) collects them. Each comment is re-emitted
//! before the first line whose source position follows it; a comment that
//! ended a line of code stays at the end of the line it followed.
//!
//! [`diff`] draws a unified-style line diff for `--check`.

use unicode_width::UnicodeWidthStr as _;

use crate::diag::Diagnostic;
use crate::syntax::{
    self, Clause, ClauseStmt, Define, Example, ExampleStmt, Expr, ExprKind, FieldDecl, Header,
    Item, Lit, LitKind, Literal, Name, Notice, RuleFile, Span, Str, Text, Unit,
};

/// Lines longer than this (in display columns; a Chinese character is two)
/// are wrapped where the layout allows.
pub const WIDTH: usize = 100;

/// A condition longer than this is broken before each top-level `or` (or
/// `and`): legal staff read conditions one alternative per line.
pub const CONDITION_WIDTH: usize = 80;

const INDENT: usize = 2;

/// Formats a rule file. The file must parse; otherwise its diagnostics are
/// returned.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = syntax::parse(text);
    match parsed.file {
        Some(file) => Ok(format_tree(text, &file)),
        None => Err(parsed.diagnostics),
    }
}

/// Formats a parsed rule file; `text` is the source it was parsed from (for
/// comments and the author's blank lines).
pub fn format_tree(text: &str, file: &RuleFile) -> String {
    let mut p = Printer {
        text,
        comments: comments(text),
        next: 0,
        lines: Vec::new(),
    };
    p.file(file);
    p.finish()
}

// ---- comments ------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Comment {
    /// Byte offset of the `#`.
    start: usize,
    /// Byte offset of the end of its line.
    end: usize,
    /// The comment as written, without trailing whitespace.
    text: String,
    /// Nothing but whitespace before it on its line.
    own_line: bool,
    /// A blank line follows it.
    blank_after: bool,
}

/// Every `#` comment outside strings, in order.
fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                let own_line = text[line_start..i]
                    .trim()
                    .trim_start_matches('\u{FEFF}')
                    .is_empty();
                let rest = &text[end..];
                let gap = &rest[..rest.len() - rest.trim_start().len()];
                out.push(Comment {
                    start: i,
                    end,
                    text: text[i..end].trim_end().to_string(),
                    own_line,
                    blank_after: gap.matches('\n').count() >= 2,
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

// ---- printing ------------------------------------------------------------------

#[derive(Debug)]
struct Line {
    indent: usize,
    /// Empty for a blank line.
    code: String,
    /// A comment at the end of the line.
    trailing: Option<String>,
    /// The line is itself a comment.
    is_comment: bool,
}

struct Printer<'a> {
    text: &'a str,
    comments: Vec<Comment>,
    /// The first comment not yet printed.
    next: usize,
    lines: Vec<Line>,
}

fn width(s: &str) -> usize {
    s.width()
}

impl Printer<'_> {
    fn finish(mut self) -> String {
        self.flush(usize::MAX, 0, true);
        while self.lines.last().is_some_and(|l| l.code.is_empty()) {
            self.lines.pop();
        }
        let mut out = String::new();
        for l in &self.lines {
            if !l.code.is_empty() {
                out.push_str(&" ".repeat(l.indent));
                out.push_str(&l.code);
                if let Some(t) = &l.trailing {
                    out.push(' ');
                    out.push_str(t);
                }
            }
            out.push('\n');
        }
        out
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.code.is_empty()) {
            self.lines.push(Line {
                indent: 0,
                code: String::new(),
                trailing: None,
                is_comment: false,
            });
        }
    }

    /// Prints every comment that starts before `pos`: own-line comments at
    /// `indent`, end-of-line comments after the line they followed.
    /// `closing`: nothing but a closing brace follows, so no blank line.
    fn flush(&mut self, pos: usize, indent: usize, closing: bool) {
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= pos {
                break;
            }
            let c = c.clone();
            self.next += 1;
            let last = self.lines.last_mut();
            match last {
                Some(l)
                    if !c.own_line
                        && !l.is_comment
                        && !l.code.is_empty()
                        && l.trailing.is_none() =>
                {
                    l.trailing = Some(c.text);
                }
                _ => {
                    // An end-of-line comment that cannot stay at the end of
                    // a line (the line has one already) goes on its own line,
                    // where the next run will find it: same indent either way.
                    self.lines.push(Line {
                        indent,
                        code: c.text,
                        trailing: None,
                        is_comment: true,
                    });
                    let more = self.comments.get(self.next).is_some_and(|n| n.start < pos);
                    if c.blank_after && indent == 0 && (more || !closing) {
                        self.blank();
                    }
                }
            }
        }
    }

    /// Prints only the end-of-line comments that come next, before `pos`.
    /// One that cannot stay at the end of a line (the line has one already)
    /// is left to lead the next item, as it will on the next run.
    fn flush_trailing(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next) {
            let attaches = self
                .lines
                .last()
                .is_some_and(|l| !l.is_comment && !l.code.is_empty() && l.trailing.is_none());
            if c.start >= pos || c.own_line || !attaches {
                break;
            }
            self.flush(c.start + 1, 0, false);
        }
    }

    /// A line of code at `indent`, whose source starts at `anchor`.
    fn line(&mut self, indent: usize, code: String, anchor: usize) {
        self.flush(anchor, indent, false);
        self.lines.push(Line {
            indent,
            code,
            trailing: None,
            is_comment: false,
        });
    }

    /// The closing line of a block whose `}` (or `]`) is at `close`.
    fn close(&mut self, indent: usize, code: &str, close: usize) {
        self.flush(close, indent + INDENT, true);
        self.lines.push(Line {
            indent,
            code: code.to_string(),
            trailing: None,
            is_comment: false,
        });
    }

    /// Whether a comment starts inside the code of `span`.
    fn has_comment_in(&self, span: &Span) -> bool {
        self.has_comment_between(span.start, self.code_end(span))
    }

    /// Whether a comment not yet printed starts after `start`, before `end`.
    fn has_comment_between(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start > start && c.start < end)
    }

    /// Where the keyword `word` that comes before `content` starts: back
    /// over white space and comments from `content`. A statement's line is
    /// anchored there, so a comment between its keyword and what follows
    /// stays with it (at the end of its line) instead of going up a line.
    /// `content` itself if the text there is not `word`.
    fn keyword_start(&self, word: &str, content: usize) -> usize {
        let mut pos = content.min(self.text.len());
        loop {
            pos = self.text[..pos].trim_end().len();
            match self.comments.iter().find(|c| c.start < pos && pos <= c.end) {
                Some(c) => pos = c.start,
                None => break,
            }
        }
        match pos.checked_sub(word.len()) {
            Some(start) if self.text.get(start..pos) == Some(word) => start,
            _ => content,
        }
    }

    /// The end of the last token in `span`. A pest pair that ends in an
    /// optional part (`field_attr*`, an `or` chain) also holds the
    /// whitespace and comments after it.
    fn code_end(&self, span: &Span) -> usize {
        let mut end = span.end.min(self.text.len());
        loop {
            let trimmed = self.text[span.start..end].trim_end().len() + span.start;
            match self
                .comments
                .iter()
                .find(|c| c.start >= span.start && c.start < trimmed && trimmed <= c.end)
            {
                Some(c) => end = c.start,
                None => return trimmed,
            }
        }
    }

    /// The offset of the next `ch` at or after `from`, skipping comments.
    fn find(&self, from: usize, ch: u8) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            if bytes[i] == b'#' {
                i = self.text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            if bytes[i] == ch {
                return i;
            }
            i += 1;
        }
        bytes.len()
    }

    // ---- items ---------------------------------------------------------------

    fn file(&mut self, file: &RuleFile) {
        self.header(&file.header);
        let mut prev_end = file.header.span.end;
        let mut prev_field = false;
        for item in &file.items {
            let start = item.span().start;
            let is_field = matches!(item, Item::Field(_));
            self.flush_trailing(start);
            let first = self
                .comments
                .get(self.next)
                .filter(|c| c.start < start)
                .map_or(start, |c| c.start);
            let gap = &self.text[prev_end.min(first)..first];
            let author_blank = gap.matches('\n').count() >= 2;
            if author_blank || !(prev_field && is_field) {
                self.blank();
            }
            match item {
                Item::Field(f) => self.field(f),
                Item::Define(d) => self.define(d),
                Item::Clause(c) => self.clause(c),
                Item::Notice(n) => self.notice(n),
                Item::Example(e) => self.example(e),
            }
            prev_end = self.code_end(item.span());
            prev_field = is_field;
        }
    }

    fn header(&mut self, h: &Header) {
        let open = format!("rules {} {{", quote(&h.title.value));
        let empty = h.source.is_none()
            && h.version.is_none()
            && h.effective.is_none()
            && h.reference.is_none()
            && h.calendar.is_none();
        let close_at = h.span.end.saturating_sub(1);
        if empty && !self.has_comment_in(&h.span) {
            self.line(
                0,
                format!("rules {} {{}}", quote(&h.title.value)),
                h.span.start,
            );
            return;
        }
        self.line(0, open, h.span.start);
        // In the order written: the tree keeps each entry's span.
        let mut entries: Vec<(usize, String)> = Vec::new();
        if let Some(s) = &h.source {
            let at = self.keyword_start("source", s.span.start);
            entries.push((at, format!("source {}", quote(&s.value))));
        }
        if let Some(v) = &h.version {
            let at = self.keyword_start("version", v.span.start);
            entries.push((at, format!("version {}", quote(&v.value))));
        }
        if let Some(e) = &h.effective {
            let at = self.keyword_start("effective", e.span.start);
            entries.push((at, format!("effective {}", lit(e))));
        }
        if let Some(r) = &h.reference {
            let at = self.keyword_start("reference", r.span.start);
            entries.push((at, format!("reference {}", r.name)));
        }
        if let Some(c) = &h.calendar {
            let at = self.keyword_start("calendar", c.span.start);
            entries.push((at, format!("calendar {}", quote(&c.value))));
        }
        entries.sort_by_key(|e| e.0);
        for (anchor, code) in entries {
            self.line(INDENT, code, anchor);
        }
        self.close(0, "}", close_at);
    }

    fn field(&mut self, f: &FieldDecl) {
        let mut head = format!("field {} {} {}", f.key.name, text(&f.label), f.ty.name);
        let mut attrs = String::new();
        if let Some(min) = &f.min {
            attrs.push_str(&format!(" min {}", lit(min)));
        }
        if let Some(max) = &f.max {
            attrs.push_str(&format!(" max {}", lit(max)));
        }
        if let Some(p) = &f.personal {
            attrs.push_str(&format!(" personal {}", p.name));
        }
        if f.form.is_some() {
            attrs.push_str(" form");
        }
        if f.office.is_some() {
            attrs.push_str(" office");
        }
        let Some(values) = &f.values else {
            head.push_str(&attrs);
            self.line(0, head, f.span.start);
            return;
        };
        let open_at = self.find(f.ty.span.end, b'{');
        let close_at = self.find(
            values.last().map_or(open_at + 1, |v| text_end(&v.label)),
            b'}',
        );
        if values.is_empty() && !self.has_comment_in(&(open_at..close_at)) {
            self.line(0, format!("{head} {{}}{attrs}"), f.span.start);
            return;
        }
        self.line(0, format!("{head} {{"), f.span.start);
        for v in values {
            self.line(
                INDENT,
                format!("{} {}", v.code.name, text(&v.label)),
                v.code.span.start,
            );
        }
        self.close(0, &format!("}}{attrs}"), close_at);
    }

    fn define(&mut self, d: &Define) {
        let mut head = format!("define {}", d.name.name);
        if let Some(label) = &d.label {
            head.push(' ');
            head.push_str(&text(label));
        }
        let prefix = format!("{head} = ");
        let breakable = matches!(
            d.expr.kind,
            ExprKind::Or(_) | ExprKind::And(_) | ExprKind::Present(_)
        );
        // A comment right after `=` keeps the expression on the lines below.
        let after_equals = self.has_comment_between(d.span.start, d.expr.span.start);
        if !after_equals && (breakable || width(&prefix) + width(&expr(&d.expr)) <= WIDTH) {
            self.expr_lines(prefix, &d.expr, 0, d.span.start);
        } else {
            self.line(0, format!("{head} ="), d.span.start);
            self.expr_lines(String::new(), &d.expr, INDENT, d.expr.span.start);
        }
    }

    fn notice(&mut self, n: &Notice) {
        self.line(
            0,
            format!("notice {} {} {{", n.outcome.name, text(&n.title)),
            n.span.start,
        );
        if let Some((from, until)) = &n.in_force {
            self.in_force(from.as_ref(), until.as_ref());
        }
        for l in &n.lines {
            self.text_line(&l.kind.name, &l.text);
        }
        self.close(0, "}", n.span.end.saturating_sub(1));
    }

    /// `in force from D until D` (either end may be left out), indented
    /// as a statement of a clause or a notice.
    fn in_force(&mut self, from: Option<&Lit>, until: Option<&Lit>) {
        let first = from.or(until).map_or(0, |d| d.span.start);
        let word = if from.is_some() { "from" } else { "until" };
        let at = self.keyword_start(
            "in",
            self.keyword_start("force", self.keyword_start(word, first)),
        );
        let mut code = "in force".to_string();
        if let Some(d) = from {
            code.push_str(&format!(" from {}", lit(d)));
        }
        if let Some(d) = until {
            code.push_str(&format!(" until {}", lit(d)));
        }
        self.line(INDENT, code, at);
    }

    fn clause(&mut self, c: &Clause) {
        self.line(
            0,
            format!(
                "{} {} {} {{",
                c.kind.name,
                quote(&c.id.value),
                text(&c.title)
            ),
            c.span.start,
        );
        for stmt in &c.body {
            self.clause_stmt(stmt);
        }
        self.close(0, "}", c.span.end.saturating_sub(1));
    }

    fn clause_stmt(&mut self, stmt: &ClauseStmt) {
        let i = INDENT;
        match stmt {
            ClauseStmt::Source(s) => {
                let at = self.keyword_start("source", s.span.start);
                self.line(i, format!("source {}", quote(&s.value)), at)
            }
            ClauseStmt::When(e) => {
                let at = self.keyword_start("when", e.span.start);
                self.expr_lines("when ".into(), e, i, at)
            }
            ClauseStmt::Require(e) => {
                let at = self.keyword_start("require", e.span.start);
                self.expr_lines("require ".into(), e, i, at)
            }
            ClauseStmt::Due { name, expr } => {
                let at = self.keyword_start("due", name.span.start);
                self.expr_lines(format!("due {} = ", name.name), expr, i, at)
            }
            ClauseStmt::AppliesTo(names) => {
                let first = names.first().map_or(0, |n| n.span.start);
                let to = self.keyword_start("to", first);
                let at = self.keyword_start("applies", to);
                self.line(i, format!("applies to {}", join_names(names)), at);
            }
            ClauseStmt::InForce { from, until } => self.in_force(from.as_ref(), until.as_ref()),
            ClauseStmt::Recorded(key) => {
                let at = self.keyword_start("recorded", key.span.start);
                self.line(i, format!("recorded {}", key.name), at);
            }
            ClauseStmt::Because(t) => self.text_line("because", t),
            ClauseStmt::Unknown(t) => self.text_line("unknown", t),
            ClauseStmt::Otherwise(t) => self.text_line("otherwise", t),
        }
    }

    /// `because "…" en "…"`, the English on its own line when both do not fit.
    fn text_line(&mut self, word: &str, t: &Text) {
        let zh = format!("{word} {}", quote(&t.zh.value));
        let at = self.keyword_start(word, t.zh.span.start);
        match &t.en {
            None => self.line(INDENT, zh, at),
            Some(en) => {
                let one = format!("{zh} en {}", quote(&en.value));
                if INDENT + width(&one) <= WIDTH {
                    self.line(INDENT, one, at);
                } else {
                    self.line(INDENT, zh, at);
                    self.line(
                        2 * INDENT,
                        format!("en {}", quote(&en.value)),
                        en.span.start,
                    );
                }
            }
        }
    }

    fn example(&mut self, e: &Example) {
        let mut head = format!("example {}", quote(&e.name.value));
        if let Some(from) = &e.from {
            head.push_str(&format!(" from {}", quote(&from.value)));
        }
        if e.body.is_empty() && !self.has_comment_in(&e.span) {
            self.line(0, format!("{head} {{}}"), e.span.start);
            return;
        }
        self.line(0, format!("{head} {{"), e.span.start);
        for stmt in &e.body {
            match stmt {
                ExampleStmt::Assign { key, value } => {
                    let value = match value {
                        Literal::One(l) => lit(l),
                        Literal::List(items, _) => list(items),
                    };
                    self.line(INDENT, format!("{} = {value}", key.name), key.span.start);
                }
                ExampleStmt::Without(keys) => {
                    let first = keys.first().map_or(0, |k| k.span.start);
                    let at = self.keyword_start("without", first);
                    self.line(INDENT, format!("without {}", join_names(keys)), at);
                }
                ExampleStmt::Expect(x) => {
                    let mut s = format!("expect {}", x.outcome.name);
                    if let Some(by) = &x.by {
                        s.push_str(&format!(" by {}", quote(&by.value)));
                    }
                    if let Some(fired) = &x.fired {
                        let ids: Vec<String> = fired.iter().map(|f| quote(&f.value)).collect();
                        s.push_str(&format!(" fired [{}]", ids.join(", ")));
                    }
                    if let Some(missing) = &x.missing {
                        s.push_str(&format!(" missing [{}]", join_names(missing)));
                    }
                    self.line(INDENT, s, x.span.start);
                }
            }
        }
        self.close(0, "}", e.span.end.saturating_sub(1));
    }

    // ---- expressions -----------------------------------------------------------

    /// A statement `prefix` + expression at `indent`: on one line when it
    /// fits and holds no comment; else a top-level `present [...]` list is
    /// filled over several lines, and a top-level `or` (or `and`) chain is
    /// broken before each operator, continuation lines indented once more.
    fn expr_lines(&mut self, prefix: String, e: &Expr, indent: usize, anchor: usize) {
        let flat = format!("{prefix}{}", expr(e));
        // A comment between the operands of a chain (or the items of a
        // list) can only stay there if the chain is broken. One inside the
        // last operand moves after it, and then decides nothing: breaking
        // for it would not survive a second run.
        let commented = match &e.kind {
            ExprKind::Or(ops) | ExprKind::And(ops) => ops
                .last()
                .is_some_and(|last| self.has_comment_between(e.span.start, last.span.start)),
            ExprKind::Present(_) => self.has_comment_in(&e.span),
            _ => false,
        };
        let limit = match e.kind {
            ExprKind::Or(_) | ExprKind::And(_) => CONDITION_WIDTH,
            _ => WIDTH,
        };
        if indent + width(&flat) <= limit && !commented {
            self.line(indent, flat, anchor);
            return;
        }
        match &e.kind {
            ExprKind::Present(keys) if !keys.is_empty() => {
                self.line(indent, format!("{prefix}present ["), anchor);
                let inner = indent + INDENT;
                let mut current = String::new();
                let mut current_anchor = 0;
                for k in keys {
                    let item = format!("{},", k.name);
                    let starts_comment = self.comments[self.next..]
                        .iter()
                        .any(|c| c.start > current_anchor && c.start < k.span.start)
                        && !current.is_empty();
                    if !current.is_empty()
                        && (inner + width(&current) + 1 + width(&item) > WIDTH || starts_comment)
                    {
                        let line = std::mem::take(&mut current);
                        self.line(inner, line, current_anchor);
                    }
                    if current.is_empty() {
                        current = item;
                        current_anchor = k.span.start;
                    } else {
                        current.push(' ');
                        current.push_str(&item);
                    }
                }
                if !current.is_empty() {
                    self.line(inner, current, current_anchor);
                }
                self.close(indent, "]", e.span.end.saturating_sub(1));
            }
            ExprKind::Or(ops) | ExprKind::And(ops) => {
                let word = if matches!(e.kind, ExprKind::Or(_)) {
                    "or"
                } else {
                    "and"
                };
                let mut ops = ops.iter();
                if let Some(first) = ops.next() {
                    self.line(indent, format!("{prefix}{}", expr(first)), anchor);
                }
                for op in ops {
                    self.line(
                        indent + INDENT,
                        format!("{word} {}", expr(op)),
                        op.span.start,
                    );
                }
            }
            _ => self.line(indent, flat, anchor),
        }
    }
}

/// An expression on one line, exactly as the tree has it: parentheses are
/// nodes of their own, so nothing is added or dropped.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Lit(l) => lit(l),
        ExprKind::Key(k) => k.clone(),
        ExprKind::Present(keys) => format!("present [{}]", join_names(keys)),
        ExprKind::Paren(x) => format!("({})", expr(x)),
        ExprKind::Not(x) => format!("not {}", expr(x)),
        ExprKind::And(xs) => xs.iter().map(expr).collect::<Vec<_>>().join(" and "),
        ExprKind::Or(xs) => xs.iter().map(expr).collect::<Vec<_>>().join(" or "),
        ExprKind::Cmp(a, op, b) => format!("{} {} {}", expr(a), op.symbol(), expr(b)),
        ExprKind::In {
            value,
            list: items,
            negated,
        } => format!(
            "{} {}in {}",
            expr(value),
            if *negated { "not " } else { "" },
            list(items)
        ),
        ExprKind::ContainsAny(x, items) => format!("{} contains any {}", expr(x), list(items)),
        ExprKind::Contains(a, b) => format!("{} contains {}", expr(a), expr(b)),
        ExprKind::Shift {
            date,
            negative,
            amount,
            unit,
        } => {
            let one = matches!(
                amount.kind,
                ExprKind::Lit(Lit {
                    kind: LitKind::Int(1),
                    ..
                })
            );
            let unit = match (unit, one) {
                (Unit::Days, true) => "day",
                (Unit::Days, false) => "days",
                (Unit::Months, true) => "month",
                (Unit::Months, false) => "months",
                (Unit::Years, true) => "year",
                (Unit::Years, false) => "years",
                (Unit::Workdays, true) => "workday",
                (Unit::Workdays, false) => "workdays",
            };
            let sign = if *negative { '-' } else { '+' };
            format!("{} {sign} {} {unit}", expr(date), expr(amount))
        }
        ExprKind::Else(a, b) => format!("{} else {}", expr(a), expr(b)),
    }
}

/// A literal as canonically written: strings re-escaped, decimals with two
/// places, dates as YYYY-MM-DD.
pub fn lit(l: &Lit) -> String {
    match &l.kind {
        LitKind::Str(s) => quote(s),
        LitKind::Int(i) => i.to_string(),
        LitKind::Dec(d) => {
            let sign = if *d < 0 { "-" } else { "" };
            let abs = d.unsigned_abs();
            format!("{sign}{}.{:02}", abs / 100, abs % 100)
        }
        LitKind::Bool(b) => b.to_string(),
        LitKind::Date(d) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
    }
}

fn list(items: &[Lit]) -> String {
    format!("[{}]", items.iter().map(lit).collect::<Vec<_>>().join(", "))
}

fn join_names(names: &[Name]) -> String {
    names
        .iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn text(t: &Text) -> String {
    match &t.en {
        Some(en) => format!("{} en {}", quote(&t.zh.value), quote(&en.value)),
        None => quote(&t.zh.value),
    }
}

fn text_end(t: &Text) -> usize {
    t.en.as_ref().map_or(t.zh.span.end, |s: &Str| s.span.end)
}

/// A string value written back with escapes: `"` `\` newline and tab. A
/// backslash before a brace (`\{`, a literal brace in a template) stays as
/// the one escape the template language reads.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' if matches!(chars.peek(), Some('{' | '}')) => out.push('\\'),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

mod diff;
pub use diff::diff;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_round_trips_escapes() {
        assert_eq!(quote("a\"b\\c\n\t"), r#""a\"b\\c\n\t""#);
        assert_eq!(quote("\\{x\\}"), r#""\{x\}""#);
    }
}
