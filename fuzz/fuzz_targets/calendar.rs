//! Arbitrary bytes as an office's holiday calendar file: decoded as the
//! command line decodes it, parsed, merged into the shipped calendar, and
//! counted across: every count lands on a working day or says which year
//! is missing, and every diagnostic renders against the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shouli::calendar::Calendar;
use shouli::diag::{Lang, Source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = shouli::record::decode(data) else {
        return;
    };
    match Calendar::parse("office.toml", text) {
        Ok(office) => {
            let mut calendar = Calendar::builtin();
            calendar.merge(office);
            let years: Vec<i32> = calendar.years().collect();
            for year in years {
                let Ok(start) = shouli::value::Date::new(year as i16, 12, 24) else {
                    continue;
                };
                for n in [0u32, 1, 7, 30] {
                    if let Ok(end) = calendar.add_workdays(start, n)
                        && n > 0
                    {
                        assert_eq!(calendar.is_workday(end), Some(true));
                        let skipped = calendar.skipped(start, end);
                        let _ = shouli::calendar::describe_skipped(&skipped, Lang::Zh);
                    }
                }
            }
        }
        Err(diags) => {
            let source = Source::new("office.toml", text);
            for d in &diags {
                let _ = shouli::diag::render(d, &source, Lang::Zh);
                let _ = shouli::diag::render_short(d, &source, Lang::En);
            }
        }
    }
});
