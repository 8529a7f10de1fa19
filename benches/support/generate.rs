//! A deterministic generator of complaint records (SPEC §1) for benchmarks
//! and the baseline agreement test: a fixed-seed xorshift PRNG, no `rand`.
//!
//! The mix is meant to look like a desk's year: most records complete and
//! accepted; a share rejected on each ground (some on two); some outside
//! 1.0; some with keys absent or left empty (incomplete); some without an
//! invoice or receipt; a third carrying `[recorded]` from the archive. Each
//! record is written as one JSON line (nested keys, dates as strings) or as
//! one TOML file, from the same values.
#![allow(dead_code)]

use std::fmt::Write as _;

pub use super::spec::Rng;
use super::spec::days_in_month;

/// The seed every benchmark and test uses.
pub const SEED: u64 = 0x5348_4f55_4c49; // "SHOULI"

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Int(i64),
    /// Hundredths (a price).
    Cents(i64),
    Bool(bool),
    /// (year, month, day).
    Date(i32, u32, u32),
    List(Vec<&'static str>),
}

/// One generated complaint: (table, key, value) in SPEC §1 order; table ""
/// is the top level.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub entries: Vec<(&'static str, &'static str, Val)>,
}

impl Sample {
    fn set(&mut self, table: &'static str, key: &'static str, v: Val) {
        match self
            .entries
            .iter_mut()
            .find(|(t, k, _)| *t == table && *k == key)
        {
            Some(e) => e.2 = v,
            // Keep each table's keys together (and top-level keys first).
            None => {
                let at = self
                    .entries
                    .iter()
                    .rposition(|(t, _, _)| *t == table)
                    .map(|i| i + 1)
                    .unwrap_or(if table.is_empty() {
                        0
                    } else {
                        self.entries.len()
                    });
                self.entries.insert(at, (table, key, v));
            }
        }
    }

    fn remove(&mut self, table: &'static str, key: &'static str) {
        self.entries.retain(|(t, k, _)| !(*t == table && *k == key));
    }

    /// One JSON object on one line, with a trailing newline.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        let mut table = "";
        let mut first = true;
        for (t, k, v) in &self.entries {
            if *t != table {
                if !table.is_empty() {
                    out.push(b'}');
                }
                if !first {
                    out.push(b',');
                }
                push_json_str(out, t);
                out.extend_from_slice(b":{");
                table = t;
                first = true;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            push_json_str(out, k);
            out.push(b':');
            match v {
                Val::Text(s) => push_json_str(out, s),
                Val::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
                Val::Cents(c) => {
                    out.extend_from_slice(format!("{}.{:02}", c / 100, c % 100).as_bytes())
                }
                Val::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                Val::Date(y, m, d) => {
                    out.extend_from_slice(format!("\"{y:04}-{m:02}-{d:02}\"").as_bytes())
                }
                Val::List(items) => {
                    out.push(b'[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        push_json_str(out, item);
                    }
                    out.push(b']');
                }
            }
        }
        if !table.is_empty() {
            out.push(b'}');
        }
        out.extend_from_slice(b"}\n");
    }

    /// One TOML document.
    pub fn write_toml(&self, out: &mut String) {
        let mut table = "";
        for (t, k, v) in &self.entries {
            if *t != table {
                let _ = write!(out, "\n[{t}]\n");
                table = t;
            }
            let _ = match v {
                Val::Text(s) => writeln!(out, "{k} = \"{s}\""),
                Val::Int(i) => writeln!(out, "{k} = {i}"),
                Val::Cents(c) => writeln!(out, "{k} = {}.{:02}", c / 100, c % 100),
                Val::Bool(b) => writeln!(out, "{k} = {b}"),
                Val::Date(y, m, d) => writeln!(out, "{k} = {y:04}-{m:02}-{d:02}"),
                Val::List(items) => {
                    let items: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
                    writeln!(out, "{k} = [{}]", items.join(", "))
                }
            };
        }
    }
}

