//! Property tests. Everything goes through the real pipeline (rule text →
//! parse → check → compile → evaluate → report) and is compared with a
//! reference written here from SPEC §2–§3, not with shouli's own code.
//!
//! - Kleene laws for `and`, `or`, `not` on generated conditions over three
//!   bool fields, checked against a three-valued reference (value and the
//!   keys an unknown holds open).
//! - Monotonicity: adding keys that were absent never changes a condition
//!   that was true or false, a met evidence clause, or a rejection.
//! - Random records under the built-in rules agree with an independent
//!   reference evaluator of SPEC §3 (outcome, deciding, fired, missing,
//!   deadlines).
//!
//! Case counts are modest (256, or fewer for the costlier ones) so that
//! `cargo test` stays quick; `PROPTEST_CASES=10000 cargo test --test
//! properties` runs a longer search.

#[path = "support/spec.rs"]
mod spec;

use std::collections::BTreeSet;

use jiff::ToSpan as _;
use jiff::civil::Date;
use proptest::prelude::*;
use shouli::compile::Program;
use shouli::eval::Status;
use shouli::model::FieldType;
use shouli::record::Record;
use shouli::value::Value;

fn cases(n: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    ProptestConfig {
        cases: n,
        // Failures are reported with the shrunk case; no files are written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- Kleene laws ---------------------------------------------------------------

/// A condition over the bool fields `a`, `b`, `c`.
#[derive(Debug, Clone)]
enum Cond {
    /// `x == true` or `x == false`.
    Test(usize, bool),
    /// The bare field, a bool used as a condition.
    Bare(usize),
    Lit(bool),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

const NAMES: [&str; 3] = ["a", "b", "c"];

impl Cond {
    fn text(&self) -> String {
        match self {
            Cond::Test(f, v) => format!("{} == {v}", NAMES[*f]),
            Cond::Bare(f) => NAMES[*f].to_string(),
            Cond::Lit(v) => v.to_string(),
            Cond::Not(x) => format!("not ({})", x.text()),
            Cond::And(x, y) => format!("({}) and ({})", x.text(), y.text()),
            Cond::Or(x, y) => format!("({}) or ({})", x.text(), y.text()),
        }
    }
}

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        4 => (0..3usize, any::<bool>()).prop_map(|(f, v)| Cond::Test(f, v)),
        2 => (0..3usize).prop_map(Cond::Bare),
        1 => any::<bool>().prop_map(Cond::Lit),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| Cond::Not(Box::new(x))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| Cond::And(Box::new(x), Box::new(y))),
            (inner.clone(), inner).prop_map(|(x, y)| Cond::Or(Box::new(x), Box::new(y))),
        ]
    })
}

/// Three-valued truth: `None` is unknown.
type Tri = Option<bool>;

/// The reference: SPEC §2's Kleene logic, with the keys an unknown holds
/// open (a known sub-expression holds none).
fn reference(c: &Cond, world: &[Tri; 3]) -> (Tri, BTreeSet<usize>) {
    let known = |v: bool| (Some(v), BTreeSet::new());
    match c {
        Cond::Test(f, want) => match world[*f] {
            Some(v) => known(v == *want),
            None => (None, BTreeSet::from([*f])),
        },
        Cond::Bare(f) => match world[*f] {
            Some(v) => known(v),
            None => (None, BTreeSet::from([*f])),
        },
        Cond::Lit(v) => known(*v),
        Cond::Not(x) => {
            let (v, k) = reference(x, world);
            (v.map(|v| !v), k)
        }
        Cond::And(x, y) | Cond::Or(x, y) => {
            let is_and = matches!(c, Cond::And(..));
            let (vx, kx) = reference(x, world);
            let (vy, ky) = reference(y, world);
            let decisive = !is_and; // `false` decides `and`, `true` decides `or`
            if vx == Some(decisive) || vy == Some(decisive) {
                known(decisive)
            } else if vx.is_some() && vy.is_some() {
                known(!decisive)
            } else {
                let mut k = BTreeSet::new();
                if vx.is_none() {
                    k.extend(kx);
                }
                if vy.is_none() {
                    k.extend(ky);
                }
                (None, k)
            }
        }
    }
}

