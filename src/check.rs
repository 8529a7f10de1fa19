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

    // ---- fields ----------------------------------------------------------------

    fn field(&mut self, f: &syntax::FieldDecl) {
        let key = &f.key.name;
        if let Some(&first) = self.field_index.get(key) {
            let at = self.fields[first].span.start;
            self.error_at(
                "duplicate-field",
                f.key.span.clone(),
                Msg::new(
                    format!("字段 `{key}` 重复声明"),
                    format!("field `{key}` is declared twice"),
                ),
                Some(at),
            );
            return;
        }
        for other in &self.fields {
            let (a, b) = (&other.key, key);
            if is_inside(a, b) || is_inside(b, a) {
                self.error(
                    "field-prefix",
                    f.key.span.clone(),
                    Msg::new(
                        format!("字段 `{b}` 与 `{a}` 冲突：一个键不能既是值又是表"),
                        format!("field `{b}` clashes with `{a}`: a key cannot be both a value and a table"),
                    ),
                );
                return;
            }
        }
        if self.fields.len() >= KeySet::CAPACITY {
            self.error(
                "too-many-fields",
                f.key.span.clone(),
                Msg::new(
                    format!("字段超过 {} 个", KeySet::CAPACITY),
                    format!("more than {} fields", KeySet::CAPACITY),
                ),
            );
            return;
        }
        let values = match &f.values {
            // Refused before anything is done per value, so a list of any
            // length costs no more than reading it.
            Some(values) if values.len() > MAX_VALUES => {
                self.error(
                    "too-many-values",
                    f.ty.span.clone(),
                    Msg::new(
                        format!("取值超过 {MAX_VALUES} 个（这里有 {} 个）", values.len()),
                        format!("more than {MAX_VALUES} values ({} here)", values.len()),
                    ),
                );
                // The field stays undeclared, its uses unreported (`broken`).
                self.broken.insert(key.clone());
                return;
            }
            Some(values) => {
                let mut out: Vec<EnumValue> = Vec::new();
                for v in values {
                    if out.iter().any(|o| o.code == v.code.name) {
                        self.error(
                            "duplicate-value",
                            v.code.span.clone(),
                            Msg::new(
                                format!("取值 `{}` 重复", v.code.name),
                                format!("value `{}` is listed twice", v.code.name),
                            ),
                        );
                    }
                    out.push(EnumValue {
                        code: v.code.name.clone(),
                        label: label(&v.label),
                    });
                }
                Some(out)
            }
            None => None,
        };
        self.broken.insert(key.clone());
        let ty = match (f.ty.name.as_str(), values) {
            ("text", None) => FieldType::Text,
            ("integer", None) => FieldType::Integer,
            ("decimal", None) => FieldType::Decimal,
            ("bool", None) => FieldType::Bool,
            ("date", None) => FieldType::Date,
            ("enum", Some(v)) if !v.is_empty() => FieldType::Enum(v),
            ("list", Some(v)) if !v.is_empty() => FieldType::List(v),
            ("enum" | "list", _) => {
                self.diags.push(
                    Diagnostic::error(
                        "missing-values",
                        Some(f.ty.span.clone()),
                        Msg::new(
                            format!("{} 类型需要列出取值", f.ty.name),
                            format!("`{}` needs its values listed", f.ty.name),
                        ),
                    )
                    .with_help(Msg::new(
                        "写作 enum { 代码 \"标签\" … }",
                        "write `enum { code \"label\" … }`",
                    )),
                );
                return;
            }
            ("text" | "integer" | "decimal" | "bool" | "date", Some(_)) => {
                self.error(
                    "unexpected-values",
                    f.ty.span.clone(),
                    Msg::new(
                        format!("{} 类型不能列出取值", f.ty.name),
                        format!("`{}` does not take a list of values", f.ty.name),
                    ),
                );
                return;
            }
            (other, _) => {
                let types = ["text", "integer", "decimal", "bool", "date", "enum", "list"];
                let help = match did_you_mean(other, types) {
                    Some(t) => {
                        Msg::new(format!("是否想写 `{t}`？"), format!("did you mean `{t}`?"))
                    }
                    None => Msg::new(
                        "类型有 text、integer、decimal、bool、date、enum、list",
                        "the types are text, integer, decimal, bool, date, enum, list",
                    ),
                };
                self.diags.push(
                    Diagnostic::error(
                        "unknown-type",
                        Some(f.ty.span.clone()),
                        Msg::new(
                            format!("未知的字段类型 `{other}`"),
                            format!("unknown field type `{other}`"),
                        ),
                    )
                    .with_help(help),
                );
                return;
            }
        };
        let mut bound = |lit: &Option<syntax::Lit>| -> Option<i64> {
            let lit = lit.as_ref()?;
            match (&ty, &lit.kind) {
                (FieldType::Integer, LitKind::Int(i)) => Some(*i),
                (FieldType::Decimal, LitKind::Int(i)) => i.checked_mul(100),
                (FieldType::Decimal, LitKind::Dec(d)) => Some(*d),
                _ => {
                    self.error(
                        "bad-bound",
                        lit.span.clone(),
                        Msg::new(
                            "min、max 只用于 integer、decimal 字段，且须是数字",
                            "`min` and `max` take a number, and only on integer or decimal fields",
                        ),
                    );
                    None
                }
            }
        };
        let min = bound(&f.min);
        let max = bound(&f.max);
        let personal = match &f.personal {
            None => None,
            Some(p) => match Mask::from_word(&p.name) {
                Some(mask) => Some(mask),
                None => {
                    let other = p.name.as_str();
                    self.diags.push(
                        Diagnostic::error(
                            "unknown-mask",
                            Some(p.span.clone()),
                            Msg::new(
                                format!("未知的个人信息类别 `{other}`"),
                                format!("unknown kind of personal data `{other}`"),
                            ),
                        )
                        .with_help(Msg::new(
                            "类别有 name（姓名）、phone（电话号码）、address（地址）、id_number（身份证件号码）、email（电子邮箱）",
                            "the categories are name, phone, address, id_number and email",
                        )),
                    );
                    None
                }
            },
        };
        self.broken.remove(key);
        self.field_index.insert(key.clone(), self.fields.len());
        self.fields.push(Field {
            key: key.clone(),
            label: label(&f.label),
            ty,
            min,
            max,
            personal,
            form: f.form.is_some(),
            office: f.office.is_some(),
            span: f.span.clone(),
            key_span: f.key.span.clone(),
        });
    }

    // ---- definitions -----------------------------------------------------------

    fn resolve_define(&mut self, id: DefId, all: &[&syntax::Define]) -> Option<Ty> {
        match self.define_state[id] {
            DefState::Done(ty) => return Some(ty),
            DefState::Failed => return None,
            DefState::Busy => return None,
            DefState::Todo => {}
        }
        let ast = all
            .iter()
            .find(|d| self.define_index.get(&d.name.name) == Some(&id))
            .expect("define id comes from the list");
        self.define_state[id] = DefState::Busy;
        let expr = self.expr(&ast.expr, all);
        match expr {
            Some(expr) => {
                self.define_state[id] = DefState::Done(expr.ty);
                let ty = expr.ty;
                self.defines[id] = Some(Define {
                    name: ast.name.name.clone(),
                    label: ast.label.as_ref().map(label),
                    expr,
                    span: ast.span.clone(),
                    name_span: ast.name.span.clone(),
                });
                self.define_order.push(id);
                Some(ty)
            }
            None => {
                self.define_state[id] = DefState::Failed;
                None
            }
        }
    }

    // ---- clauses -----------------------------------------------------------------

    fn scope(&mut self, cl: &syntax::Clause) -> Option<Scope> {
        let mut source = None;
        let mut because = None;
        for stmt in &cl.body {
            match stmt {
                syntax::ClauseStmt::Source(s) => source = Some(s.value.clone()),
                syntax::ClauseStmt::Because(t) => {
                    because = self.template(
                        t,
                        TemplateScope {
                            due: None,
                            missing: false,
                        },
                    )
                }
                other => self.misplaced(other, "scope"),
            }
        }
        Some(Scope {
            id: cl.id.value.clone(),
            title: label(&cl.title),
            source,
            because,
            span: cl.span.clone(),
            id_span: cl.id.span.clone(),
        })
    }

    fn misplaced(&mut self, stmt: &syntax::ClauseStmt, kind: &str) {
        let (word, span) = stmt_word(stmt);
        let allowed = match kind {
            "basis" | "ground" => "source、when、in force、because、unknown、otherwise",
            "warning" => "source、when、in force、because",
            "evidence" => "source、require、in force、because、unknown、otherwise",
            "deadline" => "source、due、applies、recorded、in force、because",
            _ => "source、because",
        };
        let help = match (word, kind) {
            ("require", "basis" | "ground") => Msg::new(
                format!("{kind} 条款的条件用 when 写；require 用于 evidence（受理要求）条款"),
                format!(
                    "a `{kind}` clause states its condition with `when`; `require` is for `evidence` clauses"
                ),
            ),
            ("when", "evidence") => Msg::new(
                "evidence 条款的要求用 require 写；when 用于 basis、ground 条款",
                "an `evidence` clause states its requirement with `require`; `when` is for `basis` and `ground` clauses",
            ),
            _ => Msg::new(
                format!("{kind} 条款可写：{allowed}"),
                format!("a `{kind}` clause takes: {}", allowed.replace('、', ", ")),
            ),
        };
        self.diags.push(
            Diagnostic::error(
                "misplaced-statement",
                Some(span),
                Msg::new(
                    format!("{kind} 条款中不能写 `{word}`"),
                    format!("`{word}` does not belong in a `{kind}` clause"),
                ),
            )
            .with_help(help),
        );
    }

    fn clause(
        &mut self,
        cl: &syntax::Clause,
        kind: ClauseKind,
        due_names: &mut HashMap<String, Span>,
    ) -> Option<Clause> {
        let all: Vec<&syntax::Define> = Vec::new();
        let mut out = Clause {
            kind,
            id: cl.id.value.clone(),
            title: label(&cl.title),
            source: None,
            condition: None,
            due: None,
            applies: None,
            in_force: None,
            recorded: None,
            because: None,
            unknown: None,
            otherwise: None,
            span: cl.span.clone(),
            id_span: cl.id.span.clone(),
        };
        let mut ok = true;
        let due_name = cl.body.iter().find_map(|s| match s {
            syntax::ClauseStmt::Due { name, .. } => Some(name.name.clone()),
            _ => None,
        });
        let scope = TemplateScope {
            due: due_name.as_deref(),
            missing: kind == ClauseKind::Evidence,
        };
        for stmt in &cl.body {
            use syntax::ClauseStmt as S;
            let once = |slot_taken: bool, this: &mut Checker| {
                if slot_taken {
                    let (word, span) = stmt_word(stmt);
                    let help = match word {
                        "when" | "require" => Msg::new(
                            format!(
                                "一个条款只写一个 {word}；几个条件用 and（同时成立）或 or（任一成立）连起来"
                            ),
                            format!(
                                "a clause has one `{word}`: join conditions with `and` (all hold) or `or` (any holds)"
                            ),
                        ),
                        _ => Msg::new(
                            format!("一个条款只写一个 {word}；删去其中一个"),
                            format!("a clause has one `{word}`: remove one of them"),
                        ),
                    };
                    this.diags.push(
                        Diagnostic::error(
                            "duplicate-statement",
                            Some(span),
                            Msg::new(
                                format!("`{word}` 在同一条款中写了两次"),
                                format!("`{word}` appears twice in one clause"),
                            ),
                        )
                        .with_help(help),
                    );
                }
            };
            match (stmt, kind) {
                (S::Source(s), _) => {
                    once(out.source.is_some(), self);
                    out.source = Some(s.value.clone());
                }
                (S::When(e), ClauseKind::Basis | ClauseKind::Ground | ClauseKind::Warning)
                | (S::Require(e), ClauseKind::Evidence) => {
                    once(out.condition.is_some(), self);
                    match self.condition(e, &all) {
                        Some(e) => out.condition = Some(e),
                        None => ok = false,
                    }
                }
                (S::Due { name, expr }, ClauseKind::Deadline) => {
                    once(out.due.is_some(), self);
                    if let Some(first) = due_names.get(&name.name) {
                        let at = first.start;
                        self.error_at(
                            "duplicate-due",
                            name.span.clone(),
                            Msg::new(
                                format!("期限名 `{}` 重复", name.name),
                                format!("deadline name `{}` is used twice", name.name),
                            ),
                            Some(at),
                        );
                    } else {
                        due_names.insert(name.name.clone(), name.span.clone());
                    }
                    match self.expr(expr, &all) {
                        Some(e) if e.ty == Ty::Date => {
                            out.due = Some(Due {
                                name: name.name.clone(),
                                expr: e,
                            })
                        }
                        Some(e) => {
                            self.type_error(&e, "日期", "a date");
                            ok = false;
                        }
                        None => ok = false,
                    }
                }
                (S::AppliesTo(names), ClauseKind::Deadline) => {
                    once(out.applies.is_some(), self);
                    let mut outcomes = Vec::new();
                    for n in names {
                        match Outcome::from_code(&n.name) {
                            Some(o) => outcomes.push(o),
                            None => self.diags.push(
                                Diagnostic::error(
                                    "unknown-outcome",
                                    Some(n.span.clone()),
                                    Msg::new(
                                        format!("未知的结论 `{}`", n.name),
                                        format!("unknown outcome `{}`", n.name),
                                    ),
                                )
                                .with_help(Msg::new(
                                    "结论有 accepted（受理）、rejected（不予受理）、incomplete（待补正）",
                                    "the outcomes are accepted, rejected and incomplete",
                                )),
                            ),
                        }
                    }
                    out.applies = Some(outcomes);
                }
                (S::InForce { from, until }, _) => {
                    once(out.in_force.is_some(), self);
                    let date = |l: &Option<syntax::Lit>| match l.as_ref().map(|l| &l.kind) {
                        Some(LitKind::Date(d)) => Some(*d),
                        _ => None,
                    };
                    let (from_d, until_d) = (date(from), date(until));
                    if let (Some(a), Some(b)) = (from_d, until_d)
                        && a > b
                    {
                        let span = until
                            .as_ref()
                            .map_or(cl.id.span.clone(), |l| l.span.clone());
                        self.error(
                            "empty-period",
                            span,
                            Msg::new(
                                "生效期间为空：until 的日期早于 from 的日期",
                                "the period in force is empty: `until` is before `from`",
                            ),
                        );
                    }
                    out.in_force = Some((from_d, until_d));
                }
                (S::Recorded(key), ClauseKind::Deadline) => {
                    once(out.recorded.is_some(), self);
                    out.recorded = self.date_key(key, "recorded");
                }
                (S::Because(t), _) => {
                    once(out.because.is_some(), self);
                    out.because = self.template(t, scope);
                }
                (S::Unknown(t), ClauseKind::Basis | ClauseKind::Ground | ClauseKind::Evidence) => {
                    once(out.unknown.is_some(), self);
                    out.unknown = self.template(t, scope);
                }
                (
                    S::Otherwise(t),
                    ClauseKind::Basis | ClauseKind::Ground | ClauseKind::Evidence,
                ) => {
                    once(out.otherwise.is_some(), self);
                    out.otherwise = self.template(t, scope);
                }
                (stmt, kind) => {
                    // A condition under the wrong word is reported once,
                    // not again as a missing `when` or `require`.
                    if matches!(stmt, S::When(_) | S::Require(_) | S::Due { .. }) {
                        ok = false;
                    }
                    self.misplaced(stmt, kind.keyword())
                }
            }
        }
        let needed = match kind {
            ClauseKind::Basis | ClauseKind::Ground | ClauseKind::Warning
                if out.condition.is_none() =>
            {
                Some("when")
            }
            ClauseKind::Evidence if out.condition.is_none() => Some("require"),
            ClauseKind::Deadline if out.due.is_none() => Some("due"),
            _ => None,
        };
        if let Some(word) = needed
            && ok
        {
            self.diags.push(
                Diagnostic::error(
                    "missing-statement",
                    Some(cl.id.span.clone()),
                    Msg::new(
                        format!("{} 条款 \"{}\" 缺少 `{word}`", kind.keyword(), out.id),
                        format!("{} clause \"{}\" has no `{word}`", kind.keyword(), out.id),
                    ),
                )
                .with_help(match word {
                    "when" => Msg::new(
                        "加上 when 条件，例如 when claim.lawful == false",
                        "add a condition, e.g. `when claim.lawful == false`",
                    ),
                    "require" => Msg::new(
                        "加上 require 条件，例如 require present [purchase.date]",
                        "add a requirement, e.g. `require present [purchase.date]`",
                    ),
                    _ => Msg::new(
                        "加上 due 名称 = 日期，例如 due notify_by = received + 3 days",
                        "add `due name = date`, e.g. `due notify_by = received + 3 days`",
                    ),
                }),
            );
            ok = false;
        }
        ok.then_some(out)
    }

    fn template(&mut self, t: &syntax::Text, scope: TemplateScope) -> Option<Template> {
        let mut holes = Vec::new();
        let zh = self.pieces(&t.zh, scope, &mut holes)?;
        let en = match &t.en {
            Some(en) => Some(self.pieces(en, scope, &mut holes)?),
            None => None,
        };
        Some(Template { zh, en, holes })
    }

    fn pieces(
        &mut self,
        s: &syntax::Str,
        scope: TemplateScope,
        holes: &mut Vec<(String, Span)>,
    ) -> Option<Vec<Piece>> {
        let mut out = Vec::new();
        let mut text = String::new();
        let raw = &s.value;
        let mut i = 0;
        let mut ok = true;
        while i < raw.len() {
            let rest = &raw[i..];
            // Plain text up to the next brace or backslash, in one piece.
            let plain = rest.find(['{', '\\']).unwrap_or(rest.len());
            if plain > 0 {
                text.push_str(&rest[..plain]);
                i += plain;
                continue;
            }
            if rest.starts_with("\\{") {
                text.push('{');
                i += 2;
                continue;
            }
            if rest.starts_with("\\}") {
                text.push('}');
                i += 2;
                continue;
            }
            if rest.starts_with('{') {
                let Some(close) = rest.find('}') else {
                    let at = self.hole_span(s, None);
                    self.diags.push(
                        Diagnostic::error(
                            "bad-template",
                            Some(at),
                            Msg::new(
                                "说明中的 `{` 没有对应的 `}`",
                                "a `{` in the text has no closing `}`",
                            ),
                        )
                        .with_help(Msg::new(
                            "要写字面的花括号，用 \\{ 和 \\}",
                            "write \\{ and \\} for literal braces",
                        )),
                    );
                    return None;
                };
                let name = rest[1..close].trim();
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                holes.push((
                    name.to_string(),
                    self.hole_span(s, Some(&raw[i..i + close + 1])),
                ));
                if let Some(&f) = self.field_index.get(name) {
                    out.push(Piece::Field(f));
                } else if let Some(&d) = self.define_index.get(name) {
                    out.push(Piece::Define(d));
                } else if scope.due == Some(name) {
                    out.push(Piece::Due);
                } else if scope.missing && name == "missing" {
                    out.push(Piece::Missing);
                } else if self.broken.contains(name) {
                    ok = false;
                } else {
                    ok = false;
                    let at = self.hole_span(s, Some(&raw[i..i + close + 1]));
                    let mut names: Vec<&str> =
                        self.field_index.keys().map(String::as_str).collect();
                    names.extend(self.define_index.keys().map(String::as_str));
                    names.extend(scope.due);
                    if scope.missing {
                        names.push("missing");
                    }
                    let mut d = Diagnostic::error(
                        "template-name",
                        Some(at),
                        Msg::new(
                            format!("说明中的 `{{{name}}}` 不是已声明的字段或定义"),
                            format!(
                                "`{{{name}}}` in the text is not a declared field or definition"
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
                i += close + 1;
                continue;
            }
            // A backslash that escapes no brace is itself.
            text.push('\\');
            i += 1;
        }
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        ok.then_some(out)
    }

    /// The span of a hole `written` like `{purchase.dat}` (or, for `None`,
    /// of the first `{` with no `}` after it) inside the string literal
    /// `s`; the whole literal when the text is not at hand.
    fn hole_span(&self, s: &syntax::Str, written: Option<&str>) -> Span {
        let Some(raw) = self.text.as_ref().and_then(|t| t.get(s.span.clone())) else {
            return s.span.clone();
        };
        let found = match written {
            Some(w) => raw.find(w).map(|i| i..i + w.len()),
            None => {
                let after = raw.rfind('}').map_or(0, |i| i + 1);
                raw[after..].find('{').map(|i| after + i..after + i + 1)
            }
        };
        match found {
            Some(r) => s.span.start + r.start..s.span.start + r.end,
            None => s.span.clone(),
        }
    }

    // ---- expressions -------------------------------------------------------------

    fn type_error(&mut self, e: &Expr, want_zh: &str, want_en: &str) {
        let (zh, en) = ty_name(e.ty, &self.fields);
        self.error(
            "type-mismatch",
            e.span.clone(),
            Msg::new(
                format!("这里应为{want_zh}，实际是{}{zh}", gap(&zh)),
                format!("expected {want_en} here, found {en}"),
            ),
        );
    }

    fn condition(&mut self, e: &syntax::Expr, all: &[&syntax::Define]) -> Option<Expr> {
        let expr = self.expr(e, all)?;
        if expr.ty == Ty::Bool {
            return Some(expr);
        }
        self.type_error(&expr, "条件（是/否）", "a condition (true or false)");
        let key = match &e.kind {
            syntax::ExprKind::Key(k) => Some(k.as_str()),
            _ => None,
        };
        let help = match (expr.ty, key) {
            (Ty::Enum(f), Some(k)) => {
                let values = self.fields[f].ty.values();
                let first = values.first().map_or("…", |v| v.code.as_str());
                Msg::new(
                    format!("写成比较，例如 {k} == \"{first}\"，或 {k} in [\"{first}\", …]"),
                    format!(
                        "write a comparison, e.g. `{k} == \"{first}\"` or `{k} in [\"{first}\", …]`"
                    ),
                )
            }
            (Ty::Date, Some(k)) => Msg::new(
                format!("写成比较，例如 {k} > 2024-01-01；要判断是否已填写，写 present [{k}]"),
                format!(
                    "write a comparison, e.g. `{k} > 2024-01-01`; to test that it is filled in, `present [{k}]`"
                ),
            ),
            (_, Some(k)) => Msg::new(
                format!("写成比较，例如 {k} == …；要判断是否已填写，写 present [{k}]"),
                format!(
                    "write a comparison, e.g. `{k} == …`; to test that it is filled in, `present [{k}]`"
                ),
            ),
            _ => Msg::new(
                "条件要写成比较或判断，例如 x == \"值\"、x in [\"a\", \"b\"]、present [x]",
                "a condition is a comparison or test, e.g. `x == \"value\"`, `x in [\"a\", \"b\"]`, `present [x]`",
            ),
        };
        if let Some(last) = self.diags.last_mut() {
            last.help = Some(help);
        }
        None
    }

    fn expr(&mut self, e: &syntax::Expr, all: &[&syntax::Define]) -> Option<Expr> {
        use syntax::ExprKind as K;
        let span = e.span.clone();
        let mk = |kind, ty| {
            Some(Expr {
                kind,
                ty,
                span: span.clone(),
            })
        };
        match &e.kind {
            K::Lit(l) => {
                let (c, ty) = match &l.kind {
                    LitKind::Str(s) => (Const::Text(s.clone()), Ty::Text),
                    LitKind::Int(i) => (Const::Int(*i), Ty::Int),
                    LitKind::Dec(d) => (Const::Dec(*d), Ty::Dec),
                    LitKind::Bool(b) => (Const::Bool(*b), Ty::Bool),
                    LitKind::Date(d) => (Const::Date(*d), Ty::Date),
                };
                mk(ExprKind::Const(c), ty)
            }
            K::Key(key) => {
                if let Some(&f) = self.field_index.get(key) {
                    let ty = match &self.fields[f].ty {
                        FieldType::Text => Ty::Text,
                        FieldType::Integer => Ty::Int,
                        FieldType::Decimal => Ty::Dec,
                        FieldType::Bool => Ty::Bool,
                        FieldType::Date => Ty::Date,
                        FieldType::Enum(_) => Ty::Enum(f),
                        FieldType::List(_) => Ty::List(f),
                    };
                    return mk(ExprKind::Field(f), ty);
                }
                if let Some(&d) = self.define_index.get(key) {
                    if self.define_state[d] == DefState::Busy {
                        self.diags.push(
                            Diagnostic::error(
                                "define-cycle",
                                Some(span.clone()),
                                Msg::new(
                                    format!("定义 `{key}` 直接或间接引用了自己"),
                                    format!("definition `{key}` refers to itself"),
                                ),
                            )
                            .with_help(Msg::new(
                                "定义只能由字段和在它之前可以算出的定义组成，不能绕回自己",
                                "a definition is made of fields and other definitions, and cannot lead back to itself",
                            )),
                        );
                        return None;
                    }
                    let ty = if all.is_empty() {
                        match self.define_state[d] {
                            DefState::Done(ty) => Some(ty),
                            _ => None,
                        }
                    } else {
                        self.resolve_define(d, all)
                    };
                    return mk(ExprKind::Define(d), ty?);
                }
                self.undeclared(key, span.clone());
                None
            }
            K::Present(keys) => {
                let mut ids = Vec::new();
                for k in keys {
                    match self.field_index.get(&k.name) {
                        Some(&f) => ids.push(f),
                        None => self.undeclared(&k.name, k.span.clone()),
                    }
                }
                (ids.len() == keys.len()).then_some(())?;
                mk(ExprKind::Present(ids), Ty::Bool)
            }
            K::Paren(inner) => {
                let mut x = self.expr(inner, all)?;
                x.span = span;
                Some(x)
            }
            K::Not(inner) => {
                let x = self.condition(inner, all)?;
                mk(ExprKind::Not(Box::new(x)), Ty::Bool)
            }
            K::And(xs) | K::Or(xs) => {
                let parts: Vec<Option<Expr>> = xs.iter().map(|x| self.condition(x, all)).collect();
                let parts: Vec<Expr> = parts.into_iter().collect::<Option<_>>()?;
                let kind = if matches!(e.kind, K::And(_)) {
                    ExprKind::And(parts)
                } else {
                    ExprKind::Or(parts)
                };
                mk(kind, Ty::Bool)
            }
            K::Cmp(a, op, b) => {
                let a = self.expr(a, all);
                let b = self.expr(b, all);
                let (mut a, mut b) = (a?, b?);
                self.coerce_enum(&mut a, &b)?;
                self.coerce_enum(&mut b, &a)?;
                let ordered = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
                let ok = match (a.ty, b.ty) {
                    (Ty::Int | Ty::Dec, Ty::Int | Ty::Dec) | (Ty::Date, Ty::Date) => true,
                    (Ty::Text, Ty::Text) | (Ty::Bool, Ty::Bool) => !ordered,
                    (Ty::Enum(x), Ty::Enum(y)) => {
                        !ordered && self.fields[x].ty == self.fields[y].ty
                    }
                    _ => false,
                };
                if !ok {
                    let (za, ea) = ty_name(a.ty, &self.fields);
                    let (zb, eb) = ty_name(b.ty, &self.fields);
                    let sym = op.symbol();
                    let msg = if ordered && a.ty == b.ty {
                        Msg::new(
                            format!("{za}不能用 `{sym}` 比较大小"),
                            format!("{ea} cannot be ordered with `{sym}`"),
                        )
                    } else {
                        Msg::new(
                            format!("不能用 `{sym}` 比较{}{za}和{}{zb}", gap(&za), gap(&zb)),
                            format!("cannot compare {ea} with {eb} using `{sym}`"),
                        )
                    };
                    let text_date = |x: &Expr| match &x.kind {
                        ExprKind::Const(Const::Text(t)) => {
                            crate::syntax::build_parse_date(t).is_ok()
                        }
                        _ => false,
                    };
                    let help = match (a.ty, b.ty) {
                        (Ty::Date, Ty::Text) | (Ty::Text, Ty::Date)
                            if text_date(&a) || text_date(&b) =>
                        {
                            Some(Msg::new(
                                "日期不加引号，直接写作 2024-01-01",
                                "dates are written without quotes, e.g. 2024-01-01",
                            ))
                        }
                        (Ty::Date, Ty::Int | Ty::Dec) | (Ty::Int | Ty::Dec, Ty::Date) => {
                            Some(Msg::new(
                                "日期只能和日期比较；要加减天数、月数，写作 purchase.date + 3 days",
                                "a date compares only with a date; to add days or months, write `purchase.date + 3 days`",
                            ))
                        }
                        (Ty::Enum(_), Ty::Enum(_)) if ordered => Some(Msg::new(
                            "取值只能用 == 或 != 比较；要列出几个取值，写作 x in [\"a\", \"b\"]",
                            "values compare only with `==` or `!=`; to list several, write `x in [\"a\", \"b\"]`",
                        )),
                        (Ty::Bool, _) | (_, Ty::Bool) => Some(Msg::new(
                            "是/否字段与 true 或 false 比较，例如 claim.lawful == false",
                            "compare a yes/no field with `true` or `false`, e.g. `claim.lawful == false`",
                        )),
                        _ => None,
                    };
                    let mut d = Diagnostic::error("type-mismatch", Some(span.clone()), msg);
                    d.help = help;
                    self.diags.push(d);
                    return None;
                }
                mk(ExprKind::Cmp(Box::new(a), *op, Box::new(b)), Ty::Bool)
            }
            K::In {
                value,
                list,
                negated,
            } => {
                let value = self.expr(value, all)?;
                match value.ty {
                    Ty::Enum(f) => {
                        let set = self.enum_set(f, list)?;
                        mk(
                            ExprKind::InSet {
                                value: Box::new(value),
                                set,
                                negated: *negated,
                            },
                            Ty::Bool,
                        )
                    }
                    Ty::List(_) | Ty::Bool => {
                        self.type_error(&value, "单个值", "a single value");
                        None
                    }
                    ty => {
                        let mut items = Vec::new();
                        for l in list {
                            let (c, lty) = match &l.kind {
                                LitKind::Str(s) => (Const::Text(s.clone()), Ty::Text),
                                LitKind::Int(i) => (Const::Int(*i), Ty::Int),
                                LitKind::Dec(d) => (Const::Dec(*d), Ty::Dec),
                                LitKind::Bool(b) => (Const::Bool(*b), Ty::Bool),
                                LitKind::Date(d) => (Const::Date(*d), Ty::Date),
                            };
                            let fits = lty == ty
                                || matches!((lty, ty), (Ty::Int | Ty::Dec, Ty::Int | Ty::Dec));
                            if !fits {
                                let (zh, en) = ty_name(ty, &self.fields);
                                self.error(
                                    "type-mismatch",
                                    l.span.clone(),
                                    Msg::new(
                                        format!("列表中应为{}{zh}", gap(&zh)),
                                        format!("expected {en} in the list"),
                                    ),
                                );
                                return None;
                            }
                            items.push(c);
                        }
                        mk(
                            ExprKind::InList {
                                value: Box::new(value),
                                items,
                                negated: *negated,
                            },
                            Ty::Bool,
                        )
                    }
                }
            }
            K::ContainsAny(list, lits) => {
                let list = self.expr(list, all)?;
                let Ty::List(f) = list.ty else {
                    self.type_error(&list, "列表字段", "a list field");
                    return None;
                };
                let set = self.enum_set(f, lits)?;
                mk(ExprKind::ContainsAny(Box::new(list), set), Ty::Bool)
            }
            K::Contains(list, item) => {
                let list = self.expr(list, all)?;
                let Ty::List(f) = list.ty else {
                    self.type_error(&list, "列表字段", "a list field");
                    return None;
                };
                let item = match &item.kind {
                    K::Lit(syntax::Lit {
                        kind: LitKind::Str(s),
                        span: ls,
                    }) => {
                        let code = self.enum_code(f, s, ls.clone())?;
                        Expr {
                            kind: ExprKind::Const(Const::Enum(code)),
                            ty: Ty::Enum(f),
                            span: ls.clone(),
                        }
                    }
                    _ => {
                        let x = self.expr(item, all)?;
                        let fits = matches!(x.ty, Ty::Enum(g) if self.fields[g].ty.values() == self.fields[f].ty.values());
                        if !fits {
                            self.type_error(&x, "该列表的取值", "one of the list's values");
                            return None;
                        }
                        x
                    }
                };
                mk(ExprKind::Contains(Box::new(list), Box::new(item)), Ty::Bool)
            }
            K::Shift {
                date,
                negative,
                amount,
                unit,
            } => {
                let date = self.expr(date, all);
                let amount = self.expr(amount, all);
                let (date, amount) = (date?, amount?);
                if date.ty != Ty::Date {
                    self.type_error(&date, "日期", "a date");
                    return None;
                }
                if amount.ty != Ty::Int {
                    self.type_error(&amount, "整数", "a whole number");
                    return None;
                }
                if let ExprKind::Const(Const::Int(n)) = amount.kind
                    && n > 100_000
                {
                    self.error(
                        "amount-too-large",
                        amount.span.clone(),
                        Msg::new(
                            "日期加减的数量不能超过 100000",
                            "a date shift cannot exceed 100000 units",
                        ),
                    );
                    return None;
                }
                mk(
                    ExprKind::Shift {
                        date: Box::new(date),
                        negative: *negative,
                        amount: Box::new(amount),
                        unit: *unit,
                    },
                    Ty::Date,
                )
            }
            K::Else(a, b) => {
                let a = self.expr(a, all);
                let b = self.expr(b, all);
                let (mut a, mut b) = (a?, b?);
                self.coerce_enum(&mut a, &b)?;
                self.coerce_enum(&mut b, &a)?;
                if a.ty != b.ty {
                    let (za, ea) = ty_name(a.ty, &self.fields);
                    let (zb, eb) = ty_name(b.ty, &self.fields);
                    self.error(
                        "type-mismatch",
                        span.clone(),
                        Msg::new(
                            format!("else 两边类型不同：{za}和{}{zb}", gap(&zb)),
                            format!("the two sides of `else` differ: {ea} and {eb}"),
                        ),
                    );
                    return None;
                }
                let ty = a.ty;
                mk(ExprKind::Else(Box::new(a), Box::new(b)), ty)
            }
        }
    }

    /// A text literal compared with an enum becomes that enum's value.
    fn coerce_enum(&mut self, x: &mut Expr, other: &Expr) -> Option<()> {
        if let (ExprKind::Const(Const::Text(s)), Ty::Enum(f)) = (&x.kind, other.ty) {
            let code = self.enum_code(f, s, x.span.clone())?;
            x.kind = ExprKind::Const(Const::Enum(code));
            x.ty = Ty::Enum(f);
        }
        Some(())
    }

    fn enum_code(&mut self, f: FieldId, s: &str, span: Span) -> Option<u16> {
        let field = &self.fields[f];
        if let Some(i) = field.ty.values().iter().position(|v| v.code == s) {
            return Some(i as u16);
        }
        let allowed = field
            .ty
            .values()
            .iter()
            .map(|v| format!("\"{}\"（{}）", v.code, v.label.zh))
            .collect::<Vec<_>>()
            .join("、");
        let allowed_en = field
            .ty
            .values()
            .iter()
            .map(|v| format!("\"{}\" ({})", v.code, v.label.get(crate::diag::Lang::En)))
            .collect::<Vec<_>>()
            .join(", ");
        let close = did_you_mean(s, field.ty.values().iter().map(|v| v.code.as_str()))
            .map(|c| format!("\"{c}\""));
        let key = field.key.clone();
        let (hz, he) = match close {
            Some(c) => (
                format!("是否想写 {c}？可选：{allowed}"),
                format!("did you mean {c}? allowed: {allowed_en}"),
            ),
            None => (format!("可选：{allowed}"), format!("allowed: {allowed_en}")),
        };
        self.diags.push(
            Diagnostic::error(
                "unknown-value",
                Some(span),
                Msg::new(
                    format!("\"{s}\" 不是 `{key}` 的可选取值"),
                    format!("\"{s}\" is not a value of `{key}`"),
                ),
            )
            .with_help(Msg::new(hz, he)),
        );
        None
    }

    fn enum_set(&mut self, f: FieldId, list: &[syntax::Lit]) -> Option<u64> {
        let mut set = 0u64;
        let mut ok = true;
        for l in list {
            match &l.kind {
                LitKind::Str(s) => match self.enum_code(f, s, l.span.clone()) {
                    Some(code) => set |= 1 << code,
                    None => ok = false,
                },
                _ => {
                    ok = false;
                    self.error(
                        "type-mismatch",
                        l.span.clone(),
                        Msg::new("这里应为带引号的取值", "expected a quoted value here"),
                    );
                }
            }
        }
        ok.then_some(set)
    }

    /// A key that must name a declared date field (`reference`, `recorded`).
    fn date_key(&mut self, key: &syntax::Name, word: &str) -> Option<FieldId> {
        let Some(&id) = self.field_index.get(&key.name) else {
            self.undeclared(&key.name, key.span.clone());
            return None;
        };
        if self.fields[id].ty != FieldType::Date {
            self.error(
                "not-a-date-field",
                key.span.clone(),
                Msg::new(
                    format!("{word} 要写一个日期字段，`{}` 不是日期", key.name),
                    format!("`{word}` takes a date field; `{}` is not a date", key.name),
                ),
            );
            return None;
        }
        Some(id)
    }

    fn undeclared(&mut self, key: &str, span: Span) {
        if self.broken.contains(key) {
            return; // its declaration was reported already
        }
        let mut names: Vec<&str> = self.field_index.keys().map(String::as_str).collect();
        names.extend(self.define_index.keys().map(String::as_str));
        names.sort_unstable();
        let mut d = Diagnostic::error(
            "undeclared-key",
            Some(span),
            Msg::new(
                format!("`{key}` 不是已声明的字段或定义"),
                format!("`{key}` is not a declared field or definition"),
            ),
        );
        d = d.with_help(match did_you_mean(key, names) {
            Some(close) => Msg::new(
                format!("是否想写 `{close}`？"),
                format!("did you mean `{close}`?"),
            ),
            None => Msg::new(
                format!("先用 field {key} \"标签\" 类型 声明它"),
                format!("declare it first: `field {key} \"label\" type`"),
            ),
        });
        self.diags.push(d);
    }

    // ---- examples ------------------------------------------------------------------

    fn example(
        &mut self,
        e: &syntax::Example,
        earlier: &[Example],
        clauses: &[Clause],
        scope: Option<&Scope>,
    ) -> Option<Example> {
        let mut record = match &e.from {
            Some(from) => match earlier.iter().find(|x| x.name == from.value) {
                Some(base) => base.record.clone(),
                None => {
                    self.error(
                        "unknown-example",
                        from.span.clone(),
                        Msg::new(
                            format!("找不到在此之前的示例 \"{}\"", from.value),
                            format!("no earlier example is called \"{}\"", from.value),
                        ),
                    );
                    return None;
                }
            },
            None => Record::new(self.fields.len()),
        };
        if earlier.iter().any(|x| x.name == e.name.value) {
            self.error(
                "duplicate-example",
                e.name.span.clone(),
                Msg::new(
                    format!("示例名 \"{}\" 重复", e.name.value),
                    format!("example name \"{}\" is used twice", e.name.value),
                ),
            );
        }
        let mut ok = true;
        let mut expect = None;
        for stmt in &e.body {
            match stmt {
                syntax::ExampleStmt::Assign { key, value } => {
                    let Some(&f) = self.field_index.get(&key.name) else {
                        self.undeclared(&key.name, key.span.clone());
                        ok = false;
                        continue;
                    };
                    if let Err(msg) = literal_value(&self.fields[f], value, &mut record, f) {
                        ok = false;
                        let mut d = Diagnostic::error(
                            "bad-value",
                            Some(value.span()),
                            Msg::new(
                                format!("`{}`：{}", key.name, msg.message.zh),
                                format!("`{}`: {}", key.name, msg.message.en),
                            ),
                        );
                        d.help = msg.help;
                        self.diags.push(d);
                    }
                }
                syntax::ExampleStmt::Without(keys) => {
                    for k in keys {
                        match self.field_index.get(&k.name) {
                            Some(&f) => record.set(f, Value::Absent),
                            None => {
                                self.undeclared(&k.name, k.span.clone());
                                ok = false;
                            }
                        }
                    }
                }
                syntax::ExampleStmt::Expect(x) => {
                    if expect.is_some() {
                        self.error(
                            "duplicate-statement",
                            x.span.clone(),
                            Msg::new(
                                "示例中 expect 写了两次",
                                "`expect` appears twice in one example",
                            ),
                        );
                    }
                    expect = self.expectation(x, clauses, scope);
                    if expect.is_none() {
                        ok = false;
                    }
                }
            }
        }
        let Some(expect) = expect else {
            if ok {
                self.diags.push(
                    Diagnostic::error(
                        "missing-expect",
                        Some(e.name.span.clone()),
                        Msg::new(
                            format!("示例 \"{}\" 没有写预期结论", e.name.value),
                            format!("example \"{}\" has no `expect`", e.name.value),
                        ),
                    )
                    .with_help(Msg::new(
                        "加上 expect accepted by \"1.1\" 之类的一行",
                        "add a line like `expect accepted by \"1.1\"`",
                    )),
                );
            }
            return None;
        };
        ok.then(|| Example {
            name: e.name.value.clone(),
            record,
            expect,
            span: e.span.clone(),
        })
    }

    fn expectation(
        &mut self,
        x: &syntax::Expect,
        clauses: &[Clause],
        scope: Option<&Scope>,
    ) -> Option<Expectation> {
        let Some(outcome) = Outcome::from_code(&x.outcome.name) else {
            self.diags.push(
                Diagnostic::error(
                    "unknown-outcome",
                    Some(x.outcome.span.clone()),
                    Msg::new(
                        format!("未知的结论 `{}`", x.outcome.name),
                        format!("unknown outcome `{}`", x.outcome.name),
                    ),
                )
                .with_help(Msg::new(
                    "结论有 accepted（受理）、rejected（不予受理）、incomplete（待补正）",
                    "the outcomes are accepted, rejected and incomplete",
                )),
            );
            return None;
        };
        let known =
            |id: &str| clauses.iter().any(|c| c.id == id) || scope.is_some_and(|s| s.id == id);
        let mut ok = true;
        let mut check_id = |s: &syntax::Str, this: &mut Checker| {
            if !known(&s.value) {
                ok = false;
                this.error(
                    "unknown-clause",
                    s.span.clone(),
                    Msg::new(
                        format!("没有编号为 \"{}\" 的条款", s.value),
                        format!("no clause has the id \"{}\"", s.value),
                    ),
                );
            }
        };
        if let Some(by) = &x.by {
            check_id(by, self);
        }
        for f in x.fired.iter().flatten() {
            check_id(f, self);
        }
        let mut missing = None;
        if let Some(keys) = &x.missing {
            let mut out = Vec::new();
            for k in keys {
                if self.field_index.contains_key(&k.name) {
                    out.push(k.name.clone());
                } else {
                    ok = false;
                    self.undeclared(&k.name, k.span.clone());
                }
            }
            out.sort();
            out.dedup();
            missing = Some(out);
        }
        ok.then(|| Expectation {
            outcome,
            deciding: x.by.as_ref().map(|s| s.value.clone()),
            fired: x
                .fired
                .as_ref()
                .map(|f| f.iter().map(|s| s.value.clone()).collect()),
            missing,
            span: x.span.clone(),
        })
    }
}

/// An example's literal, converted as a record file's value would be.
fn literal_value(
    field: &Field,
    value: &syntax::Literal,
    rec: &mut Record,
    slot: FieldId,
) -> Result<(), crate::record::ValueError> {
    fn raw_of(l: &syntax::Lit) -> Raw<'_> {
        match &l.kind {
            LitKind::Str(s) => Raw::Str(s),
            LitKind::Int(i) => Raw::Int(*i),
            LitKind::Dec(d) => Raw::Float(*d as f64 / 100.0, None),
            LitKind::Bool(b) => Raw::Bool(*b),
            LitKind::Date(d) => Raw::Date(*d),
        }
    }
    let v = match value {
        syntax::Literal::One(l) => match (&l.kind, &field.ty) {
            (LitKind::Dec(d), FieldType::Decimal) => {
                let v = Value::Dec(*d);
                convert(field, Raw::Int(0), rec)?; // bounds of the type are checked below
                v
            }
            _ => convert(field, raw_of(l), rec)?,
        },
        syntax::Literal::List(items, _) => {
            if !matches!(field.ty, FieldType::List(_)) {
                return Err(crate::record::ValueError {
                    message: Msg::new(
                        format!(
                            "应为{}，实际是列表",
                            crate::record::describe_type(&field.ty).zh
                        ),
                        format!(
                            "expected {}, found a list",
                            crate::record::describe_type(&field.ty).en
                        ),
                    ),
                    help: None,
                });
            }
            let mut set = 0u64;
            for l in items {
                set |= 1 << convert_item(field, raw_of(l))?;
            }
            // An empty list is unknown, in an example as in a record (SPEC §1).
            if items.is_empty() {
                Value::Absent
            } else {
                Value::Set(set)
            }
        }
    };
    rec.set(slot, v);
    Ok(())
}

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
