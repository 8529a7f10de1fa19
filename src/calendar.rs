//! China's working-day calendar, for `+ N workdays` (SAMR §4): the public
//! holidays and 调休 working weekend days of each year, read from a calendar
//! file (`rules/calendar/cn.toml` ships with shouli; an office may load its
//! own to add or replace years).
//!
//! Pure: text in, a [`Calendar`] out; no I/O. The file is turned into a
//! table over every day of the covered years (a bitmap of working days and a
//! running count of them), so that [`Calendar::add_workdays`] is two array
//! reads and allocates nothing: the evaluator may hold an `Arc<Calendar>`
//! and call it per record. Explanations ([`Calendar::skipped`],
//! [`describe_skipped`]) are built from the arrangements and may allocate.
//!
//! A count that needs a year the calendar does not cover, after its last
//! year, before its first, or in a gap between two, is [`Missing`] — never a
//! guess.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::{Range, RangeInclusive};

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Lang, Msg, did_you_mean};
use crate::syntax::Unit;
use crate::value::{Date, shift_date};

/// The calendar shipped with shouli.
pub const BUILTIN_CALENDAR: &str = include_str!("../rules/calendar/cn.toml");
/// How the built-in calendar is named in messages.
pub const BUILTIN_CALENDAR_NAME: &str = "rules/calendar/cn.toml";
/// The largest calendar file shouli reads (256 KiB: a century of years is
/// under 100 KiB).
pub const MAX_CALENDAR: usize = 256 * 1024;
/// The years a calendar file may name (the table covers every day between
/// the first and the last year given, so the span is bounded).
pub const YEARS: RangeInclusive<i32> = 1949..=2200;
/// The longest holiday range, in days: no notice has given more than ten;
/// a longer one is a typing mistake (a month for a day).
const MAX_HOLIDAY_DAYS: i64 = 31;
/// A year's entry may name days of the last week of the year before: the
/// notice for 2023 began 元旦 on Saturday 2022-12-31.
const TURN_OF_YEAR_DAYS: i64 = 7;

/// One holiday of a year's notice: the days off, as one range, and the
/// weekend days that it makes working days (调休上班).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// As the notice names it (`国庆节、中秋节`), with an English name.
    pub name: Msg,
    pub from: Date,
    pub to: Date,
    /// The weekend days worked for this holiday.
    pub workdays: Vec<Date>,
    /// A notice of its own, where the holiday comes from a later one (the
    /// 2020 extension of the Spring Festival).
    pub notice: Option<String>,
}

/// One year's arrangement and the notice it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    pub year: i32,
    /// `title（number）`, or the title alone where the number is not given.
    pub notice: String,
    /// The calendar file it was read from.
    pub file: String,
    pub holidays: Vec<Holiday>,
}

/// A count of working days that needs a year the calendar lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    /// The first year, from the first day counted, whose arrangement is
    /// missing.
    pub year: i32,
}

impl Missing {
    /// Says which year's arrangement is missing, and how to add it.
    pub fn message(&self) -> Msg {
        let y = self.year;
        Msg::new(
            format!(
                "日历中没有 {y} 年的节假日安排（国务院办公厅关于{y}年部分节假日安排的通知），无法计算工作日"
            ),
            format!(
                "the calendar has no holiday arrangement for {y} (the State Council's notice for {y}), so working days cannot be counted"
            ),
        )
    }
}

/// A stretch of days passed over (or, for a 调休 day, counted) by a count of
/// working days, for its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// Consecutive days off that hold a public holiday; adjacent weekend
    /// days belong to it, as the notices count them (10月1日至8日放假调休，
    /// 共8天). The holidays' names, each once, in order.
    Holiday {
        from: Date,
        to: Date,
        names: Vec<Msg>,
    },
    /// Consecutive weekend days off that hold no holiday.
    Weekend { from: Date, to: Date },
    /// A weekend day worked for a holiday (调休上班), counted as a working day.
    MakeUpWorkday { date: Date, holiday: Msg },
}

/// The calendar: the years' arrangements and the table built from them.
#[derive(Clone)]
pub struct Calendar {
    years: BTreeMap<i32, Year>,
    table: Table,
}

/// The years and their notices; the table (a few thousand numbers a year)
/// is left out.
impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.years.iter().map(|(y, e)| (y, &e.notice)))
            .finish()
    }
}

/// Every day from 1 January of the first year to 31 December of the last.
#[derive(Debug, Clone, Default)]
struct Table {
    first: i32,
    last: i32,
    /// 1 January of `first`.
    base: Option<Date>,
    /// Whether each year of `first..=last` has an arrangement.
    covered: Vec<bool>,
    /// A bit per day: a working day.
    work: Vec<u64>,
    /// `before[i]`: working days among days `0..i` (one more entry than days).
    before: Vec<u32>,
    /// The day index of each working day, in order.
    workdays: Vec<u32>,
    /// `gaps[i]`: days of uncovered years among days `0..i`.
    gaps: Vec<u32>,
}

/// Monday 0 … Sunday 6.
fn weekday(d: Date) -> i64 {
    (d.days_since(Date::EPOCH) + 3).rem_euclid(7)
}

fn is_weekend(d: Date) -> bool {
    weekday(d) >= 5
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    shift_date(d, n, Unit::Days)
}

