//! Values of record fields, key sets, and the date arithmetic of SPEC §2.

use std::fmt;

/// A civil date (proleptic Gregorian), held as its day number: days since
/// 1970-01-01. Comparing two dates compares two integers, and shifting by
/// days adds one; the year, month and day are worked out when asked for.
/// Always within jiff's calendar (years -9999 to 9999), which parses,
/// validates and prints dates for us.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// -9999-01-01 and 9999-12-31, the ends of jiff's calendar.
    const FIRST: i32 = -4_371_587;
    const LAST: i32 = 2_932_896;
    /// 1970-01-01, day number 0.
    pub(crate) const EPOCH: Date = Date(0);

    /// The date `days` after [`Date::EPOCH`] (generated code writes
    /// constant dates so); the day number must be on the calendar.
    // Only a rule set with a date constant uses it; the built-in ones have none.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) const fn from_epoch_days(days: i32) -> Date {
        assert!(Date::FIRST <= days && days <= Date::LAST);
        Date(days)
    }
    /// The first and last days of the calendar.
    pub const MIN: Date = Date(Date::FIRST);
    pub const MAX: Date = Date(Date::LAST);

    /// The date, if it exists (as `jiff::civil::Date::new`).
    pub fn new(year: i16, month: i8, day: i8) -> Result<Date, jiff::Error> {
        jiff::civil::Date::new(year, month, day).map(Date::from)
    }

    pub fn year(self) -> i16 {
        self.civil().0 as i16
    }

    pub fn month(self) -> i8 {
        self.civil().1 as i8
    }

    pub fn day(self) -> i8 {
        self.civil().2 as i8
    }

    pub fn yesterday(self) -> Option<Date> {
        Date::from_day_number(i64::from(self.0) - 1)
    }

    /// `n` days later (earlier when negative); `None` past the calendar's ends.
    #[inline]
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_day_number(i64::from(self.0).checked_add(n)?)
    }

    pub fn tomorrow(self) -> Option<Date> {
        Date::from_day_number(i64::from(self.0) + 1)
    }

    /// Days from `earlier` to this date (negative when it is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        i64::from(self.0) - i64::from(earlier.0)
    }

    pub fn to_jiff(self) -> jiff::civil::Date {
        let (y, m, d) = self.civil();
        // Every day number held is a date of jiff's calendar.
        jiff::civil::Date::new(y as i16, m as i8, d as i8).unwrap_or_default()
    }

    #[inline]
    fn from_day_number(n: i64) -> Option<Date> {
        (i64::from(Date::FIRST)..=i64::from(Date::LAST))
            .contains(&n)
            .then_some(Date(n as i32))
    }

    /// Year, month, day.
    #[inline]
    fn civil(self) -> (i32, i32, i32) {
        let (year, month, day) = self.march_based();
        // January and February (months 13 and 14) belong to the next
        // calendar year.
        let next = month > 12;
        let year = year.wrapping_sub(SHIFT_YEARS) as i32 + i32::from(next);
        let month = if next { month - 12 } else { month };
        (year, month as i32, day as i32)
    }

    /// The date in years that start on 1 March, counted from 82 × 400
    /// years before 1970: (year, month 3 to 14, day). C. Neri and
    /// L. Schneider's `to_date` ("Euclidean affine functions and their
    /// application to calendar algorithms", 2022): every date of jiff's
    /// calendar is a positive count of days there, so the arithmetic is
    /// unsigned and no step needs a sign correction; with the leap day at
    /// the end of the year, a month's place in it sets its length.
    #[inline]
    fn march_based(self) -> (u32, u32, u32) {
        let n = (self.0 as u32).wrapping_add(SHIFT_DAYS);
        // Century, then the day of the century.
        let n1 = 4 * n + 3;
        let century = n1 / 146_097;
        let day_of_century = n1 % 146_097 / 4;
        // Year of the century, then the day of the year.
        let p2 = 2_939_745 * u64::from(4 * day_of_century + 3);
        let year_of_century = (p2 >> 32) as u32;
        let day_of_year = (p2 as u32) / 2_939_745 / 4;
        // Month and day.
        let n3 = 2141 * day_of_year + 197_913;
        (
            100 * century + year_of_century,
            n3 >> 16,
            (n3 & 0xFFFF) / 2141 + 1,
        )
    }
}

impl From<jiff::civil::Date> for Date {
    fn from(d: jiff::civil::Date) -> Date {
        Date(day_number(
            i32::from(d.year()),
            i32::from(d.month()),
            i32::from(d.day()),
        ))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_jiff(), f)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_jiff(), f)
    }
}

/// Where a text value lives in a [`crate::record::Record`]'s text buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRef {
    pub start: u32,
    pub len: u32,
}

