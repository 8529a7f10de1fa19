//! The command line. Parses arguments, loads files, calls the library, and
//! prints; returns the exit code (SPEC §5) so tests can call it directly.

use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::compile::Program;
use crate::diag::{self, Diagnostic, JsonDiagnostic, Lang, Source};
use crate::record::{self, Record, RecordError};
use crate::report::{self, Options};
use crate::{BUILTIN_NAME, BUILTIN_RULES, RulesError};

/// Exit codes (SPEC §5).
pub mod exit {
    pub const ACCEPTED: u8 = 0;
    pub const REJECTED: u8 = 1;
    /// The input or the rule file could not be used.
    pub const UNUSABLE: u8 = 2;
    pub const INCOMPLETE: u8 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "shouli",
    version,
    about = "受理：按《消费者商品投诉工作指引》审查投诉能否受理，并逐条说明理由\n\
             Decide whether a consumer complaint is admissible, clause by clause"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 审查一份投诉记录 / check one complaint record
    Check(CheckArgs),
    /// 打印空白投诉处理单 / print a blank complaint record to fill in
    Template(TemplateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// 规则文件（默认使用内置规则） / rule file (default: the built-in rules)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// 界面语言 / language of shouli's own words
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// 错误信息格式 / how errors are printed
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    pub error_format: ErrorFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

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

pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match cli.command {
        Command::Check(args) => check(&args, out, err),
        Command::Template(args) => {
            let program = match load_program(&args.rules, err) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let _ =
                out.write_all(crate::template::render(&program.rules, args.rules.lang).as_bytes());
            0
        }
    }
}

/// Loads the rule file named by `--rules`, or the built-in rules. Problems
/// are printed; the error is the exit code.
pub fn load_program(args: &RuleArgs, err: &mut dyn Write) -> Result<Program, u8> {
    let loaded = match &args.rules {
        None => crate::load_rules(BUILTIN_NAME, BUILTIN_RULES.as_bytes()),
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => crate::load_rules(&path.display().to_string(), &bytes),
            Err(e) => {
                let _ = writeln!(err, "{}", io_error(path, &e, args.lang));
                return Err(exit::UNUSABLE);
            }
        },
    };
    loaded.map_err(|RulesError { file, diagnostics }| {
        print_diagnostics(
            &diagnostics,
            &file,
            args.lang,
            args.error_format,
            false,
            err,
        );
        exit::UNUSABLE
    })
}

fn io_error(path: &Path, e: &std::io::Error, lang: Lang) -> String {
    let path = path.display();
    match lang {
        Lang::Zh => format!("error: 无法读取 {path}：{e}\n  cannot read {path}: {e}"),
        Lang::En => format!("error: cannot read {path}: {e}"),
    }
}

/// Prints diagnostics as code frames, one-line messages (`short`, which
/// never shows a source line) or JSON lines.
pub fn print_diagnostics(
    diags: &[Diagnostic],
    source: &Source,
    lang: Lang,
    format: ErrorFormat,
    short: bool,
    err: &mut dyn Write,
) {
    for d in diags {
        let text = match format {
            ErrorFormat::Json => {
                serde_json::to_string(&JsonDiagnostic::new(d, source)).unwrap_or_default() + "\n"
            }
            ErrorFormat::Text if short => diag::render_short(d, source, lang) + "\n",
            ErrorFormat::Text => diag::render(d, source, lang) + "\n",
        };
        let _ = err.write_all(text.as_bytes());
    }
}

fn check(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang;
    let program = match load_program(&args.rules, err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let stdin = args.record.as_os_str() == "-";
    let (name, bytes) = if stdin {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            let _ = writeln!(err, "{}", io_error(Path::new("<stdin>"), &e, lang));
            return exit::UNUSABLE;
        }
        ("<stdin>".to_string(), bytes)
    } else {
        match std::fs::read(&args.record) {
            Ok(bytes) => (args.record.display().to_string(), bytes),
            Err(e) => {
                let _ = writeln!(err, "{}", io_error(&args.record, &e, lang));
                return exit::UNUSABLE;
            }
        }
    };
    let mut rec = Record::new(program.rules.fields.len());
    let (source, warnings) = match record::toml::load(&bytes, &name, &program.rules, &mut rec) {
        Ok(loaded) => loaded,
        Err(RecordError {
            source,
            diagnostics,
        }) => {
            print_diagnostics(
                &diagnostics,
                &source,
                lang,
                args.rules.error_format,
                args.redact,
                err,
            );
            return exit::UNUSABLE;
        }
    };
    print_diagnostics(
        &warnings,
        &source,
        lang,
        args.rules.error_format,
        args.redact,
        err,
    );
    let trace = match program.evaluate(&rec) {
        Ok(t) => t,
        Err(e) => {
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
    trace.outcome.exit_code()
}

/// The record's `id`, else its file name without the extension.
pub fn record_id(program: &Program, rec: &Record, path: &Path, stdin: bool) -> String {
    if let Some(slot) = program.rules.field("id")
        && let crate::value::Value::Text(r) = rec.get(slot)
    {
        return rec.text(r).to_string();
    }
    if stdin {
        return "-".to_string();
    }
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}
