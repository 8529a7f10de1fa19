//! Syntax tree → checked rules. Resolves every key, types every expression,
//! splits templates, builds example records, and gathers every error it
//! finds rather than stopping at the first.

mod notice;

use std::collections::HashMap;

/// The most values an enum or list field declares (a bit each in a `u64`).
const MAX_VALUES: usize = 64;

use crate::diag::{Diagnostic, Msg, did_you_mean};
use crate::model::*;
use crate::record::{Raw, Record, convert, convert_item};
use crate::syntax::{self, CmpOp, LitKind, Span};
use crate::value::{KeySet, Value};

/// Checks a parsed rule file. `digest` identifies the file's bytes. Prefer
/// [`check_source`], whose messages can name the line of an earlier
/// declaration.
pub fn check(file: &syntax::RuleFile, digest: String) -> Result<RuleSet, Vec<Diagnostic>> {
    check_file(file, None, digest)
}

/// Checks a parsed rule file, given the text it was parsed from (so that a
/// duplicate can say on which line the first one is).
pub fn check_source(
    file: &syntax::RuleFile,
    text: &str,
    digest: String,
) -> Result<RuleSet, Vec<Diagnostic>> {
    check_file(file, Some(text), digest)
}

/// For a file that did not parse in full: checks the items that did, so
/// that their mistakes are reported in the same run as the syntax errors,
/// less what the broken items' absence alone would cause — a key that a
/// broken `field` or `define` may have declared, a clause or an example
/// that a broken item may have been. Nothing when the header did not parse.
pub fn check_partial(parsed: &syntax::Parsed, text: &str) -> Vec<Diagnostic> {
    let Some(partial) = &parsed.partial else {
        return Vec::new();
    };
    let Err(diagnostics) = check_file(partial, Some(text), String::new()) else {
        return Vec::new();
    };
    let broken = parsed.broken;
    diagnostics
        .into_iter()
        .filter(|d| match d.code {
            "undeclared-key" | "template-name" => !broken.declarations,
            "unknown-clause" => !broken.clauses,
            "unknown-example" => !broken.examples,
            _ => true,
        })
        .collect()
}

