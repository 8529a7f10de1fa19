//! A deterministic archive of complaint records for the batch tests, with
//! the outcome each record must get computed by a small reference written
//! straight from SPEC §2 and §3 (it shares no code with shouli's
//! evaluator), and bad records placed in the middle of the files.
//!
//! `generate(seed, n)` gives the cases; `write_*` lays them out as a TOML
//! directory, a JSON Lines file or a CSV file and return, in input order,
//! what the batch must report for each record.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

pub use crate::spec::Rng;
use crate::spec::{FORM_21 as FORM, civil_from_days, days_from_civil, plus_months};

/// A calendar date, with just the arithmetic the reference needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl Ymd {
    pub fn new(y: i32, m: u32, d: u32) -> Ymd {
        Ymd { y, m, d }
    }

    /// Days since 1970-01-01.
    fn days(self) -> i64 {
        days_from_civil(self.y, self.m, self.d)
    }

    fn from_days(z: i64) -> Ymd {
        let (y, m, d) = civil_from_days(z);
        Ymd { y, m, d }
    }

    pub fn plus_days(self, n: i64) -> Ymd {
        Ymd::from_days(self.days() + n)
    }

    /// Adds months, clamping to the month's last day.
    pub fn plus_months(self, n: i64) -> Ymd {
        let (y, m, d) = plus_months((self.y, self.m, self.d), n);
        Ymd { y, m, d }
    }
}

impl std::fmt::Display for Ymd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(String),
    Int(i64),
    /// Hundredths.
    Dec(i64),
    Bool(bool),
    Date(Ymd),
    List(Vec<&'static str>),
}

/// Every key of SPEC §1, in CSV column order.
pub const KEYS: &[&str] = &[
    "id",
    "received",
    "complainant.name",
    "complainant.phone",
    "complainant.kind",
    "respondent.name",
    "respondent.stall",
    "respondent.phone",
    "respondent.identified",
    "purchase.date",
    "purchase.channel",
    "purchase.product",
    "purchase.brand",
    "purchase.model",
    "purchase.quantity",
    "purchase.price",
    "purchase.warranty_months",
    "purchase.sold_as_defective",
    "claim.basis",
    "claim.facts",
    "claim.substantiated",
    "claim.damage_cause",
    "claim.lawful",
    "claim.negotiation",
    "claim.demand",
    "claim.evidence",
    "history.mediation",
    "history.new_facts",
    "history.administrative",
    "history.court",
    "history.arbitration",
    "recorded.outcome",
    "recorded.clause",
    "recorded.notified",
    "recorded.accepted",
    "recorded.resolved",
];

/// The phone number a `PhoneNumber` spoil writes where the record has none.
pub const SPOILED_PHONE: &str = "13912345678";

/// The spoils each layout can show.
pub const TOML_SPOILS: &[Spoil] = &[
    Spoil::QuantityText,
    Spoil::ImpossibleDate,
    Spoil::ChannelOnline,
    Spoil::NegativePrice,
    Spoil::PhoneNumber,
    Spoil::Broken,
];
pub const JSONL_SPOILS: &[Spoil] = TOML_SPOILS;
/// A CSV cell is text, so a phone "number" is fine there.
pub const CSV_SPOILS: &[Spoil] = &[
    Spoil::QuantityText,
    Spoil::ImpossibleDate,
    Spoil::ChannelOnline,
    Spoil::NegativePrice,
    Spoil::MissingCell,
    Spoil::ExtraCell,
];

/// How a record is spoiled, to be reported as an error in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spoil {
    /// `purchase.quantity = "一"`
    QuantityText,
    /// `purchase.date = 2023-02-30`
    ImpossibleDate,
    /// `purchase.channel = "online"`
    ChannelOnline,
    /// `purchase.price = -5`
    NegativePrice,
    /// The complainant's phone written as a number: its message shows it.
    PhoneNumber,
    /// JSON Lines: the line cut in half. TOML: a syntax error.
    Broken,
    /// CSV: the last cell left off.
    MissingCell,
    /// CSV: one cell too many.
    ExtraCell,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub values: Vec<(&'static str, Val)>,
    pub spoil: Option<Spoil>,
}

