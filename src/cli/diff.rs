//! `shouli diff OLD NEW [INPUT...]`: the arguments, the progress bar, the
//! output files and the exit code; the work is `diff::run_observed` (with
//! input) or `diff::compare_examples` (without).

use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::load::{load_rules, say};
use super::{RuleArgs, exit};
use crate::batch::{CHUNK, check_outputs, threads};
use crate::diag::{Lang, Msg};
use crate::diff::{Format, Only, Options, compare_examples, run_observed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// 对齐的表格 / an aligned table for people
    Table,
    /// 每条记录一个 JSON 对象，含两边的结论 / one JSON object per record with both decisions
    Jsonl,
    /// 编号、变化、新旧结论、条款、缺少的事项、期限 / id, changes, old and new outcome, clause, missing, deadlines
    Csv,
}

/// `--only`: which records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyArg {
    /// 结论改变或一方无法审查的记录 / records whose decision changed, or that a side cannot check
    Changed,
}

/// `--fail-on`: what makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// 任何结论改变（默认） / any decision that changed (the default)
    Change,
    /// 仅当有投诉改为受理 / only a complaint that would newly be accepted
    Widen,
}

/// `shouli diff OLD NEW [INPUT...]`: the arguments.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// 原规则文件或内置规则名 / the old rule file, or a built-in rule set's name
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// 新规则文件或内置规则名 / the new rule file, or a built-in rule set's name
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// 输入（同 batch）：目录、.jsonl、.csv 或 -；不给则比较两个规则文件自带的示例 /
    /// inputs as batch takes them (directories, .jsonl, .csv, -); none: compare the rule files' own examples
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 输出格式（默认 table） / output format (default: table)
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// 写入文件（写完才出现） / write to FILE (atomically: it appears only when complete)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 汇总另存为 JSON 文件 / also write the summary as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// 汇总另存为 HTML 图表页 / also write the summary as a self-contained HTML page with charts
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// 只输出结论改变的记录（默认） / write only the records whose decision changed (the default)
    #[arg(long, value_enum, conflicts_with = "all")]
    pub only: Option<OnlyArg>,
    /// 输出每条记录及两边的结论 / write every record with both decisions
    #[arg(long)]
    pub all: bool,
    /// 何时以 1 退出 / what makes the exit code 1
    #[arg(long, value_enum, default_value_t = FailOn::Change)]
    pub fail_on: FailOn,
    /// 汇总中每组列出的编号数 / ids listed per group in the summary
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub examples: usize,
    /// 并行线程数（默认为全部核心） / threads (default: one per core)
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// 不显示进度条和汇总 / no progress bar and no summary on stderr
    #[arg(short, long)]
    pub quiet: bool,
    /// 遮盖记录信息中的个人信息 / mask personal data in the records' messages
    #[arg(long)]
    pub redact: bool,
    /// 不跟随目录中的符号链接（跳过并提醒） / do not follow symbolic links inside directories (skip them, with a warning)
    #[arg(long)]
    pub no_follow: bool,
}

/// Writes `bytes` to `path` atomically, or says why not.
fn write_file(path: &Path, bytes: &[u8], lang: Lang, err: &mut dyn Write) -> Result<(), u8> {
    crate::atomic::write(path, bytes).map_err(|e| {
        let shown = path.display();
        say(
            err,
            lang,
            &Msg::new(
                format!("无法写入文件 {shown}：{e}"),
                format!("cannot write the file {shown}: {e}"),
            ),
        );
        exit::UNUSABLE
    })
}