/// One value. `Copy` and allocation-free: text lives in the record's buffer
/// (`Text`) or in the compiled program's constants (`Lit`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Value {
    /// Absent from the record, or not computable from what is present.
    #[default]
    Absent,
    Bool(bool),
    Int(i64),
    /// Hundredths: 399.00 is `Dec(39900)`.
    Dec(i64),
    Date(Date),
    Text(TextRef),
    /// A text constant of the rules, by index.
    Lit(u32),
    /// The index of an enum value in its field's declaration.
    Enum(u16),
    /// A list of enum values, as a bit per declared value.
    Set(u64),
}

impl Value {
    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Absent)
    }
}

/// A set of field slots (at most [`KeySet::CAPACITY`] fields per rule file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct KeySet(pub u128);

impl KeySet {
    pub const CAPACITY: usize = 128;
    pub const EMPTY: KeySet = KeySet(0);

    pub fn one(slot: usize) -> KeySet {
        KeySet(1u128 << slot)
    }
    pub fn insert(&mut self, slot: usize) {
        self.0 |= 1u128 << slot;
    }
    pub fn remove(&mut self, slot: usize) {
        self.0 &= !(1u128 << slot);
    }
    pub fn contains(&self, slot: usize) -> bool {
        self.0 >> slot & 1 == 1
    }
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
    pub fn union(self, other: KeySet) -> KeySet {
        KeySet(self.0 | other.0)
    }
    pub fn minus(self, other: KeySet) -> KeySet {
        KeySet(self.0 & !other.0)
    }
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let slot = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(slot)
        })
    }
}

/// Adds `amount` units to a date; months and years clamp to the month's
/// last day (2023-01-31 + 1 month = 2023-02-28). `None` when the result
/// leaves the calendar.
///
/// Plain integer arithmetic on the civil calendar: this runs for every
/// deadline of every record, and jiff's general `Span` arithmetic costs
/// several times as much for the same answer (tests below compare the two).
#[inline]
pub fn shift_date(date: Date, amount: i64, unit: crate::base::Unit) -> Option<Date> {
    use crate::base::Unit;
    match unit {
        // Counted by a holiday calendar, which the evaluator holds.
        Unit::Workdays => None,
        Unit::Days => date.add_days(amount),
        Unit::Months | Unit::Years => {
            let months = if unit == Unit::Years {
                amount.checked_mul(12)?
            } else {
                amount
            };
            // Beyond 20,000 years the calendar has ended anyway.
            if !(-240_000..=240_000).contains(&months) {
                return None;
            }
            // Counted in March-based years, a month index is never
            // negative within the calendar.
            let (year, month, day) = date.march_based();
            let index = i64::from(year) * 12 + i64::from(month - 3) + months;
            let index = u32::try_from(index).ok()?;
            let (year, month) = (index / 12, index % 12 + 3);
            // Only days past the 28th can fall beyond the month's end.
            let day = if day <= 28 {
                day
            } else if month == 14 {
                // February, in the calendar year after `year` (the shift
                // by 82 × 400 years keeps leap years leap).
                day.min(28 + u32::from(is_leap(year + 1)))
            } else {
                const LENGTHS: [u8; 11] = [31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31];
                day.min(u32::from(LENGTHS[(month - 3) as usize]))
            };
            Date::from_day_number(i64::from(from_march_based(year, month, day)))
        }
    }
}

/// Whether `year` (of the calendar, or of the count 82 × 400 years
/// earlier: the same) is a leap year.
#[inline]
fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// [`Date::civil`]'s day count starts this many years (82 × 400) before
/// 1970, and this many days.
const SHIFT_YEARS: u32 = 82 * 400;
const SHIFT_DAYS: u32 = 719_468 + 82 * 146_097;

/// Days since 1970-01-01, for a valid date of jiff's calendar.
#[inline]
fn day_number(year: i32, month: i32, day: i32) -> i32 {
    // January and February are months 13 and 14 of the year before.
    let before_march = month <= 2;
    let y = (year as u32).wrapping_add(SHIFT_YEARS) - u32::from(before_march);
    let m = month as u32 + if before_march { 12 } else { 0 };
    from_march_based(y, m, day as u32)
}

/// Days since 1970-01-01 of a date as [`Date::march_based`] gives it (Neri
/// and Schneider's `to_rata_die`).
#[inline]
fn from_march_based(year: u32, month: u32, day: u32) -> i32 {
    let century = year / 100;
    let days_before_year = 1461 * year / 4 - century + century / 4;
    let days_before_month = (979 * month - 2919) / 32;
    (days_before_year + days_before_month + day - 1).wrapping_sub(SHIFT_DAYS) as i32
}