/// Builds one rule file with a ground per condition, in order.
fn program_of(conds: &[Cond]) -> Program {
    let mut text = String::from(
        "rules \"kleene\" { version \"1\" }\nfield a \"甲\" bool\nfield b \"乙\" bool\nfield c \"丙\" bool\n",
    );
    for (i, c) in conds.iter().enumerate() {
        text.push_str(&format!(
            "ground \"g{i}\" \"条件{i}\" {{\n  when {}\n}}\n",
            c.text()
        ));
    }
    shouli::load_rules("kleene.rules", text.as_bytes())
        .unwrap_or_else(|e| panic!("{text}\n{:?}", e.diagnostics))
}

/// All 27 assignments of true / false / absent to a, b, c.
fn worlds() -> impl Iterator<Item = [Tri; 3]> {
    let v = [Some(true), Some(false), None];
    (0..27).map(move |i| [v[i % 3], v[i / 3 % 3], v[i / 9]])
}

fn record_of(program: &Program, world: &[Tri; 3]) -> Record {
    let mut rec = Record::new(program.rules.fields.len());
    for (i, v) in world.iter().enumerate() {
        if let Some(v) = v {
            rec.set(program.rules.field(NAMES[i]).unwrap(), Value::Bool(*v));
        }
    }
    rec
}

fn tri(status: Status) -> Tri {
    match status {
        Status::True => Some(true),
        Status::False => Some(false),
        Status::Unknown => None,
        s => panic!("a condition has status {s:?}"),
    }
}

/// Evaluates each condition of `program` in every world: (value, open keys).
fn table(program: &Program) -> Vec<Vec<(Tri, BTreeSet<usize>)>> {
    worlds()
        .map(|w| {
            let trace = program.evaluate(&record_of(program, &w)).unwrap();
            trace
                .clauses()
                .map(|r| {
                    let v = tri(r.status);
                    let keys = if v.is_none() {
                        r.keys.iter().collect()
                    } else {
                        BTreeSet::new()
                    };
                    (v, keys)
                })
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(cases(256))]

    /// Every generated condition evaluates as the reference says, open
    /// keys included.
    #[test]
    fn conditions_agree_with_the_kleene_reference(c in cond()) {
        let program = program_of(std::slice::from_ref(&c));
        for (w, row) in worlds().zip(table(&program)) {
            let (v, keys) = reference(&c, &w);
            prop_assert_eq!(row[0].0, v, "{} in {:?}", c.text(), w);
            let names: BTreeSet<usize> = keys
                .into_iter()
                .map(|k| program.rules.field(NAMES[k]).unwrap())
                .collect();
            prop_assert_eq!(&row[0].1, &names, "{} in {:?}: open keys", c.text(), w);
        }
    }

    /// The laws, each as a pair of grounds that must agree in all 27
    /// worlds: commutativity, associativity, De Morgan, double negation.
    #[test]
    fn kleene_laws(x in cond(), y in cond(), z in cond()) {
        use Cond::*;
        let b = |c: &Cond| Box::new(c.clone());
        let pairs: Vec<(&str, Cond, Cond)> = vec![
            ("and commutes", And(b(&x), b(&y)), And(b(&y), b(&x))),
            ("or commutes", Or(b(&x), b(&y)), Or(b(&y), b(&x))),
            (
                "and associates",
                And(Box::new(And(b(&x), b(&y))), b(&z)),
                And(b(&x), Box::new(And(b(&y), b(&z)))),
            ),
            (
                "or associates",
                Or(Box::new(Or(b(&x), b(&y))), b(&z)),
                Or(b(&x), Box::new(Or(b(&y), b(&z)))),
            ),
            (
                "De Morgan (and)",
                Not(Box::new(And(b(&x), b(&y)))),
                Or(Box::new(Not(b(&x))), Box::new(Not(b(&y)))),
            ),
            (
                "De Morgan (or)",
                Not(Box::new(Or(b(&x), b(&y)))),
                And(Box::new(Not(b(&x))), Box::new(Not(b(&y)))),
            ),
            ("not not", Not(Box::new(Not(b(&x)))), x.clone()),
        ];
        let conds: Vec<Cond> = pairs
            .iter()
            .flat_map(|(_, l, r)| [l.clone(), r.clone()])
            .collect();
        let program = program_of(&conds);
        for (w, row) in worlds().zip(table(&program)) {
            for (i, (law, l, r)) in pairs.iter().enumerate() {
                prop_assert_eq!(
                    &row[2 * i], &row[2 * i + 1],
                    "{}: `{}` vs `{}` in {:?}", law, l.text(), r.text(), w
                );
            }
        }
    }
}

// ---- records under the built-in rules ---------------------------------------------

fn builtin() -> &'static Program {
    static P: std::sync::OnceLock<Program> = std::sync::OnceLock::new();
    P.get_or_init(|| shouli::builtin().expect("built-in rules load"))
}

