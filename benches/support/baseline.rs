//! The baseline: the built-in rules (SPEC §3) written by hand in Rust, on
//! typed structs deserialized with serde from the same JSON Lines bytes
//! shouli reads. It is what a programmer would write for these rules alone,
//! with no rule file: the physical limit shouli's interpreter is measured
//! against. Same Kleene semantics (SPEC §2), same outputs: outcome, deciding
//! clause, fired grounds, missing keys, `notify_by`, `resolve_by`.
//!
//! Absent key = `None`; an empty (or blank) string = `None`; an empty
//! evidence list = `None`. Text borrows from the input line where it can.
#![allow(dead_code)]

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::spec;

// ---- dates -------------------------------------------------------------------

/// A calendar date; field order makes the derived `Ord` chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub y: i16,
    pub m: u8,
    pub d: u8,
}

fn days_in_month(y: i32, m: u8) -> u8 {
    spec::days_in_month(y, u32::from(m)) as u8
}

impl Day {
    pub fn new(y: i16, m: u8, d: u8) -> Option<Day> {
        ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(i32::from(y), m)).then_some(Day {
            y,
            m,
            d,
        })
    }

    /// `YYYY-MM-DD`, an existing date.
    pub fn parse(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0i32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
            })
        };
        Day::new(num(0..4)? as i16, num(5..7)? as u8, num(8..10)? as u8)
    }

    /// Days since 1970-01-01.
    fn to_days(self) -> i32 {
        spec::days_from_civil(self.y.into(), self.m.into(), self.d.into()) as i32
    }

    fn from_days(z: i32) -> Day {
        let (y, m, d) = spec::civil_from_days(z.into());
        Day {
            y: y as i16,
            m: m as u8,
            d: d as u8,
        }
    }

    pub fn plus_days(self, n: i32) -> Day {
        Day::from_days(self.to_days() + n)
    }

    /// Months clamp to the month's last day (2023-01-31 + 1 = 2023-02-28).
    pub fn plus_months(self, n: i64) -> Day {
        let (y, m, d) = spec::plus_months((self.y.into(), self.m.into(), self.d.into()), n);
        Day {
            y: y as i16,
            m: m as u8,
            d: d as u8,
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

// ---- the record ----------------------------------------------------------------

macro_rules! codes {
    ($name:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),* }
        impl Code for $name {
            const CODES: &'static [&'static str] = &[$($code),*];
            fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)* _ => None }
            }
        }
    };
}

pub trait Code: Sized {
    const CODES: &'static [&'static str];
    fn from_code(s: &str) -> Option<Self>;
}

codes!(Kind { Consumer = "consumer", Business = "business" });
codes!(Channel { Mall = "mall", Private = "private", Illegal = "illegal" });
codes!(Basis { Harm = "harm", Obligation = "obligation", Other = "other" });
codes!(Cause { Quality = "quality", Misuse = "misuse", Other = "other" });
codes!(Mediation { None = "none", Executed = "executed" });
codes!(Administrative { None = "none", Pending = "pending", Closed = "closed" });
codes!(Court { None = "none", Pending = "pending", Judged = "judged" });
codes!(Arbitration { None = "none", Pending = "pending", Awarded = "awarded" });
codes!(Recorded { Accepted = "accepted", Rejected = "rejected", Incomplete = "incomplete" });
codes!(Evidence {
    Invoice = "invoice",
    Receipt = "receipt",
    WarrantyCard = "warranty_card",
    Contract = "contract",
    Photo = "photo",
    Other = "other",
});

pub type Text<'a> = Option<Cow<'a, str>>;

