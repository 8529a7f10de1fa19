//! The working-day calendar (SAMR §4): counts of working days across
//! holidays and 调休 days, counts that run out of the calendar, the data
//! checked against the notices' own counts, and an office's bad calendar
//! files (tests/bad/calendar/, one file per case, snapshotted as a clerk
//! would see them).

use proptest::prelude::*;

use crate::insta;
use shouli::calendar::{Calendar, Missing, Skipped, describe_skipped};
use shouli::diag::{Lang, Source, render_all};
use shouli::value::Date;

fn date(s: &str) -> Date {
    let d: jiff::civil::Date = s.parse().expect("a test date");
    Date::from(d)
}

fn add(cal: &Calendar, start: &str, n: u32) -> Result<String, Missing> {
    cal.add_workdays(date(start), n).map(|d| d.to_string())
}

fn is_weekend(d: Date) -> bool {
    matches!(
        d.to_jiff().weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    )
}

/// The built-in calendar without one year's entry, to make a gap.
fn builtin_without(year: i32) -> Calendar {
    let text = shouli::calendar::BUILTIN_CALENDAR;
    let mut kept = String::new();
    for (i, part) in text.split("[[year]]\n").enumerate() {
        if i > 0 && part.starts_with(&format!("year = {year}\n")) {
            continue;
        }
        if i > 0 {
            kept.push_str("[[year]]\n");
        }
        kept.push_str(part);
    }
    let cal = Calendar::parse("cut.toml", &kept).expect("the cut calendar parses");
    assert!(!cal.covers(year) && cal.covers(year - 1) && cal.covers(year + 1));
    cal
}

#[test]
fn samr_example_national_day_2025() {
    // SAMR §4: received 2025-09-30; 10月1日–8日 off, 10月11日 (Saturday)
    // worked, so decide_by = 2025-10-16.
    let cal = Calendar::builtin();
    let start = date("2025-09-30");
    let end = cal.add_workdays(start, 7).expect("2025 is covered");
    assert_eq!(end, date("2025-10-16"));
    let skipped = cal.skipped(start, end);
    assert_eq!(
        describe_skipped(&skipped, Lang::Zh),
        "跳过 10月1日–8日 国庆节、中秋节假期，周末 1 天；10月11日（周六）调休上班"
    );
    assert_eq!(
        describe_skipped(&skipped, Lang::En),
        "skipped Oct 1–8 (National Day and Mid-Autumn Festival holiday), 1 weekend day; \
         counted Oct 11 (Sat) a make-up working day"
    );
    assert_eq!(
        skipped,
        vec![
            Skipped::Holiday {
                from: date("2025-10-01"),
                to: date("2025-10-08"),
                names: vec![shouli::diag::Msg::new(
                    "国庆节、中秋节",
                    "National Day and Mid-Autumn Festival"
                )],
            },
            Skipped::MakeUpWorkday {
                date: date("2025-10-11"),
                holiday: shouli::diag::Msg::new(
                    "国庆节、中秋节",
                    "National Day and Mid-Autumn Festival"
                ),
            },
            Skipped::Weekend {
                from: date("2025-10-12"),
                to: date("2025-10-12"),
            },
        ]
    );
}

#[test]
fn counts_across_the_spring_festival() {
    let cal = Calendar::builtin();
    // 2025: 1月28日–2月4日 off; Sunday 1月26日 and Saturday 2月8日 worked.
    assert_eq!(add(&cal, "2025-01-24", 1), Ok("2025-01-26".into()));
    assert_eq!(add(&cal, "2025-01-24", 2), Ok("2025-01-27".into()));
    assert_eq!(add(&cal, "2025-01-24", 3), Ok("2025-02-05".into()));
    assert_eq!(add(&cal, "2025-02-05", 3), Ok("2025-02-08".into()));
    // 2024: New Year's Eve (Friday 2月9日) is only encouraged off: worked.
    assert_eq!(add(&cal, "2024-02-08", 1), Ok("2024-02-09".into()));
    assert_eq!(add(&cal, "2024-02-08", 2), Ok("2024-02-18".into()));
    // 2026: nine days off, 2月15日–23日; Saturday 2月14日 worked.
    assert_eq!(add(&cal, "2026-02-13", 1), Ok("2026-02-14".into()));
    assert_eq!(add(&cal, "2026-02-13", 2), Ok("2026-02-24".into()));
    // 2020: the extension (国办发明电〔2020〕1号) ran to 2月2日, and
    // Saturday 2月1日 was no longer worked.
    assert_eq!(add(&cal, "2020-01-23", 1), Ok("2020-02-03".into()));
    assert_eq!(cal.is_workday(date("2020-02-01")), Some(false));
    let s = cal.skipped(date("2020-01-23"), date("2020-02-03"));
    assert_eq!(
        describe_skipped(&s, Lang::Zh),
        "跳过 1月24日–2月2日 春节假期"
    );
    assert_eq!(
        describe_skipped(&s, Lang::En),
        "skipped Jan 24–Feb 2 (Spring Festival holiday)"
    );
}