/// One field's generated value: whether it is present, and a seed that
/// picks a value of the field's type.
type Gen = (bool, u64);

const TEXTS: [&str; 4] = ["王丽", "B2-018", "电饭煲", "商户拒绝更换"];

/// A value of `field`'s type from `seed`: dates around the purchase and
/// receipt dates of real complaints (so warranty ends fall on both sides),
/// numbers within the field's bounds, non-empty evidence lists.
fn value_of(
    rec: &mut Record,
    ty: &FieldType,
    min: Option<i64>,
    max: Option<i64>,
    seed: u64,
) -> Value {
    match ty {
        FieldType::Bool => Value::Bool(seed & 1 == 1),
        FieldType::Integer => {
            let lo = min.unwrap_or(0);
            let hi = max.unwrap_or(lo + 60).min(lo + 60);
            Value::Int(lo + (seed % (hi - lo + 1) as u64) as i64)
        }
        FieldType::Decimal => Value::Dec(min.unwrap_or(0) + (seed % 100_000) as i64),
        FieldType::Date => {
            let base = jiff::civil::date(2021, 1, 1);
            Value::Date(
                base.checked_add(((seed % 1800) as i64).days())
                    .unwrap()
                    .into(),
            )
        }
        FieldType::Text => rec.push_text(TEXTS[(seed % 4) as usize]),
        FieldType::Enum(values) => Value::Enum((seed % values.len() as u64) as u16),
        FieldType::List(values) => {
            let all = (1u64 << values.len()) - 1;
            let set = seed & all;
            Value::Set(if set == 0 {
                1 << (seed % values.len() as u64)
            } else {
                set
            })
        }
    }
}

fn fill(rec: &mut Record, gens: &[Gen], only_absent: bool) {
    for (slot, &(present, seed)) in gens.iter().enumerate() {
        if !present || (only_absent && !rec.get(slot).is_absent()) {
            continue;
        }
        let f = &builtin().rules.fields[slot];
        let v = value_of(rec, &f.ty, f.min, f.max, seed);
        rec.set(slot, v);
    }
}

/// Records as a clerk half-fills them: each field present with
/// probability `p`.
fn gens(p: f64) -> impl Strategy<Value = Vec<Gen>> {
    let n = builtin().rules.fields.len();
    proptest::collection::vec((proptest::bool::weighted(p), any::<u64>()), n)
}

/// A record's values, read back by key for the reference.
struct View<'a> {
    rec: &'a Record,
}

#[derive(Debug, Clone, PartialEq)]
enum V {
    Bool(bool),
    Int(i64),
    Date(Date),
    Code(String),
    Codes(Vec<String>),
    Other,
}