fn check_file(
    file: &syntax::RuleFile,
    text: Option<&str>,
    digest: String,
) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut c = Checker {
        text,
        broken: std::collections::HashSet::new(),
        diags: Vec::new(),
        fields: Vec::new(),
        field_index: HashMap::new(),
        define_index: HashMap::new(),
        define_state: Vec::new(),
        defines: Vec::new(),
        define_order: Vec::new(),
    };
    let header = &file.header;
    let effective = header.effective.as_ref().and_then(|l| match l.kind {
        LitKind::Date(d) => Some(d),
        _ => None,
    });
    for item in &file.items {
        if let syntax::Item::Field(f) = item {
            c.field(f);
        }
    }
    let reference = header
        .reference
        .as_ref()
        .and_then(|key| c.date_key(key, "reference"));
    let ast_defines: Vec<&syntax::Define> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syntax::Item::Define(d) => Some(d),
            _ => None,
        })
        .collect();
    for d in &ast_defines {
        if let Some(&f) = c.field_index.get(&d.name.name) {
            let line = line_of(&c.fields[f].span);
            c.error_at(
                "duplicate-name",
                d.name.span.clone(),
                Msg::new(
                    format!("`{}` 已是字段名", d.name.name),
                    format!("`{}` is already a field", d.name.name),
                ),
                Some(line),
            );
        } else if c.define_index.contains_key(&d.name.name) {
            c.error_at(
                "duplicate-name",
                d.name.span.clone(),
                Msg::new(
                    format!("定义 `{}` 重复", d.name.name),
                    format!("`{}` is defined twice", d.name.name),
                ),
                None,
            );
        } else {
            c.define_index
                .insert(d.name.name.clone(), c.define_index.len());
        }
    }
    c.define_state = vec![DefState::Todo; c.define_index.len()];
    c.defines = vec![None; c.define_index.len()];
    for d in &ast_defines {
        if let Some(&id) = c.define_index.get(&d.name.name) {
            c.resolve_define(id, &ast_defines);
        }
    }

    let mut clauses = Vec::new();
    let mut scope: Option<Scope> = None;
    let mut ids: HashMap<String, Span> = HashMap::new();
    let mut due_names: HashMap<String, Span> = HashMap::new();
    for item in &file.items {
        let syntax::Item::Clause(cl) = item else {
            continue;
        };
        if let Some(first) = ids.get(&cl.id.value) {
            let line = line_of(first);
            c.error_at(
                "duplicate-clause",
                cl.id.span.clone(),
                Msg::new(
                    format!("条款编号 \"{}\" 重复", cl.id.value),
                    format!("clause id \"{}\" is used twice", cl.id.value),
                ),
                Some(line),
            );
        } else {
            ids.insert(cl.id.value.clone(), cl.id.span.clone());
        }
        match cl.kind.name.as_str() {
            "scope" => {
                if scope.is_some() {
                    c.error(
                        "duplicate-scope",
                        cl.kind.span.clone(),
                        Msg::new(
                            "只能有一个 scope 条款",
                            "there can be only one `scope` clause",
                        ),
                    );
                }
                scope = c.scope(cl);
            }
            kind => {
                let kind = match kind {
                    "basis" => ClauseKind::Basis,
                    "ground" => ClauseKind::Ground,
                    "evidence" => ClauseKind::Evidence,
                    "deadline" => ClauseKind::Deadline,
                    "warning" => ClauseKind::Warning,
                    other => {
                        let mut d = Diagnostic::error(
                            "unknown-clause-kind",
                            Some(cl.kind.span.clone()),
                            Msg::new(
                                format!("未知的条款类型 `{other}`"),
                                format!("unknown clause kind `{other}`"),
                            ),
                        );
                        let kinds = [
                            "basis", "ground", "evidence", "deadline", "scope", "warning",
                        ];
                        d = d.with_help(match did_you_mean(other, kinds) {
                            Some(k) => Msg::new(format!("是否想写 `{k}`？"), format!("did you mean `{k}`?")),
                            None => Msg::new(
                                "条款类型有 basis（受理依据）、ground（不予受理情形）、evidence（受理要求）、deadline（期限）、scope（受理范围）、warning（提醒，不影响结论）",
                                "clause kinds are basis, ground, evidence, deadline, scope and warning",
                            ),
                        });
                        c.diags.push(d);
                        continue;
                    }
                };
                if let Some(clause) = c.clause(cl, kind, &mut due_names) {
                    clauses.push(clause);
                }
            }
        }
    }

    // A period in force is judged against the record's reference date.
    if reference.is_none()
        && header.reference.is_none()
        && let Some(first) = clauses.iter().find(|cl| cl.in_force.is_some())
    {
        c.diags.push(
            Diagnostic::error(
                "period-without-reference",
                Some(first.id_span.clone()),
                Msg::new(
                    format!(
                        "条款 \"{}\" 写了施行期间（in force），但文件头没有写 reference（按记录的哪个日期判断）",
                        first.id
                    ),
                    format!(
                        "clause \"{}\" has a period in force, but the header names no `reference` date to judge it by",
                        first.id
                    ),
                ),
            )
            .with_help(Msg::new(
                "在文件头写 reference 加一个日期字段，如 reference received",
                "name the record's date in the header, e.g. `reference received`",
            )),
        );
    }

    // SPEC §6: a basis is only half of a rule without the clause that
    // rejects a complaint no basis covers.
    if scope.is_none()
        && let Some(first) = clauses.iter().find(|cl| cl.kind == ClauseKind::Basis)
    {
        c.diags.push(
            Diagnostic::error(
                "basis-without-scope",
                Some(first.id_span.clone()),
                Msg::new(
                    "有 basis（受理依据）条款却没有 scope（受理范围）条款：所有依据都不成立时，投诉应以哪一条不予受理？",
                    "there are `basis` clauses but no `scope` clause: which clause rejects a complaint that no basis covers?",
                ),
            )
            .with_help(Msg::new(
                "加一个 scope 条款（如 scope \"1.0\" \"受理范围\" { source \"…\" }），或删去 basis 条款：没有 basis 时，受理不需要依据",
                "add a `scope` clause (e.g. `scope \"1.0\" \"Scope\" { source \"…\" }`), or remove the `basis` clauses: without any, acceptance needs no basis",
            )),
        );
    }

    let mut examples: Vec<Example> = Vec::new();
    for item in &file.items {
        if let syntax::Item::Example(e) = item
            && let Some(ex) = c.example(e, &examples, &clauses, scope.as_ref())
        {
            examples.push(ex);
        }
    }

    let notices = c.notices(file, &clauses);

    if c.diags.iter().any(Diagnostic::is_error) {
        let mut diags = c.diags;
        diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        return Err(diags);
    }
    let defines = c
        .defines
        .into_iter()
        .map(|d| d.expect("every define resolved"))
        .collect();
    Ok(RuleSet {
        title: header.title.value.clone(),
        source: header.source.as_ref().map(|s| s.value.clone()),
        version: header.version.as_ref().map(|s| s.value.clone()),
        effective,
        reference,
        calendar: header.calendar.as_ref().map(|s| s.value.clone()),
        field_index: c.field_index,
        fields: c.fields,
        defines,
        define_order: c.define_order,
        clauses,
        scope,
        examples,
        notices,
        digest,
    })
}

