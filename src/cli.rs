//! The command line. Parses arguments, loads files, calls the library, and
//! prints; returns the exit code (SPEC §5) so tests can call it directly.

use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::compile::Program;
use crate::diag::{self, Diagnostic, JsonDiagnostic, Lang, Source};
use crate::record::{self, Record, RecordError};
use crate::report::{self, Options};
use crate::{BUILTIN_NAME, BUILTIN_RULES, Examples, RulesError};

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
    /// 运行规则文件中的示例（及记录用例） / run a rule file's examples (and case records)
    Test(TestArgs),
    /// 把规则文件排成统一格式（保留注释） / lay a rule file out canonically (comments kept)
    Fmt(FmtArgs),
    /// 批量审查归档投诉并审计当时的处理 / check an archive of complaints and audit what was done
    Batch(crate::batch::BatchArgs),
    /// 检查规则文件中可能写错的地方 / find likely mistakes in a rule file
    Lint(LintArgs),
    /// 把规则文件写成供法务审阅的文档 / render a rule file as a document for legal review
    Explain(ExplainArgs),
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
        Command::Test(args) => test_rules(&args, out, err),
        Command::Fmt(args) => fmt_rules(&args, out, err),
        Command::Batch(args) => crate::batch::command(&args, out, err),
        Command::Lint(args) => lint_rules(&args, out, err),
        Command::Explain(args) => explain_rules(&args, out, err),
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

/// A rule file as loaded: its name, its text (for line numbers) and the
/// compiled program.
pub struct LoadedRules {
    pub name: String,
    pub text: String,
    pub program: Program,
}

/// The rule file named positionally (`file`) or by `--rules` — never both —
/// or else the built-in rules, as (name, bytes). Problems are printed; the
/// error is the exit code.
fn rule_bytes(
    file: Option<&Path>,
    args: &RuleArgs,
    err: &mut dyn Write,
) -> Result<(String, Vec<u8>), u8> {
    if let (Some(_), Some(_)) = (file, &args.rules) {
        let _ = writeln!(
            err,
            "{}",
            match args.lang {
                Lang::Zh =>
                    "error: 规则文件只能指定一次（RULES 或 --rules）\n  give the rule file once (RULES or --rules)",
                Lang::En => "error: give the rule file once (RULES or --rules)",
            }
        );
        return Err(exit::UNUSABLE);
    }
    match file.or(args.rules.as_deref()) {
        None => Ok((BUILTIN_NAME.to_string(), BUILTIN_RULES.as_bytes().to_vec())),
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => Ok((path.display().to_string(), bytes)),
            Err(e) => {
                let _ = writeln!(err, "{}", io_error(path, &e, args.lang));
                Err(exit::UNUSABLE)
            }
        },
    }
}

/// Reads, parses, checks and compiles the rule file (see [`rule_bytes`]),
/// examples included: for the commands that read them (`test`, `explain`).
/// Problems are printed; the error is the exit code.
pub fn load_rules(
    file: Option<&Path>,
    args: &RuleArgs,
    err: &mut dyn Write,
) -> Result<LoadedRules, u8> {
    let (name, bytes, program) = load(file, args, Examples::Parse, err)?;
    // A file that loaded decodes; the text is for the examples' places.
    let text = match record::decode(&bytes) {
        Ok(text) => text.to_string(),
        Err((_, lossy)) => lossy,
    };
    Ok(LoadedRules {
        name,
        text,
        program,
    })
}

/// The rules of `--rules`, or the built-in rules, compiled: for the
/// commands that decide records (`check`, `template`, `batch`), which read
/// no examples. The built-in rules' examples are skipped; a rule file of
/// the user's is parsed and checked in full, a broken example an error.
pub fn load_program(args: &RuleArgs, err: &mut dyn Write) -> Result<Program, u8> {
    load(None, args, Examples::Skip, err).map(|(_, _, program)| program)
}