impl View<'_> {
    fn get(&self, key: &str) -> Option<V> {
        let rules = &builtin().rules;
        let slot = rules.field(key).unwrap_or_else(|| panic!("no field {key}"));
        let f = &rules.fields[slot];
        Some(match (self.rec.get(slot), &f.ty) {
            (Value::Absent, _) => return None,
            (Value::Bool(b), _) => V::Bool(b),
            (Value::Int(i), _) => V::Int(i),
            (Value::Date(d), _) => V::Date(d.to_jiff()),
            (Value::Enum(i), FieldType::Enum(vs)) => V::Code(vs[i as usize].code.clone()),
            (Value::Set(s), FieldType::List(vs)) => V::Codes(
                vs.iter()
                    .enumerate()
                    .filter(|(i, _)| s >> i & 1 == 1)
                    .map(|(_, v)| v.code.clone())
                    .collect(),
            ),
            _ => V::Other,
        })
    }
}

/// A condition's value and the keys holding it open, as SPEC §2 composes them.
#[derive(Debug, Clone, PartialEq)]
struct K(Tri, BTreeSet<&'static str>);

fn is(view: &View, key: &'static str, test: impl Fn(&V) -> bool) -> K {
    match view.get(key) {
        Some(v) => K(Some(test(&v)), BTreeSet::new()),
        None => K(None, BTreeSet::from([key])),
    }
}

fn code(view: &View, key: &'static str, codes: &[&str]) -> K {
    is(
        view,
        key,
        |v| matches!(v, V::Code(c) if codes.contains(&c.as_str())),
    )
}

fn boolean(view: &View, key: &'static str, want: bool) -> K {
    is(view, key, |v| *v == V::Bool(want))
}

fn or(x: K, y: K) -> K {
    match (x.0, y.0) {
        (Some(true), _) | (_, Some(true)) => K(Some(true), BTreeSet::new()),
        (Some(false), Some(false)) => K(Some(false), BTreeSet::new()),
        _ => {
            let mut k = BTreeSet::new();
            if x.0.is_none() {
                k.extend(x.1);
            }
            if y.0.is_none() {
                k.extend(y.1);
            }
            K(None, k)
        }
    }
}

fn and(x: K, y: K) -> K {
    let not = |k: K| K(k.0.map(|v| !v), k.1);
    not(or(not(x), not(y)))
}

/// `date + n months`, clamped to the month's last day: SPEC §2 as the
/// references share it (tests/support/spec.rs), not shouli's helper.
fn add_months(d: Date, n: i64) -> Date {
    let (y, m, d) = spec::plus_months((i32::from(d.year()), d.month() as u32, d.day() as u32), n);
    jiff::civil::date(y as i16, m as i8, d as i8)
}

/// What the reference expects of a record.
#[derive(Debug, PartialEq)]
struct Expected {
    outcome: &'static str,
    deciding: String,
    fired: Vec<String>,
    missing: Vec<String>,
    notify_by: Option<String>,
    resolve_by: Option<String>,
}

/// SPEC §3's clause table and §2's outcome rules, from scratch.
fn expected(rec: &Record) -> Expected {
    let view = View { rec };
    let bases = [
        ("1.1", code(&view, "claim.basis", &["harm"])),
        ("1.2", code(&view, "claim.basis", &["obligation"])),
    ];
    let warranty = match (
        view.get("received"),
        view.get("purchase.date"),
        view.get("purchase.warranty_months"),
    ) {
        (Some(V::Date(r)), Some(V::Date(p)), Some(V::Int(n))) => {
            K(Some(r > add_months(p, n)), BTreeSet::new())
        }
        _ => K(
            None,
            ["received", "purchase.date", "purchase.warranty_months"]
                .into_iter()
                .filter(|k| view.get(k).is_none())
                .collect(),
        ),
    };
    let grounds = [
        ("1.3(1)", code(&view, "complainant.kind", &["business"])),
        (
            "1.3(2)",
            code(&view, "purchase.channel", &["private", "illegal"]),
        ),
        ("1.3(3)", warranty),
        ("1.3(4)", boolean(&view, "purchase.sold_as_defective", true)),
        ("1.3(5)", code(&view, "claim.damage_cause", &["misuse"])),
        (
            "1.3(6)",
            or(
                boolean(&view, "claim.substantiated", false),
                boolean(&view, "respondent.identified", false),
            ),
        ),
        (
            "1.3(7)",
            and(
                code(&view, "history.mediation", &["executed"]),
                boolean(&view, "history.new_facts", false),
            ),
        ),
        (
            "1.3(8)",
            code(&view, "history.administrative", &["pending"]),
        ),
        (
            "1.3(9)",
            or(
                code(&view, "history.court", &["pending", "judged"]),
                code(&view, "history.arbitration", &["pending", "awarded"]),
            ),
        ),
        ("1.3(10)", boolean(&view, "claim.lawful", false)),
    ];
    let absent_21: BTreeSet<&str> = spec::FORM_21
        .into_iter()
        .filter(|k| view.get(k).is_none())
        .collect();
    let met_22 = matches!(view.get("claim.evidence"),
        Some(V::Codes(c)) if c.iter().any(|c| c == "invoice" || c == "receipt"));
    let evidence = [
        ("2.1", absent_21.is_empty(), absent_21),
        (
            "2.2",
            met_22,
            if met_22 {
                BTreeSet::new()
            } else {
                BTreeSet::from(["claim.evidence"])
            },
        ),
    ];

    let received = match view.get("received") {
        Some(V::Date(d)) => Some(d),
        _ => None,
    };
    let notify_by = received.map(|d| d.checked_add(3.days()).unwrap().to_string());
    let mut out = Expected {
        outcome: "",
        deciding: String::new(),
        fired: Vec::new(),
        missing: Vec::new(),
        notify_by,
        resolve_by: None,
    };

    let fired: Vec<String> = grounds
        .iter()
        .filter(|(_, k)| k.0 == Some(true))
        .map(|(id, _)| id.to_string())
        .collect();
    if let Some(first) = fired.first() {
        out.outcome = "rejected";
        out.deciding = first.clone();
        out.fired = fired;
        return out;
    }
    if bases.iter().all(|(_, k)| k.0 == Some(false)) {
        out.outcome = "rejected";
        out.deciding = "1.0".into();
        return out;
    }
    let any_basis_true = bases.iter().any(|(_, k)| k.0 == Some(true));
    // Clauses holding the complaint open, in clause order.
    let mut open: Vec<(&str, BTreeSet<&str>)> = Vec::new();
    if !any_basis_true {
        open.extend(
            bases
                .iter()
                .filter(|(_, k)| k.0.is_none())
                .map(|(id, k)| (*id, k.1.clone())),
        );
    }
    open.extend(
        grounds
            .iter()
            .filter(|(_, k)| k.0.is_none())
            .map(|(id, k)| (*id, k.1.clone())),
    );
    open.extend(
        evidence
            .iter()
            .filter(|(_, met, _)| !met)
            .map(|(id, _, k)| (*id, k.clone())),
    );
    if let Some((first, _)) = open.first() {
        out.outcome = "incomplete";
        out.deciding = first.to_string();
        let missing: BTreeSet<&str> = open.iter().flat_map(|(_, k)| k.iter().copied()).collect();
        out.missing = missing.into_iter().map(str::to_string).collect();
        return out;
    }
    out.outcome = "accepted";
    out.deciding = bases
        .iter()
        .find(|(_, k)| k.0 == Some(true))
        .map(|(id, _)| id.to_string())
        .unwrap();
    let start = match view.get("recorded.accepted") {
        Some(V::Date(d)) => Some(d),
        _ => received,
    };
    out.resolve_by = start.map(|d| d.checked_add(15.days()).unwrap().to_string());
    out
}

fn actual(rec: &Record) -> Expected {
    let program = builtin();
    let trace = program.evaluate(rec).expect("evaluates");
    let opts = shouli::report::Options {
        lang: shouli::diag::Lang::Zh,
        redact: false,
    };
    let r = shouli::report::build(program, rec, &trace, "p", Vec::new(), opts);
    Expected {
        outcome: r.outcome,
        deciding: r.deciding.unwrap_or_default().to_string(),
        fired: r.fired.iter().map(|s| s.to_string()).collect(),
        missing: r.missing.iter().map(|s| s.to_string()).collect(),
        notify_by: r.deadlines.get("notify_by").cloned().flatten(),
        resolve_by: r.deadlines.get("resolve_by").cloned().flatten(),
    }
}

/// Fields named in SPEC §3 and their clause statuses, for monotonicity.
fn statuses(rec: &Record) -> Vec<Status> {
    builtin()
        .evaluate(rec)
        .expect("evaluates")
        .clauses()
        .map(|r| r.status)
        .collect()
}

proptest! {
    #![proptest_config(cases(256))]

    /// Half-filled, mostly-filled and nearly empty records alike agree
    /// with the reference.
    #[test]
    fn builtin_rules_agree_with_the_reference(
        g in prop_oneof![Just(0.2), Just(0.6), Just(0.9)].prop_flat_map(gens),
    ) {
        let mut rec = Record::new(builtin().rules.fields.len());
        fill(&mut rec, &g, false);
        prop_assert_eq!(actual(&rec), expected(&rec));
    }

    /// The built-in rules' generated sweep decides as the general one,
    /// clause by clause (debug builds also check every evaluation so).
    #[test]
    fn generated_sweep_decides_as_the_general_one(
        g in prop_oneof![Just(0.3), Just(0.7), Just(0.97)].prop_flat_map(gens),
    ) {
        static GENERAL: std::sync::OnceLock<Program> = std::sync::OnceLock::new();
        let general = GENERAL.get_or_init(|| builtin().clone().interpreted());
        prop_assert!(builtin().is_generated() && !general.is_generated());
        let mut rec = Record::new(builtin().rules.fields.len());
        fill(&mut rec, &g, false);
        prop_assert_eq!(builtin().evaluate(&rec), general.evaluate(&rec));
    }

    /// Records where almost everything is filled in, so acceptances and
    /// the later grounds are reached often, shrinking field by field.
    #[test]
    fn full_records_agree_with_the_reference(g in gens(0.97)) {
        let mut rec = Record::new(builtin().rules.fields.len());
        fill(&mut rec, &g, false);
        prop_assert_eq!(actual(&rec), expected(&rec));
    }

    /// 1.3(3) at its edge: received within a few days of the end of the
    /// warranty, purchases on month ends (where adding months clamps).
    #[test]
    fn warranty_edge_agrees_with_the_reference(
        g in gens(0.97),
        (y, m, d) in (2020i16..2024, 1i8..=12, prop_oneof![Just(1i8), Just(15), 28i8..=31]),
        months in prop_oneof![Just(0i64), Just(1), Just(12), Just(13), 0i64..=60],
        delta in -2i64..=2,
    ) {
        let last = spec::days_in_month(i32::from(y), m as u32) as i8;
        let bought = jiff::civil::date(y, m, d.min(last));
        let received = add_months(bought, months).checked_add(delta.days()).unwrap();
        let mut rec = Record::new(builtin().rules.fields.len());
        fill(&mut rec, &g, false);
        let rules = &builtin().rules;
        rec.set(rules.field("purchase.date").unwrap(), Value::Date(bought.into()));
        rec.set(rules.field("purchase.warranty_months").unwrap(), Value::Int(months));
        rec.set(rules.field("received").unwrap(), Value::Date(received.into()));
        prop_assert_eq!(actual(&rec), expected(&rec));
    }

    /// Adding keys that were absent never changes a condition that was true
    /// or false, nor a met evidence clause, nor a rejection; and known
    /// deadlines stay as they were.
    #[test]
    fn adding_keys_is_monotone(before in gens(0.5), added in gens(0.5)) {
        let mut rec = Record::new(builtin().rules.fields.len());
        fill(&mut rec, &before, false);
        let old = statuses(&rec);
        let old_report = actual(&rec);
        fill(&mut rec, &added, true);
        let new = statuses(&rec);
        let new_report = actual(&rec);
        for (i, (o, n)) in old.iter().zip(&new).enumerate() {
            let clause = &builtin().rules.clauses[i];
            // A warning may turn on a key's absence (`not present [..]`):
            // it decides nothing, so monotony is no promise of its.
            if clause.kind == shouli::model::ClauseKind::Warning {
                continue;
            }
            let id = &clause.id;
            match o {
                Status::True | Status::False | Status::Met => {
                    prop_assert_eq!(o, n, "clause {} changed", id)
                }
                _ => {}
            }
        }
        if old_report.outcome == "rejected" {
            prop_assert_eq!(new_report.outcome, "rejected");
            // Every ground that fired still fires.
            for f in &old_report.fired {
                prop_assert!(new_report.fired.contains(f), "{} no longer fires", f);
            }
        }
        if old_report.notify_by.is_some() {
            prop_assert_eq!(old_report.notify_by, new_report.notify_by);
        }
        // An accepted record has nothing left to add that matters.
        if old_report.outcome == "accepted" {
            prop_assert_eq!(new_report.outcome, "accepted");
        }
    }
}

// ---- fmt round trip ------------------------------------------------------------

/// A string literal's body: Chinese, ASCII, quotes and backslashes (which
/// must be escaped), but no braces (placeholders in templates).
fn words() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("投诉"),
            Just("受理"),
            Just("abc"),
            Just(" "),
            Just("\""),
            Just("\\"),
            Just("，"),
            Just("（注）"),
            Just("\t"),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

/// Writes a string literal the way an author would, escaping by hand.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A typed condition over the fields of [`FMT_HEAD`].
fn typed_leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..5u8, -5i64..500).prop_map(|(op, n)| {
            let op = ["==", "!=", "<", "<=", ">", ">="][op as usize];
            format!("f_int {op} {n}")
        }),
        (0..100_000i64).prop_map(|c| format!("f_dec <= {}.{:02}", c / 100, c % 100)),
        (1..400i64, 0..3u8).prop_map(|(n, u)| {
            let unit = ["days", "months", "years"][u as usize];
            format!("f_date + {n} {unit} < 2024-01-01")
        }),
        Just("(f_date else 2020-01-01) == 2020-01-01".to_string()),
        Just("f_date + f_int months >= 2023-1-5".to_string()),
        prop::sample::subsequence(vec!["x", "y", "z"], 1..=3).prop_map(|v| {
            let list: Vec<String> = v.iter().map(|s| format!("\"{s}\"")).collect();
            format!("f_enum in [{}]", list.join(", "))
        }),
        Just("f_enum not in [\"z\"]".to_string()),
        Just("f_list contains any [\"x\", \"y\",]".to_string()),
        Just("f_list contains \"z\"".to_string()),
        Just("present [f_text, f_int,]".to_string()),
        words().prop_map(|w| format!("f_text == {}", quoted(&w))),
        Just("f_bool".to_string()),
        Just("f_bool == false".to_string()),
    ]
}