/// Whether `key` names something inside the table `table` (`a.b` is inside `a`).
fn is_inside(key: &str, table: &str) -> bool {
    key.strip_prefix(table)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// Where an earlier occurrence starts, named in a help text as its line.
fn line_of(span: &Span) -> usize {
    span.start
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DefState {
    Todo,
    Busy,
    Done(Ty),
    Failed,
}

struct Checker<'t> {
    /// The checked text, when it is known (for line numbers and for
    /// pointing inside strings).
    text: Option<&'t str>,
    /// Fields whose declaration was refused: uses of them are not reported
    /// again as undeclared.
    broken: std::collections::HashSet<String>,
    diags: Vec<Diagnostic>,
    fields: Vec<Field>,
    field_index: HashMap<String, FieldId>,
    define_index: HashMap<String, DefId>,
    define_state: Vec<DefState>,
    defines: Vec<Option<Define>>,
    define_order: Vec<DefId>,
}

/// What a template may name besides fields and definitions.
#[derive(Clone, Copy)]
struct TemplateScope<'a> {
    due: Option<&'a str>,
    missing: bool,
}

impl Checker<'_> {
    fn error(&mut self, code: &'static str, span: Span, msg: Msg) {
        self.diags.push(Diagnostic::error(code, Some(span), msg));
    }

    /// An error about a second occurrence; `first` is where the first one
    /// starts, named in the help by its line.
    fn error_at(&mut self, code: &'static str, span: Span, msg: Msg, first: Option<usize>) {
        let mut d = Diagnostic::error(code, Some(span), msg);
        if let Some(at) = first {
            d = d.with_help(match &self.text {
                Some(text) => {
                    let line = crate::diag::line_col(text, at).0;
                    Msg::new(
                        format!("第一次出现在第 {line} 行；删去其中一个，或另取名称、编号"),
                        format!(
                            "first used on line {line}; remove one, or give it another name or id"
                        ),
                    )
                }
                None => Msg::new(
                    "前面已经出现过；删去其中一个，或另取名称、编号",
                    "it is used earlier in the file; remove one, or give it another name or id",
                ),
            });
        }
        self.diags.push(d);
    }
}

mod clauses;
mod examples;
mod exprs;
mod fields;
mod templates;

fn label(t: &syntax::Text) -> Label {
    Label {
        zh: t.zh.value.clone(),
        en: t.en.as_ref().map(|s| s.value.clone()),
    }
}

fn stmt_word(stmt: &syntax::ClauseStmt) -> (&'static str, Span) {
    use syntax::ClauseStmt as S;
    match stmt {
        S::Source(s) => ("source", s.span.clone()),
        S::When(e) => ("when", e.span.clone()),
        S::Require(e) => ("require", e.span.clone()),
        S::Due { name, .. } => ("due", name.span.clone()),
        S::AppliesTo(n) => ("applies", n.first().map_or(0..0, |n| n.span.clone())),
        S::InForce { from, until } => (
            "in force",
            from.as_ref()
                .or(until.as_ref())
                .map_or(0..0, |d| d.span.clone()),
        ),
        S::Recorded(k) => ("recorded", k.span.clone()),
        S::Because(t) => ("because", t.zh.span.clone()),
        S::Unknown(t) => ("unknown", t.zh.span.clone()),
        S::Otherwise(t) => ("otherwise", t.zh.span.clone()),
    }
}

/// The space Chinese text leaves before an inline `code` span that follows
/// it (a type's name may start with one: "`claim.basis` 的取值").
fn gap(zh: &str) -> &'static str {
    if zh.starts_with('`') { " " } else { "" }
}

/// A type in words.
pub fn ty_name(ty: Ty, fields: &[Field]) -> (String, String) {
    match ty {
        Ty::Bool => ("是/否".into(), "true/false".into()),
        Ty::Int => ("整数".into(), "a whole number".into()),
        Ty::Dec => ("数字".into(), "a number".into()),
        Ty::Date => ("日期".into(), "a date".into()),
        Ty::Text => ("文字".into(), "text".into()),
        Ty::Enum(f) => (
            format!("`{}` 的取值", fields[f].key),
            format!("a value of `{}`", fields[f].key),
        ),
        Ty::List(f) => (
            format!("列表 `{}`", fields[f].key),
            format!("the list `{}`", fields[f].key),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Piece;

    /// A text's escaped braces and a plain backslash are text; a hole is
    /// a field; text on either side of a hole is kept whole.
    #[test]
    fn explanation_text_keeps_escapes_and_finds_holes() {
        let rules = r#"rules "t" {}
field claim.basis "投诉类型" text
scope "0" "范围" {}
basis "1" "依据" {
  when claim.basis == "x"
  because "类型 \{原样\} 为{claim.basis}，路径 C:\\票据\}" en "kind {claim.basis}"
}
"#;
        let program = crate::load_rules("t.rules", rules.as_bytes()).expect("loads");
        let because = program.rules.clauses[0]
            .because
            .as_ref()
            .expect("has because");
        assert_eq!(
            because.zh,
            vec![
                Piece::Text("类型 {原样} 为".into()),
                Piece::Field(0),
                Piece::Text("，路径 C:\\票据}".into()),
            ]
        );
        assert_eq!(
            because.en.as_deref(),
            Some(&[Piece::Text("kind ".into()), Piece::Field(0)][..])
        );
    }
}
