//! `shouli check RECORD` and `shouli template`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::load::{load_program, print_diagnostics, read_input};
use super::{Format, RuleArgs, exit};
use crate::compile::Program;
use crate::diag::{Diagnostic, Source};
use crate::record::{self, Record, RecordError};
use crate::report::{self, Options};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 投诉记录（TOML），`-` 表示标准输入 / the complaint record (TOML); `-` reads stdin
    pub record: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 输出格式 / report format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// 遮盖姓名、电话等个人信息 / mask names and phone numbers in every output
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn check(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
    let program = match load_program(&args.rules, err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let stdin = args.record.as_os_str() == "-";
    let LoadedRecord {
        rec,
        source,
        warnings,
    } = match load_record(&program, &args.record, &args.rules, args.redact, err) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let trace = match program.evaluate(&rec) {
        Ok(t) => t,
        Err(e) => {
            let name = crate::sanitize::esc(&source.name);
            let _ = writeln!(err, "error: {name}: 日期计算超出范围 / {e}");
            return exit::UNUSABLE;
        }
    };
    let id = record_id(&program, &rec, &args.record, stdin);
    let warning_lines = warnings
        .iter()
        .map(|w| {
            let line = w.span.as_ref().map_or(0, |s| source.line_col(s.start).0);
            format!("{}:{line}: {}", source.name, w.message.get(lang))
        })
        .collect();
    let opts = Options {
        lang,
        redact: args.redact,
    };
    let report = report::build(&program, &rec, &trace, &id, warning_lines, opts);
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        Format::Text => report::text::render(&report, lang),
    };
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    exit::of_outcome(trace.outcome)
}

/// A TOML record read against the rules, its problems printed.
pub struct LoadedRecord {
    pub rec: Record,
    /// The record file, for the lines of its warnings.
    pub source: Source,
    /// Problems that did not stop the record (already printed; redacted
    /// when asked).
    pub warnings: Vec<Diagnostic>,
}

/// Reads a TOML record against the rules and prints its problems: what
/// `check`, `notice` and `cases` read. A record that cannot be used is the
/// exit code, its problems printed.
pub fn load_record(
    program: &Program,
    path: &Path,
    rules: &RuleArgs,
    redact: bool,
    err: &mut dyn Write,
) -> Result<LoadedRecord, u8> {
    let lang = rules.lang();
    let (name, bytes) = read_input(path, record::MAX_RECORD, lang, err)?;
    let mut rec = Record::new(program.rules.fields.len());
    let (source, mut warnings) = match record::toml::load(&bytes, &name, &program.rules, &mut rec) {
        Ok(loaded) => loaded,
        Err(RecordError {
            source,
            mut diagnostics,
        }) => {
            if redact {
                report::redact::diagnostics(&program.rules, &mut diagnostics);
            }
            print_diagnostics(&diagnostics, &source, lang, rules.error_format, redact, err);
            return Err(exit::UNUSABLE);
        }
    };
    if redact {
        report::redact::diagnostics(&program.rules, &mut warnings);
    }
    print_diagnostics(&warnings, &source, lang, rules.error_format, redact, err);
    Ok(LoadedRecord {
        rec,
        source,
        warnings,
    })
}

/// The record's `id`, else its file name without the extension (`-` for
/// standard input).
pub fn record_id(program: &Program, rec: &Record, path: &Path, stdin: bool) -> String {
    let fallback = if stdin {
        "-".to_string()
    } else {
        path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    };
    record::id_or(&program.rules, rec, fallback)
}

pub fn template(args: &TemplateArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let program = match load_program(&args.rules, err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let _ = out.write_all(crate::template::render(&program.rules, args.rules.lang()).as_bytes());
    exit::OK
}