#[test]
fn a_saturday_worked_for_a_holiday_is_counted() {
    let cal = Calendar::builtin();
    assert_eq!(cal.is_workday(date("2025-10-11")), Some(true));
    assert_eq!(cal.is_workday(date("2025-10-18")), Some(false));
    assert_eq!(add(&cal, "2025-10-10", 1), Ok("2025-10-11".into()));
    // An ordinary Friday: the next working day is Monday.
    assert_eq!(add(&cal, "2025-10-17", 1), Ok("2025-10-20".into()));
    assert_eq!(
        describe_skipped(
            &cal.skipped(date("2025-10-17"), date("2025-10-20")),
            Lang::Zh
        ),
        "跳过 周末 2 天"
    );
    assert_eq!(
        describe_skipped(
            &cal.skipped(date("2025-10-13"), date("2025-10-14")),
            Lang::Zh
        ),
        "未跳过非工作日"
    );
}

#[test]
fn new_year_2023_began_in_2022() {
    // 2023's notice: 2022年12月31日至2023年1月2日放假调休，共3天。
    let cal = Calendar::builtin();
    assert_eq!(add(&cal, "2022-12-30", 1), Ok("2023-01-03".into()));
    assert_eq!(
        describe_skipped(
            &cal.skipped(date("2022-12-30"), date("2023-01-03")),
            Lang::Zh
        ),
        "跳过 2022年12月31日–2023年1月2日 元旦假期"
    );
    assert_eq!(
        describe_skipped(
            &cal.skipped(date("2022-12-30"), date("2023-01-03")),
            Lang::En
        ),
        "skipped Dec 31, 2022–Jan 2, 2023 (New Year's Day holiday)"
    );
}

#[test]
fn counts_out_of_the_calendar_are_missing() {
    let cal = Calendar::builtin();
    assert_eq!(cal.span(), Some(2020..=2026));
    // The last days covered still count.
    assert_eq!(add(&cal, "2026-12-30", 1), Ok("2026-12-31".into()));
    // Past the end: 2027's arrangement is missing.
    assert_eq!(add(&cal, "2026-12-25", 7), Err(Missing { year: 2027 }));
    assert_eq!(add(&cal, "2026-12-31", 1), Err(Missing { year: 2027 }));
    assert_eq!(add(&cal, "2031-03-01", 1), Err(Missing { year: 2031 }));
    // Before the start: the first day counted is in 2019.
    assert_eq!(add(&cal, "2019-12-30", 1), Err(Missing { year: 2019 }));
    assert_eq!(add(&cal, "2015-06-01", 300), Err(Missing { year: 2015 }));
    // Received on the last day of 2019, the count starts in 2020 (元旦 off).
    assert_eq!(add(&cal, "2019-12-31", 1), Ok("2020-01-02".into()));
    assert_eq!(cal.is_workday(date("2019-12-31")), None);
    assert_eq!(cal.is_workday(date("2027-01-04")), None);
    assert_eq!(
        Missing { year: 2027 }.message().zh,
        "日历中没有 2027 年的节假日安排（国务院办公厅关于2027年部分节假日安排的通知），无法计算工作日"
    );
    // Zero working days is the day itself, even outside the calendar.
    assert_eq!(add(&cal, "2030-01-01", 0), Ok("2030-01-01".into()));
    // The ends of the date range are no panic.
    let last: Date = Date::new(9999, 12, 31).unwrap();
    assert_eq!(cal.add_workdays(last, 1), Err(Missing { year: 10000 }));
    let first: Date = Date::new(-9999, 1, 1).unwrap();
    assert_eq!(
        cal.add_workdays(first, u32::MAX),
        Err(Missing { year: -9999 })
    );
    assert_eq!(
        cal.add_workdays(date("2020-01-01"), u32::MAX),
        Err(Missing { year: 2027 })
    );
}