#[derive(Debug, Default, Deserialize)]
pub struct Complaint<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub id: Text<'a>,
    #[serde(default, deserialize_with = "date")]
    pub received: Option<Day>,
    #[serde(borrow, default)]
    pub complainant: Complainant<'a>,
    #[serde(borrow, default)]
    pub respondent: Respondent<'a>,
    #[serde(borrow, default)]
    pub purchase: Purchase<'a>,
    #[serde(borrow, default)]
    pub claim: Claim<'a>,
    #[serde(default)]
    pub history: History,
    #[serde(borrow, default)]
    pub recorded: RecordedTable<'a>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Complainant<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub name: Text<'a>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub phone: Text<'a>,
    #[serde(default, deserialize_with = "code")]
    pub kind: Option<Kind>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Respondent<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub name: Text<'a>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub stall: Text<'a>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub phone: Text<'a>,
    #[serde(default)]
    pub identified: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Purchase<'a> {
    #[serde(default, deserialize_with = "date")]
    pub date: Option<Day>,
    #[serde(default, deserialize_with = "code")]
    pub channel: Option<Channel>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub product: Text<'a>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub brand: Text<'a>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub model: Text<'a>,
    #[serde(default)]
    pub quantity: Option<i64>,
    /// Hundredths of a yuan.
    #[serde(default, deserialize_with = "cents")]
    pub price: Option<i64>,
    #[serde(default)]
    pub warranty_months: Option<i64>,
    #[serde(default)]
    pub sold_as_defective: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Claim<'a> {
    #[serde(default, deserialize_with = "code")]
    pub basis: Option<Basis>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub facts: Text<'a>,
    #[serde(default)]
    pub substantiated: Option<bool>,
    #[serde(default, deserialize_with = "code")]
    pub damage_cause: Option<Cause>,
    #[serde(default)]
    pub lawful: Option<bool>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub negotiation: Text<'a>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub demand: Text<'a>,
    /// A bit per [`Evidence`] code; an empty list is absent.
    #[serde(default, deserialize_with = "evidence")]
    pub evidence: Option<u8>,
}

#[derive(Debug, Default, Deserialize)]
pub struct History {
    #[serde(default, deserialize_with = "code")]
    pub mediation: Option<Mediation>,
    #[serde(default)]
    pub new_facts: Option<bool>,
    #[serde(default, deserialize_with = "code")]
    pub administrative: Option<Administrative>,
    #[serde(default, deserialize_with = "code")]
    pub court: Option<Court>,
    #[serde(default, deserialize_with = "code")]
    pub arbitration: Option<Arbitration>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RecordedTable<'a> {
    #[serde(default, deserialize_with = "code")]
    pub outcome: Option<Recorded>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub clause: Text<'a>,
    #[serde(default, deserialize_with = "date")]
    pub notified: Option<Day>,
    #[serde(default, deserialize_with = "date")]
    pub accepted: Option<Day>,
    #[serde(default, deserialize_with = "date")]
    pub resolved: Option<Day>,
}

/// Why a line is not a complaint: serde's message, or a bound broken.
#[derive(Debug)]
pub struct BadRecord(pub String);

impl<'a> Complaint<'a> {
    /// Parses one JSON line and checks the declared bounds.
    pub fn from_json(line: &'a [u8]) -> Result<Complaint<'a>, BadRecord> {
        let c: Complaint = serde_json::from_slice(line).map_err(|e| BadRecord(e.to_string()))?;
        c.check_bounds()?;
        Ok(c)
    }

    /// The rule file's `min`/`max`: quantity ≥ 1, price ≥ 0, warranty 0–1200.
    pub fn check_bounds(&self) -> Result<(), BadRecord> {
        let p = &self.purchase;
        let bad = |what: &str| Err(BadRecord(format!("{what} out of range")));
        if p.quantity.is_some_and(|q| q < 1) {
            return bad("purchase.quantity");
        }
        if p.price.is_some_and(|c| c < 0) {
            return bad("purchase.price");
        }
        if p.warranty_months.is_some_and(|w| !(0..=1200).contains(&w)) {
            return bad("purchase.warranty_months");
        }
        Ok(())
    }
}

// ---- serde helpers ---------------------------------------------------------------

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Text<'de>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("text")
        }
        fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
            Ok((!blank(s)).then_some(Cow::Borrowed(s)))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok((!blank(s)).then(|| Cow::Owned(s.to_owned())))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_str(V)
}

fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Day>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<Day>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a date like 2024-03-05")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            if blank(s) {
                return Ok(None);
            }
            Day::parse(s.trim())
                .map(Some)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(s), &self))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_str(V)
}