/// The one loader. `examples` is what the command needs; it is honoured
/// only for the built-in rules, which cannot change after the build and
/// whose examples the test suite runs. Any other file is parsed in full.
/// Gives the file's name and bytes with the program.
fn load(
    file: Option<&Path>,
    args: &RuleArgs,
    examples: Examples,
    err: &mut dyn Write,
) -> Result<(String, Vec<u8>, Program), u8> {
    let builtin = file.or(args.rules.as_deref()).is_none();
    let examples = if builtin { examples } else { Examples::Parse };
    let (name, bytes) = rule_bytes(file, args, err)?;
    match crate::load_rules_with(&name, &bytes, examples) {
        Ok(program) => Ok((name, bytes, program)),
        Err(RulesError { file, diagnostics }) => {
            print_diagnostics(
                &diagnostics,
                &file,
                args.lang,
                args.error_format,
                false,
                err,
            );
            Err(exit::UNUSABLE)
        }
    }
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
    let (name, bytes) = match record::read_record(&args.record) {
        Ok(read) => read,
        Err(e) => {
            let _ = writeln!(err, "{}", e.render(lang));
            return exit::UNUSABLE;
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

// ---- shouli lint, shouli explain ----------------------------------------------

#[derive(Debug, Args)]
pub struct LintArgs {
    /// 规则文件（默认使用内置规则） / rule file (default: the built-in rules)
    #[arg(value_name = "RULES")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 有警告时也以 1 退出（供 CI 使用） / exit 1 on warnings too (for CI)
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// 规则文件（默认使用内置规则） / rule file (default: the built-in rules)
    #[arg(value_name = "RULES")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 文档格式 / document format
    #[arg(long, value_enum, default_value_t = crate::explain::Format::Md)]
    pub format: crate::explain::Format,
    /// 写入文件而不是标准输出 / write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `shouli lint`: 0 clean, 1 warnings under `--deny-warnings`, 2 errors or
/// an unusable file. Findings go to stdout; a file that cannot be used is
/// reported on stderr like every other command's.
fn lint_rules(args: &LintArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang;
    let (name, bytes) = match rule_bytes(args.file.as_deref(), &args.rules, err) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let linted = match crate::lint::lint_source(&name, &bytes) {
        Ok(l) => l,
        Err(RulesError { file, diagnostics }) => {
            print_diagnostics(
                &diagnostics,
                &file,
                lang,
                args.rules.error_format,
                false,
                err,
            );
            return exit::UNUSABLE;
        }
    };
    let diags = &linted.diagnostics;
    print_diagnostics(
        diags,
        &linted.file,
        lang,
        args.rules.error_format,
        false,
        out,
    );
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if args.rules.error_format == ErrorFormat::Text {
        let summary = match (diags.is_empty(), lang) {
            (true, Lang::Zh) => format!("{name}：没有发现问题\n  no problems found in {name}"),
            (true, Lang::En) => format!("no problems found in {name}"),
            (false, Lang::Zh) => format!(
                "{name}：{errors} 个错误，{warnings} 个警告\n  {errors} error(s), {warnings} warning(s)"
            ),
            (false, Lang::En) => format!("{name}: {errors} error(s), {warnings} warning(s)"),
        };
        let _ = writeln!(out, "{summary}");
    }
    if errors > 0 {
        exit::UNUSABLE
    } else if warnings > 0 && args.deny_warnings {
        1
    } else {
        0
    }
}

/// `shouli explain`: the rules as a Markdown or HTML document.
fn explain_rules(args: &ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang;
    let program = match load_rules(args.file.as_deref(), &args.rules, err) {
        Ok(loaded) => loaded.program,
        Err(code) => return code,
    };
    let doc = crate::explain::render(&program, args.format, lang);
    match &args.output {
        None => {
            let _ = out.write_all(doc.as_bytes());
        }
        Some(path) => {
            if let Err(e) = std::fs::write(path, doc) {
                let _ = writeln!(err, "{}", write_error(path, &e, lang));
                return exit::UNUSABLE;
            }
        }
    }
    0
}

// ---- shouli test ------------------------------------------------------------

#[derive(Debug, Args)]
pub struct TestArgs {
    /// 规则文件（默认使用内置规则） / rule file (default: the built-in rules)
    #[arg(value_name = "RULES")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 逐条列出示例使各条款出现过的状态 / show which states the examples put each clause in
    #[arg(long)]
    pub coverage: bool,
    /// 同时运行此目录中的记录用例（*.toml，预期写在首行 `# expect:` 或同名 .expect 文件）
    /// / also run the records in DIR (*.toml, expectation on a first `# expect:` line or in a .expect file)
    #[arg(long, value_name = "DIR")]
    pub cases: Option<PathBuf>,
}

fn test_rules(args: &TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    use crate::examples::{self, CaseFile, Coverage, Origin};
    let lang = args.rules.lang;
    let zh = lang == Lang::Zh;
    let LoadedRules {
        name,
        text,
        program,
    } = match load_rules(args.file.as_deref(), &args.rules, err) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };

    // Case files: every *.toml in DIR, by name.
    let mut case_paths = Vec::new();
    if let Some(dir) = &args.cases {
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                case_paths = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                    .collect();
                case_paths.sort();
            }
            Err(e) => {
                let _ = writeln!(err, "{}", io_error(dir, &e, lang));
                return exit::UNUSABLE;
            }
        }
    }

    let mut coverage = Coverage::new(&program);
    let results = examples::run_examples(&program, &text, &mut coverage);
    let mut body = String::new();
    let examples_line = if zh {
        format!("运行 {name} 中的 {} 个示例", results.len())
    } else {
        format!("running {} examples from {name}", results.len())
    };
    body.push_str(&examples_line);
    if let Some(dir) = &args.cases {
        let dir = dir.display();
        let n = case_paths.len();
        body.push_str(&if zh {
            format!("，以及 {dir} 中的 {n} 份记录")
        } else {
            format!(", and {n} records from {dir}")
        });
    }
    body.push('\n');
    let _ = out.write_all(body.as_bytes());

    let (mut passed, mut failed, mut unusable) = (0usize, 0usize, 0usize);
    let mut report = |r: &examples::TestResult, out: &mut dyn Write| {
        // A case is named by its path already; an example by its line.
        let place = match &r.origin {
            Origin::Example { line } => format!("  --> {name}:{line}\n"),
            Origin::Case { .. } => String::new(),
        };
        if r.passed() {
            passed += 1;
            let _ = writeln!(out, "✓ {}", r.name);
        } else {
            failed += 1;
            let _ = write!(
                out,
                "✗ {}\n{place}{}",
                r.name,
                crate::report::examples::failure(r, lang)
            );
        }
    };
    for r in &results {
        report(r, out);
    }
    let mut rec = Record::new(program.rules.fields.len());
    for path in &case_paths {
        let case_name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                unusable += 1;
                let _ = writeln!(out, "✗ {case_name}");
                let _ = writeln!(err, "{}", io_error(path, &e, lang));
                continue;
            }
        };
        let expect_path = path.with_extension("expect");
        let expect_text = match std::fs::read(&expect_path) {
            Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            Err(_) => None,
        };
        let expect_name = expect_path.display().to_string();
        let case = CaseFile {
            name: &case_name,
            bytes: &bytes,
            expect_file: expect_text.as_deref().map(|t| (expect_name.as_str(), t)),
        };
        match examples::run_case(&program, &case, &mut rec, &mut coverage) {
            Ok((result, source, warnings)) => {
                print_diagnostics(&warnings, &source, lang, ErrorFormat::Text, true, err);
                report(&result, out);
            }
            Err(e) => {
                unusable += 1;
                let _ = writeln!(
                    out,
                    "✗ {case_name}{}",
                    if zh {
                        "：无法运行"
                    } else {
                        ": could not be run"
                    }
                );
                print_diagnostics(
                    &e.diagnostics,
                    &e.source,
                    lang,
                    args.rules.error_format,
                    false,
                    err,
                );
            }
        }
    }

    let mut tail = String::new();
    if args.coverage {
        tail.push_str(&crate::report::examples::coverage(
            &program, &coverage, lang,
        ));
    }
    let total = passed + failed + unusable;
    tail.push_str(&if zh {
        let mut s = format!("\n共 {total} 项：通过 {passed} 项，失败 {failed} 项");
        if unusable > 0 {
            s.push_str(&format!("，无法运行 {unusable} 项"));
        }
        s
    } else {
        let mut s = format!("\n{total} tests: {passed} passed, {failed} failed");
        if unusable > 0 {
            s.push_str(&format!(", {unusable} could not be run"));
        }
        s
    });
    tail.push('\n');
    let _ = out.write_all(tail.as_bytes());
    let _ = out.flush();
    if unusable > 0 {
        exit::UNUSABLE
    } else if failed > 0 {
        1
    } else {
        0
    }
}