#[test]
fn a_gap_between_years_is_missing() {
    let cal = builtin_without(2023);
    assert_eq!(cal.span(), Some(2020..=2026));
    assert_eq!(add(&cal, "2022-12-20", 3), Ok("2022-12-23".into()));
    assert_eq!(add(&cal, "2022-12-20", 30), Err(Missing { year: 2023 }));
    assert_eq!(add(&cal, "2023-05-01", 1), Err(Missing { year: 2023 }));
    assert_eq!(add(&cal, "2023-12-31", 1), Ok("2024-01-02".into()));
    assert_eq!(cal.is_workday(date("2023-06-01")), None);
    // A count past the end names the gap first.
    assert_eq!(add(&cal, "2022-12-20", 5000), Err(Missing { year: 2023 }));
}

#[test]
fn an_office_calendar_adds_and_replaces_years() {
    let mut cal = Calendar::builtin();
    let office = Calendar::parse(
        "office.toml",
        r#"
[[year]]
year = 2027
notice = "国务院办公厅关于2027年部分节假日安排的通知（抄录）"

[[year.holiday]]
name = "元旦"
from = 2027-01-01

[[year]]
year = 2025
notice = "某区市场监管局2025年工作日安排"

[[year.holiday]]
name = "三月三"
en = "Sanyuesan"
from = 2025-03-31
to = 2025-04-01
"#,
    )
    .expect("the office calendar parses");
    cal.merge(office);
    assert_eq!(cal.span(), Some(2020..=2027));
    assert_eq!(cal.notice(2025), Some("某区市场监管局2025年工作日安排"));
    assert_eq!(
        cal.notice(2024),
        Some("国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）")
    );
    assert_eq!(cal.year(2027).map(|y| y.file.as_str()), Some("office.toml"));
    // 2027 now counts; New Year's Day 2027 is a Friday.
    assert_eq!(add(&cal, "2026-12-31", 1), Ok("2027-01-04".into()));
    // The office's 2025 replaced the State Council's: 国庆 is gone.
    assert_eq!(cal.is_workday(date("2025-10-01")), Some(true));
    assert_eq!(add(&cal, "2025-03-28", 1), Ok("2025-04-02".into()));
    assert_eq!(
        describe_skipped(
            &cal.skipped(date("2025-03-28"), date("2025-04-02")),
            Lang::En
        ),
        "skipped Mar 29–Apr 1 (Sanyuesan holiday)"
    );
}

#[test]
fn every_built_in_year_names_its_notice() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.years().collect::<Vec<_>>(),
        (2020..=2026).collect::<Vec<_>>()
    );
    for y in 2020..=2026 {
        let notice = cal.notice(y).expect("covered");
        assert!(
            notice.starts_with(&format!("国务院办公厅关于{y}年部分节假日安排的通知")),
            "{y}: {notice}"
        );
    }
    assert_eq!(
        cal.notice(2025),
        Some("国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）")
    );
    let extension = cal
        .year(2020)
        .unwrap()
        .holidays
        .iter()
        .find_map(|h| h.notice.clone());
    assert_eq!(
        extension.as_deref(),
        Some("国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）")
    );
}