fn code<'de, D: Deserializer<'de>, C: Code>(d: D) -> Result<Option<C>, D::Error> {
    struct V<C>(std::marker::PhantomData<C>);
    impl<C: Code> Visitor<'_> for V<C> {
        type Value = Option<C>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "one of {:?}", C::CODES)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            if blank(s) {
                return Ok(None);
            }
            C::from_code(s.trim())
                .map(Some)
                .ok_or_else(|| E::unknown_variant(s, C::CODES))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_str(V(std::marker::PhantomData))
}

fn evidence<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<u8>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of {:?}", Evidence::CODES)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut set = 0u8;
            while let Some(item) = seq.next_element::<Cow<'de, str>>()? {
                let e = Evidence::from_code(item.trim())
                    .ok_or_else(|| de::Error::unknown_variant(&item, Evidence::CODES))?;
                set |= 1 << e as u8;
            }
            Ok((set != 0).then_some(set))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_seq(V)
}

fn cents<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number with at most two decimal places")
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
            n.checked_mul(100)
                .map(Some)
                .ok_or_else(|| E::custom("number too large"))
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
            i64::try_from(n)
                .map_err(|_| E::custom("number too large"))
                .and_then(|n| self.visit_i64(n))
        }
        fn visit_f64<E: de::Error>(self, f: f64) -> Result<Self::Value, E> {
            let c = (f * 100.0).round();
            if !f.is_finite() || (c - f * 100.0).abs() > 1e-6 * c.abs().max(1.0) || c.abs() > 9e15 {
                return Err(E::invalid_value(de::Unexpected::Float(f), &self));
            }
            Ok(Some(c as i64))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

// ---- the rules -----------------------------------------------------------------

/// Keys the rules can ask for, as bits of [`Decision::missing`].
pub mod key {
    /// Clause 2.1's form as bits, in the order of the shared list
    /// `spec::FORM_21` (`tests/it/baseline_agrees.rs` holds them equal).
    pub const FORM_21: [u32; 12] = [
        COMPLAINANT_NAME,
        COMPLAINANT_PHONE,
        RESPONDENT_NAME,
        RESPONDENT_STALL,
        PURCHASE_DATE,
        PURCHASE_PRODUCT,
        PURCHASE_BRAND,
        PURCHASE_MODEL,
        PURCHASE_QUANTITY,
        PURCHASE_PRICE,
        CLAIM_NEGOTIATION,
        CLAIM_DEMAND,
    ];

    pub const RECEIVED: u32 = 1 << 0;
    pub const COMPLAINANT_NAME: u32 = 1 << 1;
    pub const COMPLAINANT_PHONE: u32 = 1 << 2;
    pub const COMPLAINANT_KIND: u32 = 1 << 3;
    pub const RESPONDENT_NAME: u32 = 1 << 4;
    pub const RESPONDENT_STALL: u32 = 1 << 5;
    pub const RESPONDENT_IDENTIFIED: u32 = 1 << 6;
    pub const PURCHASE_DATE: u32 = 1 << 7;
    pub const PURCHASE_CHANNEL: u32 = 1 << 8;
    pub const PURCHASE_PRODUCT: u32 = 1 << 9;
    pub const PURCHASE_BRAND: u32 = 1 << 10;
    pub const PURCHASE_MODEL: u32 = 1 << 11;
    pub const PURCHASE_QUANTITY: u32 = 1 << 12;
    pub const PURCHASE_PRICE: u32 = 1 << 13;
    pub const PURCHASE_WARRANTY: u32 = 1 << 14;
    pub const PURCHASE_DEFECTIVE: u32 = 1 << 15;
    pub const CLAIM_BASIS: u32 = 1 << 16;
    pub const CLAIM_SUBSTANTIATED: u32 = 1 << 17;
    pub const CLAIM_CAUSE: u32 = 1 << 18;
    pub const CLAIM_LAWFUL: u32 = 1 << 19;
    pub const CLAIM_NEGOTIATION: u32 = 1 << 20;
    pub const CLAIM_DEMAND: u32 = 1 << 21;
    pub const CLAIM_EVIDENCE: u32 = 1 << 22;
    pub const HISTORY_MEDIATION: u32 = 1 << 23;
    pub const HISTORY_NEW_FACTS: u32 = 1 << 24;
    pub const HISTORY_ADMINISTRATIVE: u32 = 1 << 25;
    pub const HISTORY_COURT: u32 = 1 << 26;
    pub const HISTORY_ARBITRATION: u32 = 1 << 27;

    /// Each bit's key, sorted by key so a missing set lists in SPEC order.
    pub const NAMES: [&str; 28] = [
        "received",
        "complainant.name",
        "complainant.phone",
        "complainant.kind",
        "respondent.name",
        "respondent.stall",
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
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Rejected,
    Incomplete,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Rejected => "rejected",
            Outcome::Incomplete => "incomplete",
        }
    }
}