// ---- shouli fmt --------------------------------------------------------------

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// 规则文件；`-` 表示从标准输入读、向标准输出写 / rule file; `-` reads stdin and writes stdout
    #[arg(value_name = "RULES")]
    pub file: PathBuf,
    /// 只检查：未按统一格式时显示差异并以 1 退出 / only check: show a diff and exit 1 when not formatted
    #[arg(long)]
    pub check: bool,
    /// 界面语言 / language of shouli's own words
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// 错误信息格式 / how errors are printed
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    pub error_format: ErrorFormat,
}

fn fmt_rules(args: &FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.lang;
    let zh = lang == Lang::Zh;
    let stdin = args.file.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        args.file.display().to_string()
    };
    let read = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(&args.file)
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "{}", io_error(Path::new(&name), &e, lang));
            return exit::UNUSABLE;
        }
    };
    let text = match record::decode(&bytes) {
        Ok(text) => text,
        Err((d, lossy)) => {
            let source = Source::new(&name, lossy);
            print_diagnostics(&[d], &source, lang, args.error_format, false, err);
            return exit::UNUSABLE;
        }
    };
    let formatted = match crate::fmt::format(text) {
        Ok(f) => f,
        Err(diagnostics) => {
            let source = Source::new(&name, text);
            print_diagnostics(&diagnostics, &source, lang, args.error_format, false, err);
            return exit::UNUSABLE;
        }
    };
    // A BOM or CRLF line ends are not canonical either.
    let unchanged = formatted.as_bytes() == bytes.as_slice();
    if args.check {
        if unchanged {
            return 0;
        }
        let new_name = if zh {
            format!("{name}（统一格式）")
        } else {
            format!("{name} (formatted)")
        };
        let mut d = crate::fmt::diff(&text.replace("\r\n", "\n"), &formatted, &name, &new_name);
        if d.is_empty() {
            d = if zh {
                format!(
                    "{name}：只有行尾（CRLF）或 BOM 不同\n  {name}: only line ends (CRLF) or a BOM differ\n"
                )
            } else {
                format!("{name}: only line ends (CRLF) or a BOM differ\n")
            };
        }
        let _ = out.write_all(d.as_bytes());
        let _ = writeln!(
            err,
            "{}",
            if zh {
                format!(
                    "{name} 未按统一格式排版；运行 `shouli fmt {name}` 即可改好\n  {name} is not formatted; run `shouli fmt {name}`"
                )
            } else {
                format!("{name} is not formatted; run `shouli fmt {name}`")
            }
        );
        return 1;
    }
    if stdin {
        let _ = out.write_all(formatted.as_bytes());
        return 0;
    }
    if unchanged {
        return 0;
    }
    // Never a half-written rule file.
    let written = crate::atomic::AtomicFile::create(&args.file).and_then(|mut file| {
        file.keep_permissions_of(&args.file);
        file.write_all(formatted.as_bytes())?;
        file.commit()
    });
    if let Err(e) = written {
        let _ = writeln!(err, "{}", write_error(&args.file, &e, lang));
        return exit::UNUSABLE;
    }
    let _ = writeln!(
        out,
        "{}",
        if zh {
            format!("已排版：{name}")
        } else {
            format!("formatted {name}")
        }
    );
    0
}

fn write_error(path: &Path, e: &std::io::Error, lang: Lang) -> String {
    let path = path.display();
    match lang {
        Lang::Zh => format!("error: 无法写入 {path}：{e}\n  cannot write {path}: {e}"),
        Lang::En => format!("error: cannot write {path}: {e}"),
    }
}
