//! Values of record fields, key sets, and the date arithmetic of SPEC §2.

pub type Date = jiff::civil::Date;

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
pub fn shift_date(date: Date, amount: i64, unit: crate::syntax::Unit) -> Option<Date> {
    use crate::syntax::Unit;
    match unit {
        Unit::Days => {
            let days: i32 = amount.try_into().ok()?;
            date.checked_add(jiff::Span::new().try_days(days).ok()?)
                .ok()
        }
        Unit::Months | Unit::Years => {
            let months = if unit == Unit::Years {
                amount.checked_mul(12)?
            } else {
                amount
            };
            let index =
                (i64::from(date.year()) * 12 + i64::from(date.month()) - 1).checked_add(months)?;
            let year: i16 = index.div_euclid(12).try_into().ok()?;
            let month = (index.rem_euclid(12) + 1) as i8;
            let first = Date::new(year, month, 1).ok()?;
            let day = date.day().min(first.days_in_month());
            Date::new(year, month, day).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Unit;
    use jiff::civil::date;

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