/// The clauses, in clause order: the two bases, the ten grounds, the two
/// evidence clauses; `SCOPE` is 1.0.
pub const CLAUSES: [&str; 14] = [
    "1.1", "1.2", "1.3(1)", "1.3(2)", "1.3(3)", "1.3(4)", "1.3(5)", "1.3(6)", "1.3(7)", "1.3(8)",
    "1.3(9)", "1.3(10)", "2.1", "2.2",
];
/// The warnings, a bit each in [`Decision::warnings`].
pub const WARNINGS: [&str; 2] = ["W1", "W2"];
pub const SCOPE: u8 = 255;
const FIRST_GROUND: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    /// An index into [`CLAUSES`], or [`SCOPE`].
    pub deciding: u8,
    /// A bit per ground that holds, bit 0 = 1.3(1).
    pub fired: u16,
    /// The keys to ask for, as [`key`] bits.
    pub missing: u32,
    pub notify_by: Option<Day>,
    pub resolve_by: Option<Day>,
    /// A bit per warning that holds, bit 0 = W1 (they decide nothing).
    pub warnings: u8,
}

impl Decision {
    pub fn deciding_id(&self) -> &'static str {
        if self.deciding == SCOPE {
            "1.0"
        } else {
            CLAUSES[self.deciding as usize]
        }
    }
}

/// A Kleene truth value with the absent keys that hold it open (unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown(u32),
}

use Tri::*;

#[inline]
fn test<T: Copy>(v: Option<T>, key: u32, holds: impl FnOnce(T) -> bool) -> Tri {
    match v {
        None => Unknown(key),
        Some(v) if holds(v) => True,
        Some(_) => False,
    }
}

#[inline]
fn or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (True, _) | (_, True) => True,
        (Unknown(x), Unknown(y)) => Unknown(x | y),
        (Unknown(x), False) | (False, Unknown(x)) => Unknown(x),
        (False, False) => False,
    }
}

#[inline]
fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (False, _) | (_, False) => False,
        (Unknown(x), Unknown(y)) => Unknown(x | y),
        (Unknown(x), True) | (True, Unknown(x)) => Unknown(x),
        (True, True) => True,
    }
}