fn jan1(year: i32) -> Option<Date> {
    Date::new(i16::try_from(year).ok()?, 1, 1).ok()
}

impl Calendar {
    /// The calendar shipped with shouli (2020–2026).
    pub fn builtin() -> Calendar {
        // The unit test `the_built_in_file_parses` holds the shipped file
        // to parsing, so the empty calendar is never returned.
        Calendar::parse(BUILTIN_CALENDAR_NAME, BUILTIN_CALENDAR).unwrap_or_else(|_| Calendar {
            years: BTreeMap::new(),
            table: Table::default(),
        })
    }

    /// A calendar of no year: every count of working days is unknown.
    pub fn empty() -> Calendar {
        Calendar {
            years: BTreeMap::new(),
            table: Table::default(),
        }
    }

    /// The built-in calendar, parsed once per process and shared.
    pub fn shared_builtin() -> std::sync::Arc<Calendar> {
        static BUILTIN: std::sync::OnceLock<std::sync::Arc<Calendar>> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| std::sync::Arc::new(Calendar::builtin()))
            .clone()
    }

    /// Reads a calendar file. Every problem found is reported, in the order
    /// of the file, with its span into `text`.
    pub fn parse(name: &str, text: &str) -> Result<Calendar, Vec<Diagnostic>> {
        let years = parse_years(name, text)?;
        let mut cal = Calendar {
            years: years.into_iter().map(|y| (y.year, y)).collect(),
            table: Table::default(),
        };
        cal.table = Table::build(&cal.years);
        Ok(cal)
    }

    /// Adds the years of an office's calendar file; a year it gives
    /// replaces the same year here.
    pub fn merge(&mut self, office: Calendar) {
        self.years.extend(office.years);
        self.table = Table::build(&self.years);
    }

    /// The first and last year covered (a year in between may be missing:
    /// see [`Calendar::covers`]); `None` for an empty calendar.
    pub fn span(&self) -> Option<RangeInclusive<i32>> {
        self.table.base.map(|_| self.table.first..=self.table.last)
    }

    /// The years covered, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// A year's arrangement.
    pub fn year(&self, year: i32) -> Option<&Year> {
        self.years.get(&year)
    }

    /// The notice a year's arrangement comes from.
    pub fn notice(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|y| y.notice.as_str())
    }

    /// Whether a day is a working day; `None` when its year is not covered.
    #[inline]
    pub fn is_workday(&self, d: Date) -> Option<bool> {
        let t = &self.table;
        let i = t.index(d)?;
        let bit = t.work[i >> 6] >> (i & 63) & 1 == 1;
        (t.gaps[i + 1] == t.gaps[i]).then_some(bit)
    }

    /// The `n`-th working day strictly after `start` (SAMR §4); `start`
    /// itself for `n = 0`. Allocates nothing.
    #[inline]
    pub fn add_workdays(&self, start: Date, n: u32) -> Result<Date, Missing> {
        if n == 0 {
            return Ok(start);
        }
        let t = &self.table;
        let missing = |d: Date| Missing {
            year: t.first_gap_from(d),
        };
        let Some(first) = start.tomorrow() else {
            return Err(Missing {
                year: i32::from(start.year()) + 1,
            });
        };
        let Some(s) = t.index(first) else {
            return Err(missing(first));
        };
        let target = t.before[s] as usize + n as usize;
        let Some(&r) = t.workdays.get(target - 1) else {
            return Err(missing(first));
        };
        let r = r as usize;
        if t.gaps[r + 1] != t.gaps[s] {
            return Err(missing(first));
        }
        match t.base.and_then(|b| add_days(b, r as i64)) {
            Some(d) => Ok(d),
            None => Err(missing(first)),
        }
    }

    /// The days strictly after `start` up to `end` that are not working
    /// days, grouped, and the 调休 days counted among them, in date order.
    /// Days of uncovered years are left out.
    pub fn skipped(&self, start: Date, end: Date) -> Vec<Skipped> {
        let mut out = Vec::new();
        let (Some(first), Some(base)) = (start.tomorrow(), self.table.base) else {
            return out;
        };
        // Only the table's days can be known.
        let last = add_days(base, self.table.len() as i64 - 1).unwrap_or(base);
        let (from, to) = (first.max(base), end.min(last));
        if from > to {
            return out;
        }
        // The holiday and 调休 days in the range, by day.
        let mut names: BTreeMap<Date, &Msg> = BTreeMap::new();
        let mut worked: BTreeMap<Date, &Msg> = BTreeMap::new();
        for y in self.years.values() {
            for h in &y.holidays {
                if h.to >= from && h.from <= to {
                    let mut d = h.from.max(from);
                    while d <= h.to.min(to) {
                        names.insert(d, &h.name);
                        match d.tomorrow() {
                            Some(next) => d = next,
                            None => break,
                        }
                    }
                }
                for &w in &h.workdays {
                    if (from..=to).contains(&w) {
                        worked.insert(w, &h.name);
                    }
                }
            }
        }
        let mut run: Option<(Date, Date, Vec<Msg>)> = None;
        let close = |run: &mut Option<(Date, Date, Vec<Msg>)>, out: &mut Vec<Skipped>| {
            if let Some((from, to, names)) = run.take() {
                out.push(if names.is_empty() {
                    Skipped::Weekend { from, to }
                } else {
                    Skipped::Holiday { from, to, names }
                });
            }
        };
        let mut d = from;
        loop {
            match self.is_workday(d) {
                Some(false) => {
                    let (_, run_to, run_names) = run.get_or_insert_with(|| (d, d, Vec::new()));
                    *run_to = d;
                    if let Some(name) = names.get(&d)
                        && !run_names.contains(name)
                    {
                        run_names.push((*name).clone());
                    }
                }
                Some(true) => {
                    close(&mut run, &mut out);
                    if is_weekend(d) {
                        let holiday = worked.get(&d).map_or_else(
                            || Msg::new("调休", "a make-up working day"),
                            |m| (*m).clone(),
                        );
                        out.push(Skipped::MakeUpWorkday { date: d, holiday });
                    }
                }
                None => close(&mut run, &mut out),
            }
            match d.tomorrow() {
                Some(next) if next <= to => d = next,
                _ => break,
            }
        }
        close(&mut run, &mut out);
        out
    }
}