fn push_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "欧阳"];
const GIVEN: &[&str] = &["丽", "伟", "芳", "娜", "强", "敏", "静", "磊", "洋", "秀英"];
const SHOPS: &[&str] = &[
    "鑫达家电",
    "华联数码",
    "美佳服饰",
    "好运来食品",
    "金鼎珠宝",
    "时代电器",
];
const PRODUCTS: &[(&str, &str, &str, i64)] = &[
    ("电饭煲", "美的", "MB-FB40", 39900),
    ("手机", "华为", "Mate 60", 549_900),
    ("羽绒服", "波司登", "B20141", 129_950),
    ("电动牙刷", "飞利浦", "HX6730", 29_900),
    ("运动鞋", "李宁", "ARHT021", 45_900),
    ("月饼礼盒", "稻香村", "双黄莲蓉", 16_800),
    ("笔记本电脑", "联想", "小新 Pro14", 599_900),
];
const FACTS: &[&str] = &[
    "使用三个月后无法加热",
    "屏幕出现竖线",
    "拉链断裂、面料起球",
    "充电后无法开机",
    "鞋底开胶",
];
const NEGOTIATIONS: &[&str] = &[
    "商户拒绝更换",
    "商户同意维修但拖延",
    "未与商户交涉",
    "商户不认可质量问题",
];
const DEMANDS: &[&str] = &["更换同型号新品", "退货退款", "免费维修", "赔偿损失"];

/// Keys a clerk leaves out of an incomplete record (each also appears in a
/// clause, so leaving it out holds the record open or changes nothing).
const OMITTABLE: &[(&str, &str)] = &[
    ("", "received"),
    ("complainant", "name"),
    ("complainant", "phone"),
    ("complainant", "kind"),
    ("respondent", "name"),
    ("respondent", "stall"),
    ("respondent", "identified"),
    ("purchase", "date"),
    ("purchase", "channel"),
    ("purchase", "product"),
    ("purchase", "brand"),
    ("purchase", "model"),
    ("purchase", "quantity"),
    ("purchase", "price"),
    ("purchase", "warranty_months"),
    ("purchase", "sold_as_defective"),
    ("claim", "basis"),
    ("claim", "substantiated"),
    ("claim", "damage_cause"),
    ("claim", "lawful"),
    ("claim", "negotiation"),
    ("claim", "demand"),
    ("claim", "evidence"),
    ("history", "mediation"),
    ("history", "new_facts"),
    ("history", "administrative"),
    ("history", "court"),
    ("history", "arbitration"),
];

const TEXT_KEYS: &[(&str, &str)] = &[
    ("complainant", "name"),
    ("complainant", "phone"),
    ("respondent", "name"),
    ("respondent", "stall"),
    ("purchase", "product"),
    ("purchase", "brand"),
    ("purchase", "model"),
    ("claim", "negotiation"),
    ("claim", "demand"),
];

/// (y, m, d) moved back by `months` months and `days` days, roughly (the
/// day is clamped to the month).
fn before(y: i32, m: u32, d: u32, months: u32, days: u32) -> (i32, u32, u32) {
    let index = y * 12 + m as i32 - 1 - months as i32;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    let d = d.min(days_in_month(y, m));
    if d > days {
        (y, m, d - days)
    } else {
        let index = y * 12 + m as i32 - 2;
        let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        (y, m, days_in_month(y, m).min(28))
    }
}