/// Decides one complaint under the built-in rules.
pub fn evaluate(c: &Complaint) -> Decision {
    use key::*;
    let (p, cl, h) = (&c.purchase, &c.claim, &c.history);

    let bases = [
        test(cl.basis, CLAIM_BASIS, |b| b == Basis::Harm),
        test(cl.basis, CLAIM_BASIS, |b| b == Basis::Obligation),
    ];
    let warranty = match (c.received, p.date, p.warranty_months) {
        (Some(r), Some(d), Some(w)) => {
            if r > d.plus_months(w) {
                True
            } else {
                False
            }
        }
        (r, d, w) => Unknown(
            if r.is_none() { RECEIVED } else { 0 }
                | if d.is_none() { PURCHASE_DATE } else { 0 }
                | if w.is_none() { PURCHASE_WARRANTY } else { 0 },
        ),
    };
    let grounds = [
        test(c.complainant.kind, COMPLAINANT_KIND, |k| {
            k == Kind::Business
        }),
        test(p.channel, PURCHASE_CHANNEL, |ch| {
            matches!(ch, Channel::Private | Channel::Illegal)
        }),
        warranty,
        test(p.sold_as_defective, PURCHASE_DEFECTIVE, |b| b),
        test(cl.damage_cause, CLAIM_CAUSE, |d| d == Cause::Misuse),
        or(
            test(cl.substantiated, CLAIM_SUBSTANTIATED, |b| !b),
            test(c.respondent.identified, RESPONDENT_IDENTIFIED, |b| !b),
        ),
        and(
            test(h.mediation, HISTORY_MEDIATION, |m| m == Mediation::Executed),
            test(h.new_facts, HISTORY_NEW_FACTS, |b| !b),
        ),
        test(h.administrative, HISTORY_ADMINISTRATIVE, |a| {
            a == Administrative::Pending
        }),
        or(
            test(h.court, HISTORY_COURT, |x| {
                matches!(x, Court::Pending | Court::Judged)
            }),
            test(h.arbitration, HISTORY_ARBITRATION, |x| {
                matches!(x, Arbitration::Pending | Arbitration::Awarded)
            }),
        ),
        test(cl.lawful, CLAIM_LAWFUL, |b| !b),
    ];
    // 2.1: the form's keys that are absent, in the order of `FORM_21`.
    let form = [
        c.complainant.name.is_none(),
        c.complainant.phone.is_none(),
        c.respondent.name.is_none(),
        c.respondent.stall.is_none(),
        p.date.is_none(),
        p.product.is_none(),
        p.brand.is_none(),
        p.model.is_none(),
        p.quantity.is_none(),
        p.price.is_none(),
        cl.negotiation.is_none(),
        cl.demand.is_none(),
    ]
    .iter()
    .zip(FORM_21)
    .fold(0, |m, (&absent, k)| if absent { m | k } else { m });
    // 2.2: an invoice or a receipt.
    let proof = 1 << Evidence::Invoice as u8 | 1 << Evidence::Receipt as u8;
    let evidence_met = cl.evidence.is_some_and(|e| e & proof != 0);

    let mut fired = 0u16;
    for (i, g) in grounds.iter().enumerate() {
        if *g == True {
            fired |= 1 << i;
        }
    }
    let any_basis_true = bases.contains(&True);
    let (outcome, deciding, missing) = if fired != 0 {
        let first = fired.trailing_zeros() as usize;
        (Outcome::Rejected, (FIRST_GROUND + first) as u8, 0)
    } else if bases.iter().all(|b| *b == False) {
        (Outcome::Rejected, SCOPE, 0)
    } else {
        let mut missing = 0;
        let mut first_open = None;
        let mut open = |i: usize, keys: u32| {
            missing |= keys;
            first_open.get_or_insert(i as u8);
        };
        if !any_basis_true {
            for (i, b) in bases.iter().enumerate() {
                if let Unknown(keys) = b {
                    open(i, *keys);
                }
            }
        }
        for (i, g) in grounds.iter().enumerate() {
            if let Unknown(keys) = g {
                open(FIRST_GROUND + i, *keys);
            }
        }
        if form != 0 {
            open(12, form);
        }
        if !evidence_met {
            open(13, CLAIM_EVIDENCE);
        }
        match first_open {
            Some(i) => (Outcome::Incomplete, i, missing),
            None => {
                let basis = if bases[0] == True { 0 } else { 1 };
                (Outcome::Accepted, basis, 0)
            }
        }
    };
    // W1: bought after the complaint was received; W2: a respondent
    // identified but not named. Unknown holds no warning.
    let bought_later = matches!((p.date, c.received), (Some(d), Some(r)) if d > r);
    let unnamed = c.respondent.identified == Some(true) && c.respondent.name.is_none();
    let warnings = u8::from(bought_later) | u8::from(unnamed) << 1;
    let notify_by = c.received.map(|r| r.plus_days(3));
    let resolve_by = if outcome == Outcome::Accepted {
        c.recorded.accepted.or(c.received).map(|d| d.plus_days(15))
    } else {
        None
    };
    Decision {
        outcome,
        deciding,
        fired: if outcome == Outcome::Rejected {
            fired
        } else {
            0
        },
        missing,
        notify_by,
        resolve_by,
        warnings,
    }
}

