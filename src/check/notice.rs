//! `notice` items → [`Notice`]s: each line's text split into pieces, every
//! hole resolved. A personal field may be filled in only on a `to` line (the
//! addressee block), and an `each.…` hole only on an `each` line.

use std::collections::HashMap;

use super::Checker;
use crate::diag::{Diagnostic, Msg, did_you_mean};
use crate::model::{
    Clause, ClauseKind, EachHole, LineKind, Notice, NoticeLine, NoticePiece, Outcome,
};
use crate::syntax;
use crate::value::Date;

impl Checker<'_> {
    pub(super) fn notices(&mut self, file: &syntax::RuleFile, clauses: &[Clause]) -> Vec<Notice> {
        let dues: HashMap<&str, usize> = clauses
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == ClauseKind::Deadline)
            .filter_map(|(i, c)| c.due.as_ref().map(|d| (d.name.as_str(), i)))
            .collect();
        let mut out: Vec<Notice> = Vec::new();
        for item in &file.items {
            let syntax::Item::Notice(n) = item else {
                continue;
            };
            let Some(outcome) = Outcome::from_code(&n.outcome.name) else {
                self.error(
                    "unknown-outcome",
                    n.outcome.span.clone(),
                    Msg::new(
                        format!(
                            "通知书的结论应为 accepted、rejected 或 incomplete，而不是 `{}`",
                            n.outcome.name
                        ),
                        format!(
                            "a notice's outcome is accepted, rejected or incomplete, not `{}`",
                            n.outcome.name
                        ),
                    ),
                );
                continue;
            };
            let date = |l: &Option<syntax::Lit>| match l.as_ref().map(|l| &l.kind) {
                Some(syntax::LitKind::Date(d)) => Some(*d),
                _ => None,
            };
            let in_force = n.in_force.as_ref().map(|(f, u)| (date(f), date(u)));
            // Two notices for one outcome must be in force on different days.
            let overlaps = |a: Option<(Option<Date>, Option<Date>)>,
                            b: Option<(Option<Date>, Option<Date>)>| {
                let (af, au) = a.unwrap_or((None, None));
                let (bf, bu) = b.unwrap_or((None, None));
                let start = af.max(bf);
                let end = match (au, bu) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                };
                end.is_none_or(|e| start.is_none_or(|s| s <= e))
            };
            if let Some(first) = out
                .iter()
                .find(|x| x.outcome == outcome && overlaps(x.in_force, in_force))
            {
                let at = first.span.start;
                self.error_at(
                    "duplicate-notice",
                    n.outcome.span.clone(),
                    Msg::new(
                        format!("结论 {} 的通知书写了两次（施行期间重叠）", outcome.code()),
                        format!(
                            "the notice for {} is written twice (their periods in force overlap)",
                            outcome.code()
                        ),
                    ),
                    Some(at),
                );
                continue;
            }
            let mut lines = Vec::new();
            let mut ok = true;
            for l in &n.lines {
                let kind = LineKind::from_word(&l.kind.name).expect("the grammar's line words");
                let zh = self.notice_pieces(&l.text.zh, kind, &dues);
                let en = match &l.text.en {
                    Some(en) => self.notice_pieces(en, kind, &dues).map(Some),
                    None => Some(None),
                };
                match (zh, en) {
                    (Some(zh), Some(en)) => lines.push(NoticeLine { kind, zh, en }),
                    _ => ok = false,
                }
            }
            if ok {
                out.push(Notice {
                    outcome,
                    in_force,
                    title: crate::model::Label {
                        zh: n.title.zh.value.clone(),
                        en: n.title.en.as_ref().map(|s| s.value.clone()),
                    },
                    lines,
                    span: n.span.clone(),
                });
            }
        }
        out
    }

    fn notice_pieces(
        &mut self,
        s: &syntax::Str,
        kind: LineKind,
        dues: &HashMap<&str, usize>,
    ) -> Option<Vec<NoticePiece>> {
        let raw = &s.value;
        let mut out = Vec::new();
        let mut text = String::new();
        let mut ok = true;
        let mut rest = raw.as_str();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("\\{") {
                text.push('{');
                rest = r;
                continue;
            }
            if let Some(r) = rest.strip_prefix("\\}") {
                text.push('}');
                rest = r;
                continue;
            }
            if let Some(r) = rest.strip_prefix('\\') {
                // A backslash that escapes no brace is itself.
                text.push('\\');
                rest = r;
                continue;
            }
            if !rest.starts_with('{') {
                let next = rest.find(['{', '\\']).unwrap_or(rest.len());
                text.push_str(&rest[..next]);
                rest = &rest[next..];
                continue;
            }
            let Some(close) = rest.find('}') else {
                self.error(
                    "bad-template",
                    s.span.clone(),
                    Msg::new(
                        "通知书文字中的 `{` 没有对应的 `}`（字面的花括号写作 \\{ 和 \\}）",
                        "a `{` in the notice's text has no closing `}` (write \\{ and \\} for literal braces)",
                    ),
                );
                return None;
            };
            let name = rest[1..close].trim();
            let at = self.hole_span(s, Some(&rest[..close + 1]));
            rest = &rest[close + 1..];
            if !text.is_empty() {
                out.push(NoticePiece::Text(std::mem::take(&mut text)));
            }
            if let Some(&f) = self.field_index.get(name) {
                if self.fields[f].personal.is_some() && kind != LineKind::To {
                    ok = false;
                    self.diags.push(
                        Diagnostic::error(
                            "notice-personal",
                            Some(at),
                            Msg::new(
                                format!("个人信息字段 `{{{name}}}` 只能写在通知书的 to（收件人）行"),
                                format!(
                                    "the personal field `{{{name}}}` may be filled in only on a notice's `to` line"
                                ),
                            ),
                        )
                        .with_help(Msg::new(
                            "把它移到 to 行，这样 --redact 只需遮盖收件人一处",
                            "move it to the `to` line, so that --redact has one place to mask",
                        )),
                    );
                    continue;
                }
                out.push(NoticePiece::Field(f));
            } else if let Some(&d) = self.define_index.get(name) {
                out.push(NoticePiece::Define(d));
            } else if let Some(&i) = dues.get(name) {
                out.push(NoticePiece::Due(i));
            } else if name == "notice.date" {
                out.push(NoticePiece::Date);
            } else if name == "notice.items" {
                out.push(NoticePiece::Items);
            } else if let Some(&(_, hole)) = EachHole::WORDS.iter().find(|(w, _)| *w == name) {
                if kind != LineKind::Each {
                    ok = false;
                    self.error(
                        "notice-hole",
                        at,
                        Msg::new(
                            format!("`{{{name}}}` 只能写在 each 行"),
                            format!("`{{{name}}}` may be written only on an `each` line"),
                        ),
                    );
                    continue;
                }
                out.push(NoticePiece::Each(hole));
            } else if self.broken.contains(name) {
                ok = false;
            } else {
                ok = false;
                let mut names: Vec<&str> = self.field_index.keys().map(String::as_str).collect();
                names.extend(self.define_index.keys().map(String::as_str));
                names.extend(dues.keys());
                names.extend(["notice.date", "notice.items"]);
                names.extend(EachHole::WORDS.iter().map(|(w, _)| *w));
                let mut d = Diagnostic::error(
                    "template-name",
                    Some(at),
                    Msg::new(
                        format!(
                            "通知书中的 `{{{name}}}` 不是已声明的字段、定义、期限名称或通知书的空位"
                        ),
                        format!(
                            "`{{{name}}}` in the notice is not a declared field, definition, deadline name or notice hole"
                        ),
                    ),
                );
                if let Some(close) = did_you_mean(name, names) {
                    d = d.with_help(Msg::new(
                        format!("是否想写 `{{{close}}}`？"),
                        format!("did you mean `{{{close}}}`?"),
                    ));
                }
                self.diags.push(d);
            }
        }
        if !text.is_empty() {
            out.push(NoticePiece::Text(text));
        }
        ok.then_some(out)
    }
}
