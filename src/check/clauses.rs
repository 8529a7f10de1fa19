//! Clauses: the scope clause, each kind's statements, periods in force,
//! deadlines and their recorded dates.

use super::*;

impl Checker<'_> {
    // ---- clauses -----------------------------------------------------------------

    pub(super) fn scope(&mut self, cl: &syntax::Clause) -> Option<Scope> {
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

    pub(super) fn misplaced(&mut self, stmt: &syntax::ClauseStmt, kind: &str) {
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

    pub(super) fn clause(
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
}