/// A holiday as its notice states it: name, days off, 调休 days.
type NoticeHoliday = (&'static str, i64, usize);

/// Days off and 调休 days of each holiday, as each notice states them
/// (放假…共N天; the 上班 days it lists). Where a notice gives no count
/// (“1月1日放假，与周末连休”) the count is of the days it names.
const NOTICES: &[(i32, &[NoticeHoliday])] = &[
    // 国办发明电〔2019〕16号, with 国办发明电〔2020〕1号: the Spring Festival
    // 1月24日至30日 (7 days), extended to 2月2日 (3 more); of the two 上班
    // days (1月19日, 2月1日) the extension took 2月1日 back.
    (
        2020,
        &[
            ("元旦", 1, 0),
            ("春节", 7 + 3, 1),
            ("清明节", 3, 0),
            ("劳动节", 5, 2),
            ("端午节", 3, 1),
            ("国庆节、中秋节", 8, 2),
        ],
    ),
    (
        2021,
        &[
            ("元旦", 3, 0),
            ("春节", 7, 2),
            ("清明节", 3, 0),
            ("劳动节", 5, 2),
            ("端午节", 3, 0),
            ("中秋节", 3, 1),
            ("国庆节", 7, 2),
        ],
    ),
    (
        2022,
        &[
            ("元旦", 3, 0),
            ("春节", 7, 2),
            ("清明节", 3, 1),
            ("劳动节", 5, 2),
            ("端午节", 3, 0),
            ("中秋节", 3, 0),
            ("国庆节", 7, 2),
        ],
    ),
    (
        2023,
        &[
            ("元旦", 3, 0),
            ("春节", 7, 2),
            ("清明节", 1, 0),
            ("劳动节", 5, 2),
            ("端午节", 3, 1),
            ("中秋节、国庆节", 8, 2),
        ],
    ),
    (
        2024,
        &[
            ("元旦", 1, 0),
            ("春节", 8, 2),
            ("清明节", 3, 1),
            ("劳动节", 5, 2),
            ("端午节", 1, 0),
            ("中秋节", 3, 1),
            ("国庆节", 7, 2),
        ],
    ),
    (
        2025,
        &[
            ("元旦", 1, 0),
            ("春节", 8, 2),
            ("清明节", 3, 0),
            ("劳动节", 5, 1),
            ("端午节", 3, 0),
            ("国庆节、中秋节", 8, 2),
        ],
    ),
    (
        2026,
        &[
            ("元旦", 3, 1),
            ("春节", 9, 2),
            ("清明节", 3, 0),
            ("劳动节", 5, 1),
            ("端午节", 3, 0),
            ("中秋节", 3, 0),
            ("国庆节", 7, 2),
        ],
    ),
];

#[test]
fn the_data_agrees_with_the_notices_counts() {
    let cal = Calendar::builtin();
    for &(year, holidays) in NOTICES {
        let entry = cal.year(year).expect("covered");
        let mut names: Vec<&str> = entry.holidays.iter().map(|h| h.name.zh.as_str()).collect();
        names.dedup();
        assert_eq!(
            names,
            holidays.iter().map(|h| h.0).collect::<Vec<_>>(),
            "{year}: the holidays of the notice, in its order"
        );
        for &(name, days_off, worked) in holidays {
            let of: Vec<_> = entry
                .holidays
                .iter()
                .filter(|h| h.name.zh == name)
                .collect();
            let off: i64 = of.iter().map(|h| h.to.days_since(h.from) + 1).sum();
            let work: usize = of.iter().map(|h| h.workdays.len()).sum();
            assert_eq!((off, work), (days_off, worked), "{year} {name}");
            // A day off is off, and a 调休 day is worked, in the table.
            for h in &of {
                assert_eq!(cal.is_workday(h.from), Some(false), "{year} {name}");
                assert_eq!(cal.is_workday(h.to), Some(false), "{year} {name}");
                for &w in &h.workdays {
                    assert!(is_weekend(w), "{year} {name}: {w} is a weekend day");
                    assert_eq!(cal.is_workday(w), Some(true), "{year} {name}: {w}");
                }
            }
        }
    }
}

/// Working days in each year, as counted day by day with the PyPI package
/// chinese-calendar 1.11.0 (a transcription of the same notices made by
/// others; tools/calendar_crosscheck.py). By hand for 2025: 261 weekdays,
/// 18 of them off (元旦 1, 春节 6, 清明 1, 劳动节 3, 端午 1, 国庆 6), 5 调休
/// days: 248.
const WORKING_DAYS: [(i32, u32); 7] = [
    (2020, 249),
    (2021, 250),
    (2022, 249),
    (2023, 249),
    (2024, 251),
    (2025, 248),
    (2026, 248),
];

#[test]
fn working_days_per_year() {
    let cal = Calendar::builtin();
    for (year, days) in WORKING_DAYS {
        let new_years_eve = Date::new(year as i16 - 1, 12, 31).unwrap();
        // The last working day of the year is the days-th after 31 December
        // of the year before, and one more is past the year (or unknown).
        let last = cal.add_workdays(new_years_eve, days).expect("covered");
        assert_eq!(last.year() as i32, year, "{year}");
        let past = cal.add_workdays(new_years_eve, days + 1);
        match past {
            Ok(d) => assert_eq!(d.year() as i32, year + 1, "{year}"),
            Err(m) => assert_eq!(m, Missing { year: year + 1 }),
        }
        let mut walk = 0;
        let mut d = new_years_eve.tomorrow().unwrap();
        while d.year() as i32 == year {
            walk += u32::from(cal.is_workday(d) == Some(true));
            d = d.tomorrow().unwrap();
        }
        assert_eq!(walk, days, "{year}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The n-th working day after a start lands on a working day, passes
    /// exactly n − 1 working days, and `skipped` lists exactly the days off
    /// between and the 调休 days counted; or the count is Missing and the
    /// naive walk meets that year's uncovered day first.
    #[test]
    fn counts_agree_with_a_day_by_day_walk(
        offset in -40i64..(7 * 366 + 40),
        n in 1u32..=30,
        gap in prop::bool::ANY,
    ) {
        let cal = if gap { builtin_without(2023) } else { Calendar::builtin() };
        let start = shouli::value::shift_date(
            date("2020-01-01"),
            offset,
            shouli::syntax::Unit::Days,
        ).unwrap();
        // The walk.
        let mut d = start;
        let mut found = 0;
        let walked = loop {
            d = d.tomorrow().unwrap();
            match cal.is_workday(d) {
                None => break Err(Missing { year: d.year() as i32 }),
                Some(true) => {
                    found += 1;
                    if found == n {
                        break Ok(d);
                    }
                }
                Some(false) => {}
            }
        };
        let fast = cal.add_workdays(start, n);
        prop_assert_eq!(fast, walked);
        let Ok(end) = fast else { return Ok(()) };
        prop_assert_eq!(cal.is_workday(end), Some(true));
        // What skipped() lists, day by day.
        let mut off = Vec::new();
        let mut worked = Vec::new();
        for s in cal.skipped(start, end) {
            match s {
                Skipped::Holiday { from, to, names } => {
                    prop_assert!(!names.is_empty());
                    let mut d = from;
                    while d <= to {
                        off.push(d);
                        d = d.tomorrow().unwrap();
                    }
                }
                Skipped::Weekend { from, to } => {
                    let mut d = from;
                    while d <= to {
                        prop_assert!(is_weekend(d));
                        off.push(d);
                        d = d.tomorrow().unwrap();
                    }
                }
                Skipped::MakeUpWorkday { date, .. } => worked.push(date),
            }
        }
        let mut want_off = Vec::new();
        let mut want_worked = Vec::new();
        let mut d = start.tomorrow().unwrap();
        while d <= end {
            match cal.is_workday(d) {
                Some(false) => want_off.push(d),
                Some(true) if is_weekend(d) => want_worked.push(d),
                _ => {}
            }
            d = d.tomorrow().unwrap();
        }
        prop_assert_eq!(off, want_off);
        prop_assert_eq!(worked, want_worked);
    }
}

/// What a clerk sees for an office calendar file that cannot be used: the
/// errors in Chinese with English, then English only.
#[test]
fn bad_office_calendars() {
    insta::glob!("bad/calendar/*.toml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let name = format!(
            "tests/bad/calendar/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let diags = match Calendar::parse(&name, &text) {
            Ok(_) => panic!("{name} should be refused"),
            Err(d) => d,
        };
        assert!(!diags.is_empty());
        let source = Source::new(name.clone(), text.clone());
        for d in &diags {
            assert!(d.is_error());
            assert!(!d.message.zh.is_empty() && !d.message.en.is_empty());
        }
        let shown = format!(
            "{}\n--- en ---\n{}",
            render_all(&diags, &source, Lang::Zh),
            render_all(&diags, &source, Lang::En)
        );
        insta::assert_snapshot!(shown);
    });
}