fn after(y: i32, m: u32, d: u32, days: u32) -> (i32, u32, u32) {
    let (mut y, mut m, mut d) = (y, m, d + days);
    while d > days_in_month(y, m) {
        d -= days_in_month(y, m);
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    (y, m, d)
}

/// The generator: `sample(i)` is the i-th record of the archive.
pub struct Archive {
    rng: Rng,
}

impl Archive {
    pub fn new(seed: u64) -> Archive {
        Archive {
            rng: Rng::new(seed),
        }
    }

    /// The next complaint, numbered `i` (for its id).
    pub fn sample(&mut self, i: usize) -> Sample {
        let r = &mut self.rng;
        let mut s = Sample::default();
        if !r.chance(3) {
            s.set("", "id", Val::Text(format!("2024-{i:07}")));
        }
        let (ry, rm, rd) = (2024, 1 + r.below(12) as u32, 1 + r.below(28) as u32);
        s.set("", "received", Val::Date(ry, rm, rd));

        let name = format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN));
        s.set("complainant", "name", Val::Text(name));
        let phone = format!("13{:09}", r.below(1_000_000_000));
        s.set("complainant", "phone", Val::Text(phone));
        s.set("complainant", "kind", Val::Text("consumer".into()));

        s.set("respondent", "name", Val::Text(r.pick(SHOPS).to_string()));
        let stall = format!(
            "{}{}-{:03}",
            r.pick(&["A", "B", "C"]),
            1 + r.below(4),
            r.below(200)
        );
        s.set("respondent", "stall", Val::Text(stall));
        if r.chance(60) {
            let phone = format!("0571-{:08}", r.below(100_000_000));
            s.set("respondent", "phone", Val::Text(phone));
        }
        s.set("respondent", "identified", Val::Bool(true));

        let warranty = *r.pick(&[6i64, 12, 12, 12, 24, 36]);
        // Months and days since purchase, within warranty; now and then
        // received on the warranty's last day, which it still covers.
        let (age, days) = if r.chance(5) {
            (warranty as u32, 0)
        } else {
            (r.below(warranty as u64) as u32, r.below(20) as u32)
        };
        let (py, pm, pd) = before(ry, rm, rd, age, days);
        s.set("purchase", "date", Val::Date(py, pm, pd));
        s.set("purchase", "channel", Val::Text("mall".into()));
        let (product, brand, model, price) = *r.pick(PRODUCTS);
        s.set("purchase", "product", Val::Text(product.into()));
        s.set("purchase", "brand", Val::Text(brand.into()));
        s.set("purchase", "model", Val::Text(model.into()));
        let quantity = if r.chance(85) {
            1
        } else {
            2 + r.below(4) as i64
        };
        s.set("purchase", "quantity", Val::Int(quantity));
        s.set("purchase", "price", Val::Cents(price));
        s.set("purchase", "warranty_months", Val::Int(warranty));
        s.set("purchase", "sold_as_defective", Val::Bool(false));

        let basis = if r.chance(70) { "harm" } else { "obligation" };
        s.set("claim", "basis", Val::Text(basis.into()));
        if r.chance(80) {
            s.set("claim", "facts", Val::Text(r.pick(FACTS).to_string()));
        }
        s.set("claim", "substantiated", Val::Bool(true));
        s.set("claim", "damage_cause", Val::Text("quality".into()));
        s.set("claim", "lawful", Val::Bool(true));
        s.set(
            "claim",
            "negotiation",
            Val::Text(r.pick(NEGOTIATIONS).to_string()),
        );
        s.set("claim", "demand", Val::Text(r.pick(DEMANDS).to_string()));
        let evidence = r
            .pick(&[
                &["invoice", "photo"][..],
                &["receipt"][..],
                &["invoice"][..],
                &["receipt", "warranty_card", "photo"][..],
                &["invoice", "contract"][..],
            ])
            .to_vec();
        s.set("claim", "evidence", Val::List(evidence));

        s.set("history", "mediation", Val::Text("none".into()));
        s.set("history", "new_facts", Val::Bool(false));
        s.set("history", "administrative", Val::Text("none".into()));
        s.set("history", "court", Val::Text("none".into()));
        s.set("history", "arbitration", Val::Text("none".into()));

        // The mix.
        let roll = r.below(100);
        match roll {
            0..55 => {}
            55..75 => {
                Self::ground(r, &mut s, (ry, rm, rd));
                if r.chance(15) {
                    Self::ground(r, &mut s, (ry, rm, rd));
                }
            }
            75..80 => s.set("claim", "basis", Val::Text("other".into())),
            80..92 => {
                for _ in 0..1 + r.below(3) {
                    let (t, k) = *r.pick(OMITTABLE);
                    if r.chance(25) && TEXT_KEYS.contains(&(t, k)) {
                        s.set(t, k, Val::Text(String::new()));
                    } else {
                        s.remove(t, k);
                    }
                }
            }
            92..97 => {
                const WITHOUT_PROOF: &[&[&str]] = &[&["photo"], &["warranty_card", "other"], &[]];
                let list = r.pick(WITHOUT_PROOF);
                s.set("claim", "evidence", Val::List(list.to_vec()));
            }
            _ => {
                // A rejection does not wait for missing keys.
                Self::ground(r, &mut s, (ry, rm, rd));
                s.remove("claim", "evidence");
                let (t, k) = *r.pick(TEXT_KEYS);
                s.remove(t, k);
            }
        }

        if r.chance(30) {
            let outcome = *r.pick(&["accepted", "accepted", "rejected", "incomplete"]);
            s.set("recorded", "outcome", Val::Text(outcome.into()));
            if r.chance(50) {
                let clause = *r.pick(&["1.1", "1.2", "1.3(2)", "1.3(6)", "2.2"]);
                s.set("recorded", "clause", Val::Text(clause.into()));
            }
            let (ny, nm, nd) = after(ry, rm, rd, r.below(6) as u32);
            s.set("recorded", "notified", Val::Date(ny, nm, nd));
            if outcome == "accepted" {
                let (ay, am, ad) = after(ry, rm, rd, r.below(3) as u32);
                s.set("recorded", "accepted", Val::Date(ay, am, ad));
                let (zy, zm, zd) = after(ay, am, ad, r.below(25) as u32);
                s.set("recorded", "resolved", Val::Date(zy, zm, zd));
            }
        }
        s
    }

    /// Makes one non-acceptance ground true.
    fn ground(r: &mut Rng, s: &mut Sample, (ry, rm, rd): (i32, u32, u32)) {
        match r.below(10) {
            0 => s.set("complainant", "kind", Val::Text("business".into())),
            1 => {
                let ch = *r.pick(&["private", "illegal"]);
                s.set("purchase", "channel", Val::Text(ch.into()))
            }
            2 => {
                // Expired by a day, or by months.
                let months = if r.chance(30) {
                    12
                } else {
                    13 + r.below(30) as u32
                };
                let (py, pm, pd) = before(ry, rm, rd, months, 1);
                s.set("purchase", "date", Val::Date(py, pm, pd));
                s.set("purchase", "warranty_months", Val::Int(12));
            }
            3 => s.set("purchase", "sold_as_defective", Val::Bool(true)),
            4 => s.set("claim", "damage_cause", Val::Text("misuse".into())),
            5 => {
                if r.chance(50) {
                    s.set("claim", "substantiated", Val::Bool(false))
                } else {
                    s.set("respondent", "identified", Val::Bool(false))
                }
            }
            6 => {
                s.set("history", "mediation", Val::Text("executed".into()));
                s.set("history", "new_facts", Val::Bool(false));
            }
            7 => s.set("history", "administrative", Val::Text("pending".into())),
            8 => {
                if r.chance(50) {
                    let v = *r.pick(&["pending", "judged"]);
                    s.set("history", "court", Val::Text(v.into()))
                } else {
                    let v = *r.pick(&["pending", "awarded"]);
                    s.set("history", "arbitration", Val::Text(v.into()))
                }
            }
            _ => s.set("claim", "lawful", Val::Bool(false)),
        }
    }
}

/// `n` records as JSON Lines, from `seed`.
pub fn jsonl(seed: u64, n: usize) -> Vec<u8> {
    let mut archive = Archive::new(seed);
    let mut out = Vec::with_capacity(n * 720);
    for i in 0..n {
        archive.sample(i + 1).write_json(&mut out);
    }
    out
}

/// Writes `n` records as JSON Lines to `w`, from `seed`, in 1 MiB pieces.
pub fn write_jsonl(seed: u64, n: usize, w: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut archive = Archive::new(seed);
    let mut buf = Vec::with_capacity(1 << 20);
    for i in 0..n {
        archive.sample(i + 1).write_json(&mut buf);
        if buf.len() > 1 << 20 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)
}

/// Writes `n` records as TOML files `NNNNNNN.toml` into `dir` (created).
pub fn write_toml_dir(seed: u64, n: usize, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut archive = Archive::new(seed);
    let mut text = String::new();
    for i in 0..n {
        text.clear();
        archive.sample(i + 1).write_toml(&mut text);
        std::fs::write(dir.join(format!("{:07}.toml", i + 1)), &text)?;
    }
    Ok(())
}