/// One CSV row of a decision, as the baseline's end-to-end run writes it:
/// id, outcome, deciding, fired, missing, notify_by, resolve_by.
pub fn write_row(out: &mut Vec<u8>, id: &str, d: &Decision) {
    use std::io::Write as _;
    out.extend_from_slice(id.as_bytes());
    out.push(b',');
    out.extend_from_slice(d.outcome.code().as_bytes());
    out.push(b',');
    out.extend_from_slice(d.deciding_id().as_bytes());
    out.push(b',');
    let mut sep = false;
    for i in 0..10 {
        if d.fired >> i & 1 == 1 {
            if sep {
                out.push(b';');
            }
            out.extend_from_slice(CLAUSES[FIRST_GROUND + i].as_bytes());
            sep = true;
        }
    }
    out.push(b',');
    let mut names: [&str; 28] = [""; 28];
    let mut n = 0;
    for (i, name) in key::NAMES.iter().enumerate() {
        if d.missing >> i & 1 == 1 {
            names[n] = name;
            n += 1;
        }
    }
    names[..n].sort_unstable();
    for (i, name) in names[..n].iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(name.as_bytes());
    }
    out.push(b',');
    if let Some(day) = d.notify_by {
        let _ = write!(out, "{day}");
    }
    out.push(b',');
    if let Some(day) = d.resolve_by {
        let _ = write!(out, "{day}");
    }
    out.push(b'\n');
}

// ---- end to end ----------------------------------------------------------------

/// How many bytes of JSON Lines the end-to-end baseline reads at a time.
const CHUNK_BYTES: usize = 8 << 20;

/// The baseline's batch: JSON Lines from `input` → one CSV row per record
/// (id, outcome, deciding, fired, missing, notify_by, resolve_by) to `out`,
/// in input order, reading 8 MiB at a time and splitting each piece between
/// `threads` threads at line boundaries. A line that is not a complaint is
/// an `error` row in its place. Returns how many records were written.
pub fn end_to_end(
    mut input: impl std::io::Read,
    threads: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<usize> {
    let threads = threads.max(1);
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK_BYTES + (64 << 10));
    let mut carry: Vec<u8> = Vec::new();
    let mut outs: Vec<Vec<u8>> = vec![Vec::new(); threads];
    let (mut records, mut line_no) = (0, 0);
    loop {
        buf.clear();
        buf.append(&mut carry);
        let mut eof = false;
        while buf.len() < CHUNK_BYTES {
            let at = buf.len();
            buf.resize(at + (1 << 20), 0);
            let n = input.read(&mut buf[at..])?;
            buf.truncate(at + n);
            if n == 0 {
                eof = true;
                break;
            }
        }
        if !eof && let Some(end) = buf.iter().rposition(|&b| b == b'\n') {
            carry.extend_from_slice(&buf[end + 1..]);
            buf.truncate(end + 1);
        }
        // Split at line boundaries into one part per thread.
        let mut parts = Vec::with_capacity(threads);
        let (mut from, mut first_line) = (0, line_no);
        for t in 1..=threads {
            let mut to = buf.len() * t / threads;
            if t < threads {
                to = buf[to..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(buf.len(), |i| to + i + 1)
                    .max(from);
            } else {
                to = buf.len();
            }
            let part = &buf[from..to];
            parts.push((part, first_line));
            first_line += part.iter().filter(|&&b| b == b'\n').count();
            from = to;
        }
        line_no = first_line;
        if threads == 1 {
            records += decide_lines(parts[0].0, parts[0].1, &mut outs[0]);
        } else {
            records += std::thread::scope(|s| {
                let handles: Vec<_> = parts
                    .iter()
                    .zip(outs.iter_mut())
                    .map(|(&(part, first), out)| s.spawn(move || decide_lines(part, first, out)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a baseline thread finished"))
                    .sum::<usize>()
            });
        }
        for o in &mut outs {
            out.write_all(o)?;
            o.clear();
        }
        if eof {
            return Ok(records);
        }
    }
}

/// Decides every line of `part` (line numbers from `first + 1`), a CSV row each.
fn decide_lines(part: &[u8], first: usize, out: &mut Vec<u8>) -> usize {
    let mut n = 0;
    for (i, line) in part.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        n += 1;
        match Complaint::from_json(line) {
            Ok(c) => {
                let line_id;
                let id = match &c.id {
                    Some(id) => id.as_ref(),
                    None => {
                        line_id = (first + i + 1).to_string();
                        &line_id
                    }
                };
                write_row(out, id, &evaluate(&c));
            }
            Err(e) => {
                use std::io::Write as _;
                let _ = writeln!(out, "{},error,{:?},,,,", first + i + 1, e.0);
            }
        }
    }
    n
}