impl Case {
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    fn str(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(Val::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn date(&self, key: &str) -> Option<Ymd> {
        match self.get(key) {
            Some(Val::Date(d)) => Some(*d),
            _ => None,
        }
    }

    fn int(&self, key: &str) -> Option<i64> {
        match self.get(key) {
            Some(Val::Int(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn id(&self) -> Option<&str> {
        self.str("id")
    }

    /// The personal values: names and phone numbers.
    pub fn personal(&self) -> Vec<String> {
        [
            "complainant.name",
            "complainant.phone",
            "respondent.name",
            "respondent.phone",
        ]
        .iter()
        .filter_map(|k| self.str(k).map(str::to_string))
        .chain((self.spoil == Some(Spoil::PhoneNumber)).then(|| SPOILED_PHONE.to_string()))
        .collect()
    }
}

/// What the batch must report for a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub id: String,
    pub source: String,
    /// `accepted`, `rejected`, `incomplete` or `error`.
    pub outcome: String,
    pub deciding: String,
    pub fired: Vec<String>,
    pub missing: Vec<String>,
    pub notify_by: Option<String>,
    pub resolve_by: Option<String>,
    pub flags: Vec<String>,
}

// ---- the reference (SPEC §2, §3) -------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum K {
    T,
    F,
    /// Unknown, held open by these keys.
    U(Vec<&'static str>),
}

fn is(c: &Case, key: &'static str, values: &[&str]) -> K {
    match c.str(key) {
        None => K::U(vec![key]),
        Some(v) => {
            if values.contains(&v) {
                K::T
            } else {
                K::F
            }
        }
    }
}

fn is_bool(c: &Case, key: &'static str, want: bool) -> K {
    match c.bool(key) {
        None => K::U(vec![key]),
        Some(b) if b == want => K::T,
        Some(_) => K::F,
    }
}

fn or(a: K, b: K) -> K {
    match (a, b) {
        (K::T, _) | (_, K::T) => K::T,
        (K::F, K::F) => K::F,
        (K::U(x), K::F) | (K::F, K::U(x)) => K::U(x),
        (K::U(mut x), K::U(y)) => {
            x.extend(y);
            K::U(x)
        }
    }
}

fn and(a: K, b: K) -> K {
    match (a, b) {
        (K::F, _) | (_, K::F) => K::F,
        (K::T, K::T) => K::T,
        (K::U(x), K::T) | (K::T, K::U(x)) => K::U(x),
        (K::U(mut x), K::U(y)) => {
            x.extend(y);
            K::U(x)
        }
    }
}

/// The outcome, deciding clause, fired grounds and missing keys of a case.
pub fn reference(
    c: &Case,
) -> (
    String,
    String,
    Vec<String>,
    Vec<String>,
    Option<Ymd>,
    Option<Ymd>,
) {
    let bases = [
        ("1.1", is(c, "claim.basis", &["harm"])),
        ("1.2", is(c, "claim.basis", &["obligation"])),
    ];
    let warranty = match (
        c.date("received"),
        c.date("purchase.date"),
        c.int("purchase.warranty_months"),
    ) {
        (Some(r), Some(p), Some(n)) => {
            if r > p.plus_months(n) {
                K::T
            } else {
                K::F
            }
        }
        (r, p, n) => {
            let mut keys = Vec::new();
            if r.is_none() {
                keys.push("received");
            }
            if p.is_none() {
                keys.push("purchase.date");
            }
            if n.is_none() {
                keys.push("purchase.warranty_months");
            }
            K::U(keys)
        }
    };
    let grounds = [
        ("1.3(1)", is(c, "complainant.kind", &["business"])),
        ("1.3(2)", is(c, "purchase.channel", &["private", "illegal"])),
        ("1.3(3)", warranty),
        ("1.3(4)", is_bool(c, "purchase.sold_as_defective", true)),
        ("1.3(5)", is(c, "claim.damage_cause", &["misuse"])),
        (
            "1.3(6)",
            or(
                is_bool(c, "claim.substantiated", false),
                is_bool(c, "respondent.identified", false),
            ),
        ),
        (
            "1.3(7)",
            and(
                is(c, "history.mediation", &["executed"]),
                is_bool(c, "history.new_facts", false),
            ),
        ),
        ("1.3(8)", is(c, "history.administrative", &["pending"])),
        (
            "1.3(9)",
            or(
                is(c, "history.court", &["pending", "judged"]),
                is(c, "history.arbitration", &["pending", "awarded"]),
            ),
        ),
        ("1.3(10)", is_bool(c, "claim.lawful", false)),
    ];
    let form_missing: Vec<&'static str> = FORM
        .iter()
        .copied()
        .filter(|k| c.get(k).is_none())
        .collect();
    let evidence_met = match c.get("claim.evidence") {
        Some(Val::List(items)) => items.contains(&"invoice") || items.contains(&"receipt"),
        _ => false,
    };

    let received = c.date("received");
    let notify_by = received.map(|r| r.plus_days(3));
    let fired: Vec<String> = grounds
        .iter()
        .filter(|g| g.1 == K::T)
        .map(|g| g.0.to_string())
        .collect();
    if let Some(first) = fired.first() {
        return (
            "rejected".into(),
            first.clone(),
            fired,
            vec![],
            notify_by,
            None,
        );
    }
    if bases.iter().all(|b| b.1 == K::F) {
        return (
            "rejected".into(),
            "1.0".into(),
            vec![],
            vec![],
            notify_by,
            None,
        );
    }
    let any_basis = bases.iter().any(|b| b.1 == K::T);
    let mut open: Vec<(&str, Vec<&'static str>)> = Vec::new();
    if !any_basis {
        for (id, k) in &bases {
            if let K::U(keys) = k {
                open.push((id, keys.clone()));
            }
        }
    }
    for (id, k) in &grounds {
        if let K::U(keys) = k {
            open.push((id, keys.clone()));
        }
    }
    if !form_missing.is_empty() {
        open.push(("2.1", form_missing));
    }
    if !evidence_met {
        open.push(("2.2", vec!["claim.evidence"]));
    }
    if let Some((first, _)) = open.first() {
        let mut missing: Vec<String> = open
            .iter()
            .flat_map(|(_, keys)| keys.iter().map(|k| k.to_string()))
            .collect();
        missing.sort();
        missing.dedup();
        return (
            "incomplete".into(),
            first.to_string(),
            vec![],
            missing,
            notify_by,
            None,
        );
    }
    let deciding = bases.iter().find(|b| b.1 == K::T).expect("a basis").0;
    let resolve_by = c
        .date("recorded.accepted")
        .or(received)
        .map(|d| d.plus_days(15));
    (
        "accepted".into(),
        deciding.into(),
        vec![],
        vec![],
        notify_by,
        resolve_by,
    )
}

/// The audit flags the reference expects.
fn flags(
    c: &Case,
    outcome: &str,
    deciding: &str,
    fired: &[String],
    notify: Option<Ymd>,
    resolve: Option<Ymd>,
) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(o) = c.str("recorded.outcome")
        && o != outcome
    {
        flags.push("outcome_disagrees".to_string());
    }
    if let Some(cl) = c.str("recorded.clause")
        && cl != deciding
        && !(outcome == "rejected" && fired.iter().any(|f| f == cl))
    {
        flags.push("clause_disagrees".to_string());
    }
    if let (Some(done), Some(due)) = (c.date("recorded.notified"), notify)
        && done > due
    {
        flags.push("notify_breach".to_string());
    }
    if let (Some(done), Some(due)) = (c.date("recorded.resolved"), resolve)
        && done > due
    {
        flags.push("resolve_breach".to_string());
    }
    flags
}

/// The expectation of a case read from `source`, with `default_id` used
/// when it has no id, or when its id cannot be read (`id_lost`: a TOML
/// file that does not parse, a CSV row with the wrong number of cells).
pub fn expect(c: &Case, source: String, default_id: String, id_lost: bool) -> Expect {
    let id = match c.id() {
        Some(id) if !id_lost => id.to_string(),
        _ => default_id,
    };
    if c.spoil.is_some() {
        return Expect {
            id,
            source,
            outcome: "error".into(),
            deciding: String::new(),
            fired: vec![],
            missing: vec![],
            notify_by: None,
            resolve_by: None,
            flags: vec![],
        };
    }
    let (outcome, deciding, fired, missing, notify, resolve) = reference(c);
    let flags = flags(c, &outcome, &deciding, &fired, notify, resolve);
    Expect {
        id,
        source,
        outcome,
        deciding,
        fired,
        missing,
        notify_by: notify.map(|d| d.to_string()),
        resolve_by: resolve.map(|d| d.to_string()),
        flags,
    }
}

// ---- generation ---------------------------------------------------------------

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "丽", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "秀英", "建国",
];
const SHOPS: &[&str] = &[
    "鑫达家电",
    "华联数码",
    "金利来服饰",
    "百佳超市",
    "国美电器",
    "苏宁易购",
    "大润发",
];
const PRODUCTS: &[&str] = &[
    "电饭煲",
    "洗衣机",
    "空调",
    "手机",
    "电视机",
    "冰箱",
    "热水器",
    "皮鞋",
    "羽绒服",
];
const BRANDS: &[&str] = &["美的", "海尔", "格力", "华为", "小米", "TCL", "九阳"];
const EVIDENCE: &[&str] = &[
    "invoice",
    "receipt",
    "warranty_card",
    "contract",
    "photo",
    "other",
];

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

fn s(x: &str) -> Val {
    Val::Str(x.to_string())
}

/// A random complaint; `recorded` adds what the desk did at the time.
fn case(rng: &mut Rng, seq: usize) -> Case {
    let mut v: Vec<(&'static str, Val)> = Vec::new();
    // Most keys are present; each optional one is left out now and then,
    // so that every outcome and every reason for incompleteness occurs.
    let absent = |rng: &mut Rng| rng.chance(4);

    if !rng.chance(3) {
        v.push(("id", Val::Str(format!("2024-{seq:05}"))));
    }
    let purchase = Ymd::new(2021, 1, 1).plus_days(rng.below(1300) as i64);
    let warranty = *rng.pick(&[3i64, 6, 12, 24, 36]);
    let received = match rng.below(10) {
        // The warranty's last day, and the day after it.
        0 => purchase.plus_months(warranty),
        1 => purchase.plus_months(warranty).plus_days(1),
        _ => purchase.plus_days(rng.below(1000) as i64),
    };
    if !absent(rng) {
        v.push(("received", Val::Date(received)));
    }
    if !absent(rng) {
        let given = rng.pick(GIVEN).to_string();
        v.push((
            "complainant.name",
            Val::Str(format!("{}{given}", rng.pick(SURNAMES))),
        ));
    }
    if !absent(rng) {
        let second = rng.pick(&["3", "5", "7", "8", "9"]).to_string();
        v.push((
            "complainant.phone",
            Val::Str(format!("1{second}{}", digits(rng, 9))),
        ));
    }
    if !absent(rng) {
        v.push((
            "complainant.kind",
            s(rng.weighted(&[("consumer", 95), ("business", 5)])),
        ));
    }
    if !absent(rng) {
        v.push(("respondent.name", s(rng.pick::<&str>(SHOPS))));
    }
    if !absent(rng) {
        v.push((
            "respondent.stall",
            Val::Str(format!("B{}-{}", rng.below(5) + 1, digits(rng, 3))),
        ));
    }
    if rng.chance(60) {
        v.push((
            "respondent.phone",
            Val::Str(format!("0571-8{}", digits(rng, 7))),
        ));
    }
    if !absent(rng) {
        v.push(("respondent.identified", Val::Bool(!rng.chance(4))));
    }
    if !absent(rng) {
        v.push(("purchase.date", Val::Date(purchase)));
    }
    if !absent(rng) {
        v.push((
            "purchase.channel",
            s(rng.weighted(&[("mall", 90), ("private", 5), ("illegal", 5)])),
        ));
    }
    if !absent(rng) {
        v.push(("purchase.product", s(rng.pick::<&str>(PRODUCTS))));
    }
    if !absent(rng) {
        v.push(("purchase.brand", s(rng.pick::<&str>(BRANDS))));
    }
    if !absent(rng) {
        v.push(("purchase.model", Val::Str(format!("MB-{}", digits(rng, 4)))));
    }
    if !absent(rng) {
        v.push(("purchase.quantity", Val::Int(rng.below(3) as i64 + 1)));
    }
    if !absent(rng) {
        v.push(("purchase.price", Val::Dec(rng.below(500_000) as i64 + 100)));
    }
    if !absent(rng) {
        v.push(("purchase.warranty_months", Val::Int(warranty)));
    }
    if !absent(rng) {
        v.push(("purchase.sold_as_defective", Val::Bool(rng.chance(3))));
    }
    if !absent(rng) {
        v.push((
            "claim.basis",
            s(rng.weighted(&[("harm", 60), ("obligation", 33), ("other", 7)])),
        ));
    }
    if !absent(rng) {
        v.push(("claim.facts", s("使用三个月后无法加热")));
    }
    if !absent(rng) {
        v.push(("claim.substantiated", Val::Bool(!rng.chance(4))));
    }
    if !absent(rng) {
        v.push((
            "claim.damage_cause",
            s(rng.weighted(&[("quality", 80), ("misuse", 8), ("other", 12)])),
        ));
    }
    if !absent(rng) {
        v.push(("claim.lawful", Val::Bool(!rng.chance(3))));
    }
    if !absent(rng) {
        v.push(("claim.negotiation", s("商户拒绝更换")));
    }
    if !absent(rng) {
        v.push(("claim.demand", s("更换同型号新品")));
    }
    if !absent(rng) {
        let mut items: Vec<&'static str> = Vec::new();
        if rng.chance(85) {
            items.push(*rng.pick(&["invoice", "receipt"]));
        }
        for e in EVIDENCE {
            if rng.chance(20) && !items.contains(e) {
                items.push(e);
            }
        }
        if items.is_empty() {
            items.push("photo");
        }
        // The order a list is written in does not matter.
        items.sort_by_key(|e| EVIDENCE.iter().position(|x| x == e));
        v.push(("claim.evidence", Val::List(items)));
    }
    if !absent(rng) {
        v.push((
            "history.mediation",
            s(rng.weighted(&[("none", 90), ("executed", 10)])),
        ));
    }
    if !absent(rng) {
        v.push(("history.new_facts", Val::Bool(rng.chance(50))));
    }
    if !absent(rng) {
        v.push((
            "history.administrative",
            s(rng.weighted(&[("none", 90), ("pending", 5), ("closed", 5)])),
        ));
    }
    if !absent(rng) {
        v.push((
            "history.court",
            s(rng.weighted(&[("none", 94), ("pending", 3), ("judged", 3)])),
        ));
    }
    if !absent(rng) {
        v.push((
            "history.arbitration",
            s(rng.weighted(&[("none", 95), ("pending", 3), ("awarded", 2)])),
        ));
    }
    let mut c = Case {
        values: v,
        spoil: None,
    };
    if rng.chance(30) {
        record_what_was_done(rng, &mut c, received);
    }
    c
}

/// Adds `[recorded]`: mostly what the rules say, sometimes not, and dates
/// around the deadlines.
fn record_what_was_done(rng: &mut Rng, c: &mut Case, received: Ymd) {
    let (outcome, deciding, ..) = reference(c);
    let recorded_outcome = if rng.chance(85) {
        outcome.clone()
    } else {
        rng.pick(&["accepted", "rejected", "incomplete"])
            .to_string()
    };
    c.values
        .push(("recorded.outcome", Val::Str(recorded_outcome)));
    if rng.chance(70) {
        let clause = if rng.chance(85) {
            deciding
        } else {
            rng.pick(&["1.1", "1.2", "1.3(2)", "1.3(5)", "2.2"])
                .to_string()
        };
        c.values.push(("recorded.clause", Val::Str(clause)));
    }
    c.values.push((
        "recorded.notified",
        Val::Date(received.plus_days(rng.below(6) as i64)),
    ));
    let accepted = received.plus_days(rng.below(2) as i64);
    if rng.chance(80) {
        c.values.push(("recorded.accepted", Val::Date(accepted)));
    }
    if rng.chance(80) {
        c.values.push((
            "recorded.resolved",
            Val::Date(accepted.plus_days(5 + rng.below(16) as i64)),
        ));
    }
}

/// `n` cases; about one in fifty is spoiled in a way `spoils` allows.
pub fn generate(seed: u64, n: usize, spoils: &[Spoil]) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let mut c = case(&mut rng, i);
            if !spoils.is_empty() && rng.chance(2) {
                c.spoil = Some(*rng.pick(spoils));
            }
            c
        })
        .collect()
}

// ---- layout ------------------------------------------------------------------

fn toml_value(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("{s:?}"),
        Val::Int(i) => i.to_string(),
        Val::Dec(d) => format!("{}.{:02}", d / 100, d % 100),
        Val::Bool(b) => b.to_string(),
        Val::Date(d) => d.to_string(),
        Val::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| format!("{i:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The values with the spoil applied, as (key, TOML text).
fn spoiled(c: &Case) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> =
        c.values.iter().map(|(k, v)| (*k, toml_value(v))).collect();
    let mut set = |key: &'static str, text: &str| match out.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = text.to_string(),
        None => out.push((key, text.to_string())),
    };
    match c.spoil {
        Some(Spoil::QuantityText) => set("purchase.quantity", "\"一\""),
        Some(Spoil::ImpossibleDate) => set("purchase.date", "2023-02-30"),
        Some(Spoil::ChannelOnline) => set("purchase.channel", "\"online\""),
        Some(Spoil::NegativePrice) => set("purchase.price", "-5"),
        Some(Spoil::PhoneNumber) => {
            let phone = c
                .str("complainant.phone")
                .unwrap_or(SPOILED_PHONE)
                .to_string();
            set("complainant.phone", &phone)
        }
        _ => {}
    }
    out
}

pub fn to_toml(c: &Case) -> String {
    let values = spoiled(c);
    let mut out = String::new();
    for (k, v) in &values {
        if !k.contains('.') {
            let _ = writeln!(out, "{k} = {v}");
        }
    }
    for table in [
        "complainant",
        "respondent",
        "purchase",
        "claim",
        "history",
        "recorded",
    ] {
        let keys: Vec<&(&str, String)> = values
            .iter()
            .filter(|(k, _)| k.split('.').next() == Some(table) && k.contains('.'))
            .collect();
        if keys.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n[{table}]");
        for (k, v) in keys {
            let _ = writeln!(out, "{} = {v}", &k[table.len() + 1..]);
        }
    }
    if c.spoil == Some(Spoil::Broken) {
        out.push_str("quantity = = 1\n");
    }
    out
}

pub fn to_json(c: &Case) -> String {
    // TOML values are valid JSON values for everything generated here
    // except dates, which JSON writes as strings.
    let mut tables: Vec<(&str, Vec<(&str, String)>)> = Vec::new();
    let mut top: Vec<(&str, String)> = Vec::new();
    for (k, v) in spoiled(c) {
        let is_date = matches!(c.get(k), Some(Val::Date(_))) || v == "2023-02-30";
        let v = if is_date { format!("\"{v}\"") } else { v };
        match k.split_once('.') {
            None => top.push((k, v)),
            Some((t, rest)) => match tables.iter_mut().find(|(name, _)| *name == t) {
                Some((_, keys)) => keys.push((rest, v)),
                None => tables.push((t, vec![(rest, v)])),
            },
        }
    }
    let mut parts: Vec<String> = top.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    for (t, keys) in &tables {
        let inner: Vec<String> = keys.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
        parts.push(format!("\"{t}\": {{{}}}", inner.join(", ")));
    }
    let line = format!("{{{}}}", parts.join(", "));
    if c.spoil == Some(Spoil::Broken) {
        let mut cut = line.len() / 2;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line[..cut].to_string()
    } else {
        line
    }
}

fn csv_cell(v: &str) -> String {
    let v = v.trim_matches('"');
    if v.contains([',', '"']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

pub fn csv_header() -> String {
    KEYS.join(",")
}

pub fn to_csv(c: &Case) -> String {
    let values = spoiled(c);
    let mut cells: Vec<String> = KEYS
        .iter()
        .map(|k| match values.iter().find(|(key, _)| key == k) {
            None => String::new(),
            Some((_, v)) => match c.get(k) {
                Some(Val::List(items)) => items.join(";"),
                _ => csv_cell(v),
            },
        })
        .collect();
    match c.spoil {
        Some(Spoil::MissingCell) => {
            cells.pop();
        }
        Some(Spoil::ExtraCell) => cells.push("多余".to_string()),
        _ => {}
    }
    cells.join(",")
}

/// Writes each case as `dir/NN/NNNNN.toml` (sorted path order is case
/// order) and returns the expectations in that order.
pub fn write_toml_dir(cases: &[Case], dir: &Path) -> Vec<Expect> {
    let mut expects = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let sub = dir.join(format!("{:02}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let path = sub.join(format!("{i:05}.toml"));
        std::fs::write(&path, to_toml(c)).unwrap();
        let source = path.display().to_string();
        // A TOML date that does not exist fails the whole file's parse.
        let lost = matches!(c.spoil, Some(Spoil::Broken | Spoil::ImpossibleDate));
        expects.push(expect(c, source, format!("{i:05}"), lost));
    }
    expects
}

/// Writes the cases as JSON Lines, a blank line after the first tenth, and
/// returns the expectations.
pub fn write_jsonl(cases: &[Case], path: &Path) -> Vec<Expect> {
    let mut text = String::new();
    let mut expects = Vec::new();
    let name = path.display().to_string();
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut line = 0;
    for (i, c) in cases.iter().enumerate() {
        if i == cases.len() / 10 {
            text.push('\n');
            line += 1;
        }
        line += 1;
        text.push_str(&to_json(c));
        text.push('\n');
        expects.push(expect(
            c,
            format!("{name}:{line}"),
            format!("{file}:{line}"),
            false,
        ));
    }
    std::fs::write(path, text).unwrap();
    expects
}

/// Writes the cases as CSV and returns the expectations.
pub fn write_csv(cases: &[Case], path: &Path) -> Vec<Expect> {
    let mut text = csv_header();
    text.push('\n');
    let mut expects = Vec::new();
    let name = path.display().to_string();
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    for (i, c) in cases.iter().enumerate() {
        let line = i + 2;
        text.push_str(&to_csv(c));
        text.push('\n');
        let lost = matches!(c.spoil, Some(Spoil::MissingCell | Spoil::ExtraCell));
        expects.push(expect(
            c,
            format!("{name}:{line}"),
            format!("{file}:{line}"),
            lost,
        ));
    }
    std::fs::write(path, text).unwrap();
    expects
}

#[test]
fn dates_round_trip_and_months_clamp() {
    let d = Ymd::new(2024, 2, 29);
    assert_eq!(Ymd::from_days(d.days()), d);
    assert_eq!(Ymd::new(2023, 1, 31).plus_months(1), Ymd::new(2023, 2, 28));
    assert_eq!(Ymd::new(2023, 12, 30).plus_days(3), Ymd::new(2024, 1, 2));
    assert_eq!(Ymd::new(1970, 1, 1).days(), 0);
}