/// `shouli diff`: 0 when no decision changed, 1 when some did (with
/// `--fail-on widen`: when some complaint would newly be accepted), 2 when
/// the diff could not run.
pub fn diff(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
    let say = |err: &mut dyn Write, m: &Msg| say(err, lang, m);
    let inputs: Vec<&Path> = args
        .inputs
        .iter()
        .map(PathBuf::as_path)
        .chain([args.old.as_path(), args.new.as_path()])
        .collect();
    let outputs: Vec<&Path> = args
        .output
        .iter()
        .chain(&args.summary)
        .chain(&args.report)
        .map(PathBuf::as_path)
        .collect();
    if let Err(m) = check_outputs(&inputs, &outputs) {
        say(err, &m);
        return exit::UNUSABLE;
    }
    let old = match load_rules(Some(&args.old), &args.rules, err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let new = match load_rules(Some(&args.new), &args.rules, err) {
        Ok(r) => r,
        Err(code) => return code,
    };

    if args.inputs.is_empty() {
        if args.report.is_some() {
            say(
                err,
                &Msg::new(
                    "--report 需要输入记录（只比较示例时没有图表）",
                    "--report needs input records (comparing the examples draws no charts)",
                ),
            );
            return exit::UNUSABLE;
        }
        let d = compare_examples(&old.program, &new.program);
        let text = d.render(lang);
        let written = match &args.output {
            Some(path) => write_file(path, text.as_bytes(), lang, err),
            None => out.write_all(text.as_bytes()).map_err(|_| exit::UNUSABLE),
        };
        if let Err(code) = written {
            return code;
        }
        if let Some(path) = &args.summary {
            let mut json = serde_json::to_vec_pretty(&d).unwrap_or_default();
            json.push(b'\n');
            if let Err(code) = write_file(path, &json, lang, err) {
                return code;
            }
        }
        let widened = d
            .changed
            .iter()
            .any(|c| c.changes.contains(&crate::diff::Change::NewlyAccepted));
        let fail = match args.fail_on {
            FailOn::Change => !d.changed.is_empty(),
            FailOn::Widen => widened,
        };
        return if fail { exit::CHANGED } else { exit::OK };
    }

    let inputs = match super::batch::input_list(&args.inputs, &mut |m: &Msg| say(err, m)) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let opts = Options {
        format: match args.format {
            DiffFormat::Table => Format::Table,
            DiffFormat::Jsonl => Format::Jsonl,
            DiffFormat::Csv => Format::Csv,
        },
        only: if args.all { Only::All } else { Only::Changed },
        jobs: args.jobs.map_or(0, usize::from),
        lang,
        redact: args.redact,
        chunk: CHUNK,
        examples: args.examples,
        follow_links: !args.no_follow,
    };
    if let (_, Some(m)) = threads(opts.jobs) {
        let _ = err.write_all(crate::diag::render_message("warning", &m, lang).as_bytes());
    }
    let mut file =
        match super::batch::create_output(args.output.as_deref(), &mut |m: &Msg| say(err, m)) {
            Ok(f) => f,
            Err(code) => return code,
        };
    let show_progress = !args.quiet && io::stderr().is_terminal();
    let bar = show_progress.then(|| {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let mut observe = |n: u64| {
        if let Some(bar) = &bar {
            bar.set_message(match lang {
                Lang::Zh => format!("{n} 条"),
                Lang::En => format!("{n} records"),
            });
            bar.tick();
        }
    };
    let result = match &mut file {
        Some(f) => run_observed(&old.program, &new.program, inputs, &opts, f, &mut observe),
        None => run_observed(&old.program, &new.program, inputs, &opts, out, &mut observe),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut summary = match super::batch::finish(result, file, &mut |m: &Msg| say(err, m)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    summary.rules.old.name = old.name.clone();
    summary.rules.new.name = new.name.clone();
    if !args.quiet {
        let _ = err.write_all(summary.render(lang).as_bytes());
    }
    if let Some(path) = &args.summary {
        let mut json = serde_json::to_vec_pretty(&summary).unwrap_or_default();
        json.push(b'\n');
        if let Err(code) = write_file(path, &json, lang, err) {
            return code;
        }
    }
    if let Some(path) = &args.report {
        let page = crate::html::diff_page(&summary, lang);
        if let Err(code) = write_file(path, page.as_bytes(), lang, err) {
            return code;
        }
    }
    let fail = match args.fail_on {
        FailOn::Change => summary.changed(),
        FailOn::Widen => summary.records.newly_accepted > 0,
    };
    if fail { exit::CHANGED } else { exit::OK }
}