fn typed_cond() -> impl Strategy<Value = String> {
    typed_leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            inner.clone().prop_map(|x| format!("not {x}")),
            proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" and ")),
            proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join(" or ")),
            (inner.clone(), inner).prop_map(|(x, y)| format!("({x}) and ({y})")),
        ]
    })
}

const FMT_HEAD: &str = "field f_bool \"布尔\" bool
field f_int \"整数\" integer min 0
field f_dec \"金额\" decimal min 0 max 99999.99
field f_date \"日期\" date
field f_text \"文字\" text personal name
field f_enum \"枚举\" enum { x \"甲\" y \"乙\" en \"B\" z \"丙\" }
field f_list \"列表\" list { x \"甲\" y \"乙\" z \"丙\" }
";

/// One clause, of any kind, with optional texts and comments.
fn clause(i: usize) -> impl Strategy<Value = String> {
    (
        0..4u8,
        typed_cond(),
        words(),
        proptest::option::of(words()),
        proptest::option::of(words()),
        any::<bool>(),
    )
        .prop_map(move |(kind, cond, title, source, because, comment)| {
            let (kw, stmt) = match kind {
                0 => ("basis", format!("when {cond}")),
                1 => ("ground", format!("when {cond}")),
                2 => ("evidence", format!("require {cond}")),
                _ => (
                    "deadline",
                    "due due_by = (f_date else f_date) + 3 days".to_string(),
                ),
            };
            let mut s = format!("{kw} \"c{i}\" {} {{\n", quoted(&format!("条款{title}")));
            if comment {
                s.push_str("  # 注释：条款内\n");
            }
            if let Some(src) = source {
                s.push_str(&format!("  source {}\n", quoted(&src)));
            }
            s.push_str(&format!("  {stmt}"));
            s.push_str(if comment { "   # 行尾注释\n" } else { "\n" });
            if let Some(b) = because {
                s.push_str(&format!("  because {} en \"{{f_int}} days\"\n", quoted(&b)));
            }
            s.push_str("}\n");
            s
        })
}