/// A record's values, a slot per field of the rules it was loaded for.
/// Reusable: `clear` keeps the buffers, so a batch allocates nothing per
/// record once warm.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    values: Vec<Value>,
    present: KeySet,
    text: String,
}

impl Record {
    pub fn new(fields: usize) -> Record {
        Record {
            values: vec![Value::Absent; fields],
            present: KeySet::EMPTY,
            text: String::new(),
        }
    }

    pub fn clear(&mut self) {
        self.values.fill(Value::Absent);
        self.present = KeySet::EMPTY;
        self.text.clear();
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    #[inline]
    pub fn get(&self, slot: usize) -> Value {
        self.values[slot]
    }

    /// Every slot's value, in slot order.
    pub(crate) fn values(&self) -> &[Value] {
        &self.values
    }

    /// The slots that hold a value.
    pub fn present(&self) -> KeySet {
        self.present
    }

    pub fn set(&mut self, slot: usize, value: Value) {
        if value.is_absent() {
            self.present.remove(slot);
        } else {
            self.present.insert(slot);
        }
        self.values[slot] = value;
    }

    /// Copies text into the record's buffer.
    pub fn push_text(&mut self, text: &str) -> Value {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        Value::Text(TextRef {
            start,
            len: text.len() as u32,
        })
    }

    pub fn text(&self, r: TextRef) -> &str {
        &self.text[r.start as usize..(r.start + r.len) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Unit;

    fn date(y: i16, m: i8, d: i8) -> Date {
        jiff::civil::date(y, m, d).into()
    }

    /// Day numbers and jiff's dates agree both ways on every day of four
    /// centuries, in order, printed alike; the ends are jiff's.
    #[test]
    fn day_numbers_are_jiff_dates() {
        let mut j = jiff::civil::date(1899, 12, 1);
        let mut previous: Option<Date> = None;
        while j < jiff::civil::date(2301, 1, 1) {
            let d = Date::from(j);
            assert_eq!(d.to_jiff(), j);
            assert_eq!(
                (d.year(), d.month(), d.day()),
                (j.year(), j.month(), j.day())
            );
            assert_eq!(d.to_string(), j.to_string());
            assert_eq!(format!("{d:?}"), j.to_string());
            if let Some(p) = previous {
                assert!(p < d);
                assert_eq!(p.tomorrow(), Some(d));
                assert_eq!(d.yesterday(), Some(p));
                assert_eq!(d.days_since(p), 1);
            }
            previous = Some(d);
            j = j.tomorrow().unwrap();
        }
        assert_eq!(Date::from(jiff::civil::Date::MIN).0, Date::FIRST);
        assert_eq!(Date::from(jiff::civil::Date::MAX).0, Date::LAST);
        assert_eq!(Date::from(jiff::civil::Date::MIN).yesterday(), None);
        assert_eq!(Date::from(jiff::civil::Date::MAX).tomorrow(), None);
        assert_eq!(
            Date::from(jiff::civil::Date::MIN).to_jiff(),
            jiff::civil::Date::MIN
        );
        assert_eq!(
            Date::from(jiff::civil::Date::MAX).to_jiff(),
            jiff::civil::Date::MAX
        );
    }

    fn days_in_month(year: i32, month: i32) -> i32 {
        const DAYS: [i32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let leap = is_leap(year.rem_euclid(400) as u32);
        DAYS[(month - 1) as usize] + i32::from(month == 2 && leap)
    }

    /// Month shifts hold to jiff's on a spread of dates over the whole
    /// calendar, by a spread of amounts, to the ends and past them.
    #[test]
    fn month_shifts_agree_with_jiff_across_the_calendar() {
        let span = i64::from(Date::LAST - Date::FIRST) + 1;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let d = Date(Date::FIRST + (x % span as u64) as i32);
            let months = ((x >> 40) % 240_001) as i64 - 120_000;
            let months = if x & 1 == 0 { months / 1000 } else { months };
            let ours = shift_date(d, months, Unit::Months);
            let jiffs = d
                .to_jiff()
                .checked_add(jiff::Span::new().months(months))
                .ok()
                .map(Date::from);
            assert_eq!(ours, jiffs, "{d} + {months} months");
        }
    }

    /// From jiff's first day to its last, each day number's year, month
    /// and day are those of the day after the one before, and convert back.
    /// The month lengths are this module's `days_in_month` above, whose
    /// leap rule repeats every 400 years: `day_numbers_are_jiff_dates`
    /// holds the dates to jiff's over four centuries, so one full cycle.
    #[test]
    fn every_day_of_the_calendar_follows_the_one_before() {
        let mut previous = Date(Date::FIRST).civil();
        assert_eq!(previous, (-9999, 1, 1));
        for n in Date::FIRST + 1..=Date::LAST {
            let (y, m, d) = Date(n).civil();
            let (py, pm, pd) = previous;
            let next = if pd < days_in_month(py, pm) {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((y, m, d), next, "day {n}");
            assert_eq!(day_number(y, m, d), n, "{y}-{m}-{d}");
            previous = (y, m, d);
        }
        assert_eq!(previous, (9999, 12, 31));
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        assert_eq!(
            shift_date(date(2023, 1, 31), 1, Unit::Months),
            Some(date(2023, 2, 28))
        );
        assert_eq!(
            shift_date(date(2024, 1, 31), 1, Unit::Months),
            Some(date(2024, 2, 29))
        );
        assert_eq!(
            shift_date(date(2024, 2, 29), 12, Unit::Months),
            Some(date(2025, 2, 28))
        );
        assert_eq!(
            shift_date(date(2024, 2, 29), 1, Unit::Years),
            Some(date(2025, 2, 28))
        );
        assert_eq!(
            shift_date(date(2023, 11, 20), 12, Unit::Months),
            Some(date(2024, 11, 20))
        );
        assert_eq!(
            shift_date(date(2024, 3, 31), -1, Unit::Months),
            Some(date(2024, 2, 29))
        );
    }

    #[test]
    fn days_cross_month_and_year_ends() {
        assert_eq!(
            shift_date(date(2024, 2, 27), 3, Unit::Days),
            Some(date(2024, 3, 1))
        );
        assert_eq!(
            shift_date(date(2023, 2, 27), 3, Unit::Days),
            Some(date(2023, 3, 2))
        );
        assert_eq!(
            shift_date(date(2023, 12, 30), 3, Unit::Days),
            Some(date(2024, 1, 2))
        );
    }

    #[test]
    fn overflow_is_none_not_a_panic() {
        assert_eq!(
            shift_date(date(2024, 1, 1), 9_999_999_999, Unit::Months),
            None
        );
        assert_eq!(shift_date(date(2024, 1, 1), i64::MAX, Unit::Years), None);
        assert_eq!(shift_date(date(2024, 1, 1), i64::MIN, Unit::Days), None);
        assert_eq!(shift_date(date(2024, 1, 1), i64::MAX, Unit::Months), None);
        assert_eq!(shift_date(date(2024, 1, 1), i64::MIN, Unit::Months), None);
    }

    /// The integer arithmetic agrees with jiff's own on every day of four
    /// centuries (leap rules of 1900, 2000, 2100 included), for shifts in
    /// both directions, and at the ends of jiff's calendar.
    #[test]
    fn day_and_month_shifts_agree_with_jiff() {
        let jiff_days = |d: Date, n: i64| {
            let span = jiff::Span::new().try_days(n).ok()?;
            d.to_jiff().checked_add(span).ok().map(Date::from)
        };
        let jiff_months = |d: Date, n: i64| {
            let span = jiff::Span::new().months(n);
            d.to_jiff().checked_add(span).ok().map(Date::from)
        };
        let mut d = date(1899, 12, 1);
        while d < date(2301, 1, 1) {
            for n in [
                -800, -366, -31, -29, -3, -1, 0, 1, 3, 15, 28, 29, 30, 31, 365, 366, 1461,
            ] {
                assert_eq!(
                    shift_date(d, n, Unit::Days),
                    jiff_days(d, n),
                    "{d} + {n} days"
                );
            }
            for n in [-25, -12, -1, 1, 11, 12, 13, 48, 1200] {
                assert_eq!(
                    shift_date(d, n, Unit::Months),
                    jiff_months(d, n),
                    "{d} + {n} months"
                );
            }
            d = d.tomorrow().unwrap();
        }
        for (d, n) in [
            (date(9999, 12, 30), 1),
            (date(9999, 12, 31), 1),
            (date(-9999, 1, 2), -1),
            (date(-9999, 1, 1), -1),
            (date(2024, 1, 1), 2_000_000),
            (date(2024, 1, 1), -2_900_000),
            (date(2024, 1, 1), 7_999_999),
        ] {
            assert_eq!(
                shift_date(d, n, Unit::Days),
                jiff_days(d, n),
                "{d} + {n} days"
            );
        }
        for (d, n) in [(date(9999, 12, 31), 1), (date(-9999, 1, 31), -1)] {
            assert_eq!(
                shift_date(d, n, Unit::Months),
                jiff_months(d, n),
                "{d} + {n} months"
            );
        }
    }

    #[test]
    fn key_sets_iterate_in_slot_order() {
        let mut s = KeySet::EMPTY;
        s.insert(70);
        s.insert(3);
        s.insert(127);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![3, 70, 127]);
        s.remove(70);
        assert!(!s.contains(70));
    }
}