impl Table {
    fn build(years: &BTreeMap<i32, Year>) -> Table {
        let (Some(&first), Some(&last)) = (years.keys().next(), years.keys().next_back()) else {
            return Table::default();
        };
        let (Some(base), Some(end)) = (jan1(first), jan1(last + 1)) else {
            return Table::default();
        };
        let len = end.days_since(base) as usize;
        let covered: Vec<bool> = (first..=last).map(|y| years.contains_key(&y)).collect();
        let mut work = vec![0u64; len.div_ceil(64)];
        let mut d = base;
        for i in 0..len {
            if !is_weekend(d) {
                work[i >> 6] |= 1 << (i & 63);
            }
            d = d.tomorrow().unwrap_or(d);
        }
        let index = |d: Date| {
            let i = d.days_since(base);
            (0..len as i64).contains(&i).then_some(i as usize)
        };
        // Year by year, so that a year's notice settles the last days of
        // the year before (2023's 元旦 began on 2022-12-31).
        for y in years.values() {
            for h in &y.holidays {
                let mut d = h.from;
                while d <= h.to {
                    if let Some(i) = index(d) {
                        work[i >> 6] &= !(1 << (i & 63));
                    }
                    match d.tomorrow() {
                        Some(next) => d = next,
                        None => break,
                    }
                }
            }
            for h in &y.holidays {
                for &w in &h.workdays {
                    if let Some(i) = index(w) {
                        work[i >> 6] |= 1 << (i & 63);
                    }
                }
            }
        }
        let mut before = Vec::with_capacity(len + 1);
        let mut gaps = Vec::with_capacity(len + 1);
        let mut workdays = Vec::new();
        let (mut n, mut g) = (0u32, 0u32);
        let mut d = base;
        for i in 0..len {
            before.push(n);
            gaps.push(g);
            let year_covered = covered[(i32::from(d.year()) - first) as usize];
            if !year_covered {
                g += 1;
            } else if work[i >> 6] >> (i & 63) & 1 == 1 {
                n += 1;
                workdays.push(i as u32);
            }
            d = d.tomorrow().unwrap_or(d);
        }
        before.push(n);
        gaps.push(g);
        Table {
            first,
            last,
            base: Some(base),
            covered,
            work,
            before,
            workdays,
            gaps,
        }
    }

    fn len(&self) -> usize {
        self.before.len().saturating_sub(1)
    }

    #[inline]
    fn index(&self, d: Date) -> Option<usize> {
        let i = d.days_since(self.base?);
        (0..self.len() as i64).contains(&i).then_some(i as usize)
    }

    /// The first year from `d`'s on that is not covered.
    fn first_gap_from(&self, d: Date) -> i32 {
        let year = i32::from(d.year());
        if self.base.is_none() || year < self.first {
            return year;
        }
        (year..=self.last)
            .find(|&y| !self.covered[(y - self.first) as usize])
            .unwrap_or(year.max(self.last + 1))
    }
}

// ---------------------------------------------------------------------------
// Explanations.

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_EN_FULL: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn day_zh(d: Date, with_year: bool) -> String {
    if with_year {
        format!("{}年{}月{}日", d.year(), d.month(), d.day())
    } else {
        format!("{}月{}日", d.month(), d.day())
    }
}

fn day_en(d: Date, with_year: bool) -> String {
    let m = MONTHS_EN[(d.month() - 1) as usize];
    if with_year {
        format!("{m} {}, {}", d.day(), d.year())
    } else {
        format!("{m} {}", d.day())
    }
}

/// `10月1日–8日`, `1月28日–2月4日`, `2022年12月31日–2023年1月2日`.
fn range_text(from: Date, to: Date, lang: Lang) -> String {
    let years = from.year() != to.year();
    match lang {
        Lang::Zh if from == to => day_zh(from, false),
        Lang::Zh if !years && from.month() == to.month() => {
            format!("{}–{}日", day_zh(from, false), to.day())
        }
        Lang::Zh => format!("{}–{}", day_zh(from, years), day_zh(to, years)),
        Lang::En if from == to => day_en(from, false),
        Lang::En if !years && from.month() == to.month() => {
            format!("{}–{}", day_en(from, false), to.day())
        }
        Lang::En => format!("{}–{}", day_en(from, years), day_en(to, years)),
    }
}