/// A whole rule file: header, fields, a define, clauses, an example; the
/// author's spacing is varied (extra blank lines, spaces, line breaks).
fn rule_file() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(any::<usize>(), 1..5)
            .prop_flat_map(|v| (0..v.len()).map(clause).collect::<Vec<_>>()),
        typed_cond(),
        prop_oneof![Just("\n"), Just("\n\n"), Just("\n\n\n"), Just("  \n")],
        any::<bool>(),
    )
        .prop_map(|(clauses, define, gap, comments)| {
            let mut s = String::new();
            if comments {
                s.push_str("# 文件头注释\n");
            }
            s.push_str("rules \"生成的规则\" { version \"1\"  effective 2024-1-1 }");
            s.push_str(gap);
            s.push_str(FMT_HEAD);
            s.push_str(gap);
            s.push_str(&format!("define d0 \"定义\" =\n    {define}{gap}"));
            for c in clauses {
                s.push_str(&c);
                s.push_str(gap);
            }
            s.push_str(
                "example \"例\" {\n  f_int = 3\n  f_list = [\"x\", \"y\"]\n  without f_text, f_bool\n  expect incomplete\n}\n",
            );
            s
        })
}

/// The tree's debug form with every span (`12..34`) blanked, so two trees
/// of differently laid out texts compare equal when their content does.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let b = debug.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let digits = |mut j: usize| {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            j
        };
        let j = digits(i);
        if j > i && b[j..].starts_with(b"..") {
            let k = digits(j + 2);
            if k > j + 2 {
                out.push('_');
                i = k;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

fn tree(text: &str) -> String {
    let parsed = shouli::syntax::parse(text);
    match parsed.file {
        Some(file) => without_spans(&format!("{file:?}")),
        None => panic!("does not parse:\n{text}\n{:?}", parsed.diagnostics),
    }
}

proptest! {
    #![proptest_config(cases(128))]

    /// `parse(fmt(x)) == parse(x)` (spans aside), `fmt` is idempotent, every
    /// comment survives, and the formatted file checks exactly when the
    /// original does.
    #[test]
    fn fmt_round_trip(text in rule_file()) {
        let formatted = shouli::fmt::format(&text)
            .unwrap_or_else(|d| panic!("fmt refused a file that parses: {d:?}\n{text}"));
        prop_assert_eq!(tree(&formatted), tree(&text), "\n--- input\n{}\n--- formatted\n{}", text, formatted);
        let again = shouli::fmt::format(&formatted).unwrap();
        prop_assert_eq!(&again, &formatted, "fmt is not idempotent");
        for comment in ["# 文件头注释", "# 注释：条款内", "# 行尾注释"] {
            prop_assert_eq!(
                text.matches(comment).count(),
                formatted.matches(comment).count(),
                "comment `{}` lost or duplicated", comment
            );
        }
        let ok = |t: &str| shouli::load_rules("gen.rules", t.as_bytes()).is_ok();
        prop_assert_eq!(ok(&text), ok(&formatted));
    }
}
