//! `shouli notice RECORD`: the letter to the complainant for the record's
//! outcome, as text, HTML or DOCX.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::check::load_record;
use super::load::{load_program, say, write_error};
use super::{RuleArgs, exit};
use crate::compile::Program;
use crate::diag::Msg;
use crate::record::Record;
use crate::value::Date;

#[derive(Debug, Args)]
pub struct NoticeArgs {
    /// 投诉记录（TOML），`-` 表示标准输入 / the complaint record (TOML); `-` reads stdin
    pub record: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub notice: NoticeOpts,
}

/// How a notice is written: shared by `notice` and `cases notice`.
#[derive(Debug, Clone, Args)]
pub struct NoticeOpts {
    /// 文书格式 / the notice's format
    #[arg(long, value_enum, default_value_t = NoticeFormat::Text)]
    pub format: NoticeFormat,
    /// 写入文件（默认标准输出；docx 必须写入文件） / write to a file (default: standard output; docx needs a file)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 遮盖收件人的个人信息（另行存档的副本） / mask the addressee's personal data (a copy filed elsewhere)
    #[arg(long)]
    pub redact: bool,
    /// 文书日期（默认今天，北京时间） / the notice's date (default: today in China Standard Time)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NoticeFormat {
    /// 纯文本 / plain text
    Text,
    /// 可打印的网页（A4） / printable HTML (A4)
    Html,
    /// Word 文档 / a Word document
    Docx,
}

/// Today in China Standard Time (UTC+8), where the offices are.
pub fn today() -> Date {
    let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    Date::from(jiff::Timestamp::now().to_zoned(tz).date())
}

/// A `YYYY-MM-DD` argument.
pub fn parse_date(text: &str) -> Result<Date, Msg> {
    text.parse::<jiff::civil::Date>()
        .ok()
        .filter(|_| text.len() == 10)
        .map(Date::from)
        .ok_or_else(|| {
            Msg::new(
                format!("日期应写作 YYYY-MM-DD，如 2024-03-05，而不是 `{text}`"),
                format!("a date is written YYYY-MM-DD, e.g. 2024-03-05, not `{text}`"),
            )
        })
}

pub fn notice(args: &NoticeArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
    if let Err(code) = args.notice.check(&[&args.record], lang, err) {
        return code;
    }
    let program = match load_program(&args.rules, err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let rec = match load_record(&program, &args.record, &args.rules, args.notice.redact, err) {
        Ok(loaded) => loaded.rec,
        Err(code) => return code,
    };
    args.notice.write(&program, &rec, lang, out, err)
}

impl NoticeOpts {
    /// What can be refused before anything is read: the date, a DOCX to
    /// standard output, an output that is an input.
    pub fn check(
        &self,
        inputs: &[&Path],
        lang: crate::diag::Lang,
        err: &mut dyn Write,
    ) -> Result<(), u8> {
        if let Some(Err(m)) = self.date.as_deref().map(parse_date) {
            say(err, lang, &m);
            return Err(exit::UNUSABLE);
        }
        if self.format == NoticeFormat::Docx && self.output.is_none() {
            say(
                err,
                lang,
                &Msg::new(
                    "docx 格式须用 -o 文件名 写入文件",
                    "the docx format needs a file: -o FILE",
                ),
            );
            return Err(exit::UNUSABLE);
        }
        if let Some(o) = &self.output
            && let Err(m) = crate::atomic::check_outputs(inputs, &[o])
        {
            say(err, lang, &m);
            return Err(exit::UNUSABLE);
        }
        Ok(())
    }

    /// Decides the record and writes its notice.
    pub fn write(
        &self,
        program: &Program,
        rec: &Record,
        lang: crate::diag::Lang,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> u8 {
        let date = match self.date.as_deref().map(parse_date) {
            Some(Ok(d)) => d,
            Some(Err(m)) => {
                say(err, lang, &m);
                return exit::UNUSABLE;
            }
            None => today(),
        };
        let trace = match program.evaluate(rec) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "error: 日期计算超出范围 / {e}");
                return exit::UNUSABLE;
            }
        };
        let opts = crate::notice::Options {
            lang,
            redact: self.redact,
            date,
        };
        let filled = match crate::notice::fill(program, rec, &trace, opts) {
            Ok(f) => f,
            Err(e) => {
                say(err, lang, &e.message());
                return exit::UNUSABLE;
            }
        };
        let bytes = match self.format {
            NoticeFormat::Text => crate::notice::text(&filled).into_bytes(),
            NoticeFormat::Html => crate::notice::html(&filled, lang).into_bytes(),
            NoticeFormat::Docx => crate::notice::docx::docx(&filled),
        };
        match &self.output {
            Some(path) => {
                if let Err(e) = crate::atomic::write(path, &bytes) {
                    let _ = writeln!(err, "{}", write_error(path, &e, lang));
                    return exit::UNUSABLE;
                }
            }
            None => {
                let _ = out.write_all(&bytes);
                let _ = out.flush();
            }
        }
        exit::OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_full() {
        assert_eq!(
            parse_date("2024-03-05").map(|d| d.to_string()),
            Ok("2024-03-05".into())
        );
        assert!(parse_date("2024-3-5").is_err());
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
    }
}