/// One line for an explanation: the holidays and weekends a count passed
/// over, then the 调休 days it counted, e.g. `跳过 10月1日–8日 国庆节、中秋节假期，
/// 周末 1 天；10月11日（周六）调休上班`.
pub fn describe_skipped(skipped: &[Skipped], lang: Lang) -> String {
    let mut parts = Vec::new();
    let mut weekend_days = 0;
    let mut worked = Vec::new();
    for s in skipped {
        match s {
            Skipped::Holiday { from, to, names } => {
                let range = range_text(*from, *to, lang);
                parts.push(match lang {
                    Lang::Zh => {
                        let names: Vec<&str> = names.iter().map(|n| n.zh.as_str()).collect();
                        format!("{range} {}假期", names.join("、"))
                    }
                    Lang::En => {
                        let names: Vec<&str> = names.iter().map(|n| n.en.as_str()).collect();
                        format!("{range} ({} holiday)", names.join(", "))
                    }
                });
            }
            Skipped::Weekend { from, to } => weekend_days += to.days_since(*from) + 1,
            Skipped::MakeUpWorkday { date, .. } => {
                let wd = weekday(*date) as usize;
                worked.push(match lang {
                    Lang::Zh => format!("{}（{}）调休上班", day_zh(*date, false), WEEKDAYS_ZH[wd]),
                    Lang::En => format!(
                        "{} ({}) a make-up working day",
                        day_en(*date, false),
                        WEEKDAYS_EN[wd]
                    ),
                });
            }
        }
    }
    if weekend_days > 0 {
        parts.push(match lang {
            Lang::Zh => format!("周末 {weekend_days} 天"),
            Lang::En if weekend_days == 1 => "1 weekend day".to_string(),
            Lang::En => format!("{weekend_days} weekend days"),
        });
    }
    let mut out = String::new();
    match lang {
        Lang::Zh => {
            if parts.is_empty() {
                out.push_str("未跳过非工作日");
            } else {
                let _ = write!(out, "跳过 {}", parts.join("，"));
            }
            if !worked.is_empty() {
                let _ = write!(out, "；{}", worked.join("、"));
            }
        }
        Lang::En => {
            if parts.is_empty() {
                out.push_str("no days off skipped");
            } else {
                let _ = write!(out, "skipped {}", parts.join(", "));
            }
            if !worked.is_empty() {
                let _ = write!(out, "; counted {}", worked.join(", "));
            }
        }
    }
    out
}

/// The English name of a holiday named as the notices name them
/// (`国庆节、中秋节`: each part), or the name itself.
fn english_name(zh: &str) -> String {
    let parts: Vec<&str> = zh
        .split('、')
        .map(|p| match p.trim() {
            "元旦" => "New Year's Day",
            "春节" => "Spring Festival",
            "清明节" => "Qingming Festival",
            "劳动节" => "Labour Day",
            "端午节" => "Dragon Boat Festival",
            "中秋节" => "Mid-Autumn Festival",
            "国庆节" => "National Day",
            other => other,
        })
        .collect();
    parts.join(" and ")
}

// ---------------------------------------------------------------------------
// Reading a calendar file.

type Span = Range<usize>;

const YEAR_KEYS: [&str; 4] = ["year", "notice", "number", "holiday"];
const HOLIDAY_KEYS: [&str; 7] = ["name", "en", "from", "to", "workdays", "notice", "number"];

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<Diagnostic>,
}

fn parse_years(name: &str, text: &str) -> Result<Vec<Year>, Vec<Diagnostic>> {
    if text.len() > MAX_CALENDAR {
        return Err(vec![Diagnostic::error(
            "calendar-too-large",
            None,
            Msg::new(
                format!(
                    "日历文件过大（{} 字节，上限 {MAX_CALENDAR} 字节）",
                    text.len()
                ),
                format!(
                    "calendar file too large ({} bytes, the limit is {MAX_CALENDAR})",
                    text.len()
                ),
            ),
        )]);
    }
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let message = e.message().trim().to_string();
            let help = if message.contains("date") {
                Msg::new(
                    "核对日期：这个日期不存在（月份 1–12，日不超过该月天数），写作 2025-10-01",
                    "check the date: it does not exist (months 1-12, days within the month), written 2025-10-01",
                )
            } else {
                Msg::new(
                    "日期写作 2025-10-01（不加引号），名称写在英文引号里：name = \"国庆节\"",
                    "write dates as 2025-10-01 (no quotes) and names in ASCII quotes: name = \"国庆节\"",
                )
            };
            return Err(vec![
                Diagnostic::error(
                    "not-toml",
                    e.span(),
                    Msg::new(
                        format!("不是有效的 TOML：{message}"),
                        format!("not valid TOML: {message}"),
                    ),
                )
                .with_help(help),
            ]);
        }
    };
    let mut r = Reader {
        file: name,
        text,
        errors: Vec::new(),
    };
    let years = r.file_table(table.get_ref());
    if r.errors.is_empty() {
        Ok(years)
    } else {
        let mut errors = r.errors;
        errors.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        crate::diag::cap(&mut errors, 0);
        Err(errors)
    }
}

