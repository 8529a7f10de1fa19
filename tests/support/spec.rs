//! What the references written from SPEC share: the batch tests' archive
//! (`tests/support/archive.rs`), the property tests' evaluator
//! (`tests/properties.rs`) and the benchmarks' baseline and generator
//! (`benches/support/`). A fixed random generator, the civil calendar
//! (SPEC §2's date arithmetic) and the keys of clause 2.1's form, written
//! once and sharing no code with shouli. Each includes this file with
//! `#[path]`; it depends on nothing.
#![allow(dead_code)]

/// xorshift64* (Vigna): small, fast, and the same sequence everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks by weight: `[(item, weight)]`.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|i| i.1).sum();
        let mut x = self.below(total);
        for &(item, w) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }
}

pub fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `z` days after 1970-01-01 (`civil_from_days`).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400) as i32 + i32::from(m <= 2);
    (y, m, d)
}

/// `date + n months`, the day clamped to the month's last (SPEC §2:
/// 2023-01-31 + 1 month = 2023-02-28).
pub fn plus_months((y, m, d): (i32, u32, u32), n: i64) -> (i32, u32, u32) {
    let index = i64::from(y) * 12 + i64::from(m) - 1 + n;
    let y = index.div_euclid(12) as i32;
    let m = (index.rem_euclid(12) + 1) as u32;
    (y, m, d.min(days_in_month(y, m)))
}

/// Clause 2.1's form: the keys a complaint form must have, in SPEC order.
pub const FORM_21: [&str; 12] = [
    "complainant.name",
    "complainant.phone",
    "respondent.name",
    "respondent.stall",
    "purchase.date",
    "purchase.product",
    "purchase.brand",
    "purchase.model",
    "purchase.quantity",
    "purchase.price",
    "claim.negotiation",
    "claim.demand",
];