fn type_name(v: &DeValue) -> (&'static str, &'static str) {
    match v {
        DeValue::String(_) => ("文本", "a text"),
        DeValue::Integer(_) => ("整数", "an integer"),
        DeValue::Float(_) => ("小数", "a decimal"),
        DeValue::Boolean(_) => ("真假值", "a boolean"),
        DeValue::Datetime(_) => ("日期", "a date"),
        DeValue::Array(_) => ("列表", "a list"),
        DeValue::Table(_) => ("表", "a table"),
    }
}

impl Reader<'_> {
    fn error(&mut self, code: &'static str, span: Span, message: Msg) -> &mut Diagnostic {
        self.errors
            .push(Diagnostic::error(code, Some(span), message));
        self.errors.last_mut().expect("just pushed")
    }

    fn wrong_type(&mut self, key: &str, v: &Spanned<DeValue>, want: (&str, &str)) {
        let found = type_name(v.get_ref());
        let d = self.error(
            "calendar-wrong-type",
            v.span(),
            Msg::new(
                format!("`{key}` 应为{}，实际是{}", want.0, found.0),
                format!("`{key}` should be {}, found {}", want.1, found.1),
            ),
        );
        if matches!(v.get_ref(), DeValue::String(_)) && want.1.contains("date") {
            d.help = Some(Msg::new(
                "日期写作 2025-10-01，不加引号",
                "write a date as 2025-10-01, without quotes",
            ));
        }
    }

    fn unknown_key(
        &mut self,
        key: &Spanned<std::borrow::Cow<str>>,
        known: &[&str],
        place: (&str, &str),
    ) {
        let word = key.get_ref().as_ref();
        let close = did_you_mean(word, known.iter().copied());
        let d = self.error(
            "calendar-unknown-key",
            key.span(),
            Msg::new(
                format!("{}中没有键 `{word}`（可用：{}）", place.0, known.join("、")),
                format!(
                    "{} has no key `{word}` (known: {})",
                    place.1,
                    known.join(", ")
                ),
            ),
        );
        if let Some(close) = close {
            d.help = Some(Msg::new(
                format!("是否想写 `{close}`？"),
                format!("did you mean `{close}`?"),
            ));
        }
    }

    fn missing_key(&mut self, key: &str, span: Span, place: (&str, &str), example: &str) {
        let d = self.error(
            "calendar-missing-key",
            span,
            Msg::new(
                format!("{}缺少 `{key}`", place.0),
                format!("{} lacks `{key}`", place.1),
            ),
        );
        d.help = Some(Msg::new(
            format!("加上一行 {example}"),
            format!("add a line {example}"),
        ));
    }

    fn file_table(&mut self, table: &DeTable) -> Vec<Year> {
        let mut years = Vec::new();
        let mut seen: BTreeMap<i32, Span> = BTreeMap::new();
        let mut any = false;
        for (k, v) in table.iter() {
            if k.get_ref() != "year" {
                self.unknown_key(k, &["year"], ("日历文件", "the calendar file"));
                continue;
            }
            any = true;
            let DeValue::Array(items) = v.get_ref() else {
                self.wrong_type(
                    "year",
                    v,
                    ("表的列表（[[year]]）", "a list of tables ([[year]])"),
                );
                continue;
            };
            for item in items.iter() {
                let DeValue::Table(t) = item.get_ref() else {
                    self.wrong_type("year", item, ("表（[[year]]）", "a table ([[year]])"));
                    continue;
                };
                if let Some((y, yspan)) = self.year_table(t, item.span()) {
                    if let Some(first) = seen.get(&y.year) {
                        let (line, _) = crate::diag::line_col(self.text, first.start);
                        let d = self.error(
                            "calendar-duplicate-year",
                            yspan,
                            Msg::new(
                                format!(
                                    "{} 年在本文件中出现了两次（第一次在第 {line} 行）",
                                    y.year
                                ),
                                format!(
                                    "year {} appears twice in this file (first on line {line})",
                                    y.year
                                ),
                            ),
                        );
                        d.help = Some(Msg::new(
                            "每年只写一个 [[year]] 条目；删去其中一个",
                            "write one [[year]] entry per year: remove one of them",
                        ));
                    } else {
                        seen.insert(y.year, yspan);
                        years.push(y);
                    }
                }
            }
        }
        if !any {
            self.errors.push(
                Diagnostic::error(
                    "calendar-no-years",
                    None,
                    Msg::new("日历文件中没有任何年份", "the calendar file gives no year"),
                )
                .with_help(Msg::new(
                    "每年写一个 [[year]] 条目，见 rules/calendar/cn.toml 开头的说明",
                    "write one [[year]] entry per year, as the header of rules/calendar/cn.toml shows",
                )),
            );
        }
        years
    }

    fn year_table(&mut self, t: &DeTable, span: Span) -> Option<(Year, Span)> {
        let place = ("[[year]] 条目", "a [[year]] entry");
        let mut year: Option<(i32, Span)> = None;
        let mut title: Option<String> = None;
        let mut number: Option<String> = None;
        let mut holidays: Vec<&Spanned<DeValue>> = Vec::new();
        for (k, v) in t.iter() {
            match k.get_ref().as_ref() {
                "year" => match v.get_ref() {
                    DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                        Ok(n) if i32::try_from(n).is_ok_and(|n| YEARS.contains(&n)) => {
                            year = Some((n as i32, v.span()));
                        }
                        _ => {
                            let d = self.error(
                                "calendar-bad-year",
                                v.span(),
                                Msg::new(
                                    format!(
                                        "年份 {} 不在 {}–{} 之间",
                                        i.as_str(),
                                        YEARS.start(),
                                        YEARS.end()
                                    ),
                                    format!(
                                        "year {} is not between {} and {}",
                                        i.as_str(),
                                        YEARS.start(),
                                        YEARS.end()
                                    ),
                                ),
                            );
                            d.help = Some(Msg::new("写作 year = 2027", "write year = 2027"));
                        }
                    },
                    _ => self.wrong_type(
                        "year",
                        v,
                        ("整数年份（如 2027）", "a year number (like 2027)"),
                    ),
                },
                "notice" | "number" => match v.get_ref() {
                    DeValue::String(s) if !s.trim().is_empty() => {
                        let s = s.trim().to_string();
                        if k.get_ref() == "notice" {
                            title = Some(s);
                        } else {
                            number = Some(s);
                        }
                    }
                    DeValue::String(_) => {
                        self.error(
                            "calendar-empty",
                            v.span(),
                            Msg::new(
                                format!("`{}` 是空的", k.get_ref()),
                                format!("`{}` is empty", k.get_ref()),
                            ),
                        );
                    }
                    _ => self.wrong_type(k.get_ref(), v, ("文本", "a text")),
                },
                "holiday" => match v.get_ref() {
                    DeValue::Array(items) => holidays.extend(items.iter()),
                    _ => self.wrong_type(
                        "holiday",
                        v,
                        (
                            "表的列表（[[year.holiday]]）",
                            "a list of tables ([[year.holiday]])",
                        ),
                    ),
                },
                _ => self.unknown_key(k, &YEAR_KEYS, place),
            }
        }
        if title.is_none() {
            self.missing_key(
                "notice",
                span.clone(),
                place,
                "notice = \"国务院办公厅关于2027年部分节假日安排的通知\"",
            );
        }
        let Some((year, year_span)) = year else {
            // A year given but refused has been reported already.
            if !t.contains_key("year") {
                self.missing_key("year", span, place, "year = 2027");
            }
            return None;
        };
        let mut out = Vec::new();
        let mut workday_spans = Vec::new();
        for h in holidays {
            let DeValue::Table(ht) = h.get_ref() else {
                self.wrong_type(
                    "holiday",
                    h,
                    ("表（[[year.holiday]]）", "a table ([[year.holiday]])"),
                );
                continue;
            };
            if let Some((h, spans)) = self.holiday(ht, h.span(), year) {
                out.push(h);
                workday_spans.push(spans);
            }
        }
        // A day both off and worked, within this year's entry.
        let mut off: BTreeMap<Date, &Msg> = BTreeMap::new();
        for h in &out {
            let mut d = h.from;
            while d <= h.to {
                off.insert(d, &h.name);
                let Some(next) = d.tomorrow() else { break };
                d = next;
            }
        }
        for (h, spans) in out.iter().zip(&workday_spans) {
            for (&w, wspan) in h.workdays.iter().zip(spans) {
                if let Some(other) = off.get(&w) {
                    let d = Diagnostic::error(
                        "calendar-holiday-and-workday",
                        Some(wspan.clone()),
                        Msg::new(
                            format!(
                                "{w} 既是{}的放假日，又写作{}的调休上班日",
                                other.zh, h.name.zh
                            ),
                            format!(
                                "{w} is both a day off ({}) and a make-up working day ({})",
                                other.en, h.name.en
                            ),
                        ),
                    )
                    .with_help(Msg::new(
                        "核对通知：同一天只能是放假或上班之一",
                        "check the notice: a day is either off or worked, not both",
                    ));
                    self.errors.push(d);
                }
            }
        }
        let title = title?;
        let notice = match number {
            Some(n) => format!("{title}（{n}）"),
            None => title,
        };
        Some((
            Year {
                year,
                notice,
                file: self.file.to_string(),
                holidays: out,
            },
            year_span,
        ))
    }

    /// A date of a year's entry: a TOML date, real, within the year or the
    /// last week of the year before.
    fn date(&mut self, key: &str, v: &Spanned<DeValue>, year: i32) -> Option<Date> {
        let DeValue::Datetime(dt) = v.get_ref() else {
            self.wrong_type(
                key,
                v,
                ("日期（如 2025-10-01）", "a date (like 2025-10-01)"),
            );
            return None;
        };
        let (Some(d), None, None) = (dt.date, dt.time, dt.offset) else {
            let d = self.error(
                "calendar-bad-date",
                v.span(),
                Msg::new(
                    format!("`{key}` 应为不带时间的日期，实际是 {dt}"),
                    format!("`{key}` should be a date without a time, found {dt}"),
                ),
            );
            d.help = Some(Msg::new("写作 2025-10-01", "write it as 2025-10-01"));
            return None;
        };
        let Ok(date) = Date::new(d.year as i16, d.month as i8, d.day as i8) else {
            let shown = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
            self.error(
                "calendar-bad-date",
                v.span(),
                Msg::new(
                    format!("`{key}`：日期 {shown} 不存在"),
                    format!("`{key}`: {shown} is not a real date"),
                ),
            );
            return None;
        };
        let first = jan1(year).and_then(|d| add_days(d, -TURN_OF_YEAR_DAYS));
        let end = jan1(year + 1);
        let inside = first.is_some_and(|f| date >= f) && end.is_some_and(|e| date < e);
        if !inside {
            let d = self.error(
                "calendar-date-outside-year",
                v.span(),
                Msg::new(
                    format!("`{key}`：{date} 不在 {year} 年内"),
                    format!("`{key}`: {date} is not in {year}"),
                ),
            );
            d.help = Some(Msg::new(
                format!(
                    "{year} 年的条目只写 {year} 年的日期（元旦假期可从上一年最后一周开始）；另一年的安排写在它自己的 [[year]] 条目里"
                ),
                format!(
                    "the entry for {year} gives dates of {year} only (元旦 may begin in the last week of the year before); another year's arrangement goes in its own [[year]] entry"
                ),
            ));
            return None;
        }
        Some(date)
    }

    fn holiday(&mut self, t: &DeTable, span: Span, year: i32) -> Option<(Holiday, Vec<Span>)> {
        let place = ("[[year.holiday]] 条目", "a [[year.holiday]] entry");
        let errors_before = self.errors.len();
        let mut name: Option<String> = None;
        let mut en: Option<String> = None;
        let mut from: Option<(Date, Span)> = None;
        let mut to: Option<(Date, Span)> = None;
        let mut title: Option<String> = None;
        let mut number: Option<String> = None;
        let mut workdays = Vec::new();
        let mut spans = Vec::new();
        for (k, v) in t.iter() {
            let key = k.get_ref().as_ref();
            match key {
                "name" | "en" | "notice" | "number" => match v.get_ref() {
                    DeValue::String(s) if !s.trim().is_empty() => {
                        let s = Some(s.trim().to_string());
                        match key {
                            "name" => name = s,
                            "en" => en = s,
                            "notice" => title = s,
                            _ => number = s,
                        }
                    }
                    DeValue::String(_) => {
                        self.error(
                            "calendar-empty",
                            v.span(),
                            Msg::new(format!("`{key}` 是空的"), format!("`{key}` is empty")),
                        );
                    }
                    _ => self.wrong_type(key, v, ("文本", "a text")),
                },
                "from" | "to" => {
                    if let Some(d) = self.date(key, v, year) {
                        if key == "from" {
                            from = Some((d, v.span()));
                        } else {
                            to = Some((d, v.span()));
                        }
                    }
                }
                "workdays" => match v.get_ref() {
                    DeValue::Array(items) => {
                        for item in items.iter() {
                            let Some(d) = self.date("workdays", item, year) else {
                                continue;
                            };
                            if !is_weekend(d) {
                                let wd = weekday(d) as usize;
                                let e = self.error(
                                    "calendar-workday-not-weekend",
                                    item.span(),
                                    Msg::new(
                                        format!("调休上班日 {d} 是{}，不是周末", WEEKDAYS_ZH[wd]),
                                        format!(
                                            "make-up working day {d} is a {}, not a weekend day",
                                            WEEKDAYS_EN_FULL[wd]
                                        ),
                                    ),
                                );
                                e.help = Some(Msg::new(
                                    "workdays 只列通知中写明“上班”的周六、周日；核对日期",
                                    "workdays lists only the Saturdays and Sundays the notice makes working days: check the date",
                                ));
                                continue;
                            }
                            workdays.push(d);
                            spans.push(item.span());
                        }
                    }
                    _ => self.wrong_type(
                        "workdays",
                        v,
                        (
                            "日期列表（如 [2025-09-28, 2025-10-11]）",
                            "a list of dates (like [2025-09-28, 2025-10-11])",
                        ),
                    ),
                },
                _ => self.unknown_key(k, &HOLIDAY_KEYS, place),
            }
        }
        let had_errors = self.errors.len() > errors_before;
        if name.is_none() && !t.contains_key("name") {
            self.missing_key("name", span.clone(), place, "name = \"国庆节\"");
        }
        if from.is_none() && !t.contains_key("from") {
            self.missing_key("from", span.clone(), place, "from = 2025-10-01");
        }
        let (name, (from, from_span)) = (name?, from?);
        let to = match to {
            Some((to, to_span)) => {
                if to < from {
                    let d = self.error(
                        "calendar-range-reversed",
                        to_span,
                        Msg::new(
                            format!("放假最后一天 {to} 早于第一天 {from}"),
                            format!("the last day off, {to}, is before the first, {from}"),
                        ),
                    );
                    d.help = Some(Msg::new(
                        "from 写放假第一天，to 写放假最后一天",
                        "from is the first day off, to the last",
                    ));
                    return None;
                }
                if to.days_since(from) >= MAX_HOLIDAY_DAYS {
                    self.error(
                        "calendar-range-too-long",
                        from_span.start..to_span.end,
                        Msg::new(
                            format!(
                                "{from} 至 {to} 共 {} 天，超过 {MAX_HOLIDAY_DAYS} 天：是否写错了月份？",
                                to.days_since(from) + 1
                            ),
                            format!(
                                "{from} to {to} is {} days, more than {MAX_HOLIDAY_DAYS}: a wrong month?",
                                to.days_since(from) + 1
                            ),
                        ),
                    );
                    return None;
                }
                to
            }
            None if t.contains_key("to") => return None,
            None => from,
        };
        if had_errors {
            return None;
        }
        let notice = title.map(|t| match number {
            Some(n) => format!("{t}（{n}）"),
            None => t,
        });
        let en = en.unwrap_or_else(|| english_name(&name));
        Some((
            Holiday {
                name: Msg::new(name, en),
                from,
                to,
                workdays,
                notice,
            },
            spans,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        match Calendar::parse("t.toml", text) {
            Ok(_) => Vec::new(),
            Err(d) => d.iter().map(|d| d.code).collect(),
        }
    }

    const HEAD: &str = "[[year]]\nyear = 2025\nnotice = \"n\"\n[[year.holiday]]\nname = \"x\"\n";

    #[test]
    fn the_built_in_file_parses() {
        let cal = Calendar::parse(BUILTIN_CALENDAR_NAME, BUILTIN_CALENDAR);
        assert!(cal.is_ok(), "{:?}", cal.err());
        assert_eq!(Calendar::builtin().span(), Some(2020..=2026));
    }

    #[test]
    fn weekdays_agree_with_jiff() {
        let mut d = Date::new(2019, 12, 1).unwrap();
        for _ in 0..800 {
            let jiff = d.to_jiff().weekday().to_monday_zero_offset();
            assert_eq!(weekday(d), i64::from(jiff), "{d}");
            d = d.tomorrow().unwrap();
        }
        assert_eq!(weekday(Date::new(-9999, 1, 1).unwrap()), {
            let j = jiff::civil::Date::new(-9999, 1, 1).unwrap();
            i64::from(j.weekday().to_monday_zero_offset())
        });
    }

    #[test]
    fn english_names_of_the_notices_holidays() {
        assert_eq!(
            english_name("国庆节、中秋节"),
            "National Day and Mid-Autumn Festival"
        );
        assert_eq!(english_name("三月三"), "三月三");
    }

    #[test]
    fn refusals_each_have_their_code() {
        assert_eq!(
            codes(&format!("{HEAD}from = 2025-10-01")),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(&format!("{HEAD}from = 2025-10-01\nto = 2025-12-01")),
            ["calendar-range-too-long"]
        );
        assert_eq!(
            codes(&format!("{HEAD}from = 2025-10-01T08:00:00")),
            ["calendar-bad-date"]
        );
        assert_eq!(
            codes(&format!("{HEAD}from = 2024-12-24")),
            ["calendar-date-outside-year"]
        );
        // The last week of the year before is allowed (2023's 元旦).
        assert_eq!(
            codes(&format!("{HEAD}from = 2024-12-25")),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes("[[year]]\nyear = 1800\nnotice = \"n\""),
            ["calendar-bad-year"]
        );
        assert_eq!(
            codes("[[year]]\nyear = \"2025\"\nnotice = \"n\""),
            ["calendar-wrong-type"]
        );
        assert_eq!(codes("[[year]]\nnotice = \"n\""), ["calendar-missing-key"]);
        assert_eq!(
            codes(&format!("{HEAD}from = 2025-10-01\nname2 = 1")),
            ["calendar-unknown-key"]
        );
        assert_eq!(codes(""), ["calendar-no-years"]);
        let big = format!("# {}\n{HEAD}from = 2025-10-01", "x".repeat(MAX_CALENDAR));
        assert_eq!(codes(&big), ["calendar-too-large"]);
    }

    #[test]
    fn a_later_year_settles_the_turn_of_the_year() {
        // 2025's entry makes Saturday 2024-12-28 a day off; 2024's says
        // nothing of it, so it stays off.
        let cal = Calendar::parse(
            "t.toml",
            "[[year]]\nyear = 2024\nnotice = \"a\"\n\
             [[year]]\nyear = 2025\nnotice = \"b\"\n\
             [[year.holiday]]\nname = \"元旦\"\nfrom = 2024-12-28\nto = 2025-01-01\n\
             workdays = [2025-01-04]\n",
        )
        .unwrap();
        assert_eq!(cal.is_workday(Date::new(2024, 12, 27).unwrap()), Some(true));
        assert_eq!(
            cal.is_workday(Date::new(2024, 12, 30).unwrap()),
            Some(false)
        );
        assert_eq!(cal.is_workday(Date::new(2025, 1, 4).unwrap()), Some(true));
        assert_eq!(
            cal.add_workdays(Date::new(2024, 12, 27).unwrap(), 1),
            Ok(Date::new(2025, 1, 2).unwrap())
        );
    }

    #[test]
    fn the_table_holds_one_entry_per_day() {
        let cal = Calendar::builtin();
        let t = &cal.table;
        let days = 7 * 365 + 2; // 2020 and 2024 are leap years
        assert_eq!(t.len(), days);
        assert_eq!(t.before.len(), days + 1);
        assert_eq!(t.workdays.len() as u32, t.before[days]);
        assert_eq!(t.gaps[days], 0);
        assert_eq!(t.workdays.len(), 249 + 250 + 249 + 249 + 251 + 248 + 248);
    }
}
