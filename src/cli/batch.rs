//! `shouli batch INPUT...`: the arguments, the progress bar, the output
//! files; the work is `batch::run_observed`.

use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::load::{load_program, say};
use super::{RuleArgs, exit};
use crate::atomic::AtomicFile;
use crate::batch::{
    BatchError, CHUNK, Format, Input, Only, Options, Progress, check_outputs, run_observed, threads,
};
use crate::diag::{Lang, Msg};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// 每条记录一个 JSON 对象（SPEC §4 的键，另有 source 和 audit） / one JSON object per record (SPEC §4's keys, plus `source` and `audit`)
    Jsonl,
    /// 编号、结论、决定条款、成立的情形、缺少的事项、期限、审计…… / id, outcome, deciding, fired, missing, the deadlines, audit…
    Csv,
    /// 对齐的表格 / an aligned table for people
    Table,
}

impl From<BatchFormat> for Format {
    fn from(f: BatchFormat) -> Format {
        match f {
            BatchFormat::Jsonl => Format::Jsonl,
            BatchFormat::Csv => Format::Csv,
            BatchFormat::Table => Format::Table,
        }
    }
}

/// Which records `--only` writes. The summary counts every record anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyArg {
    /// 归档的结论或条款与规则不符 / the recorded outcome or clause differs from the rules'
    Disagreements,
    /// 有期限逾期 / a deadline was missed
    Breaches,
    /// 无法审查的记录 / records that could not be checked
    Errors,
}

impl From<OnlyArg> for Only {
    fn from(o: OnlyArg) -> Only {
        match o {
            OnlyArg::Disagreements => Only::Disagreements,
            OnlyArg::Breaches => Only::Breaches,
            OnlyArg::Errors => Only::Errors,
        }
    }
}

/// A progress bar on stderr: a bar and ETA when the input size is known,
/// a spinner otherwise, and the counts so far.
fn progress_bar(lang: Lang, total: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let eta = match lang {
        Lang::Zh => "剩余",
        Lang::En => "ETA",
    };
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
            format!(
                "{{spinner}} {{elapsed_precise}} [{{wide_bar}}] {{percent:>3}}% {eta} {{eta}}\n  {{msg}}"
            ),
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            "{spinner} {elapsed_precise} {msg}".to_string(),
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// `shouli batch INPUT...`: the arguments.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// 输入：目录（递归读取 *.toml）、.jsonl、.csv 文件，或 -（标准输入的 JSON Lines） /
    /// inputs: directories (every *.toml below), .jsonl and .csv files, or - (JSON Lines on stdin)
    #[arg(required_unless_present = "db", value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// 也读取案件登记簿中每个案件的最新记录 / also read every case's latest record from a case register
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 输出格式（默认 jsonl） / output format (default: jsonl, whatever the output is)
    #[arg(long, value_enum, default_value_t = BatchFormat::Jsonl)]
    pub format: BatchFormat,
    /// 写入文件（写完才出现，不会留下半个文件） / write to FILE (atomically: it appears only when complete)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 并行线程数（默认为全部核心） / threads (default: one per core)
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// 只输出这些记录（汇总仍统计全部） / write only these records (the summary still counts all)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub only: Vec<OnlyArg>,
    /// 汇总另存为 JSON 文件 / also write the summary as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// 汇总另存为 HTML 图表页（自包含，可打印） / also write the summary as a self-contained HTML page with charts
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// 不显示进度条和汇总 / no progress bar and no summary on stderr
    #[arg(short, long)]
    pub quiet: bool,
    /// 遮盖姓名、电话等个人信息 / mask names and phone numbers in every output
    #[arg(long)]
    pub redact: bool,
    /// 不跟随目录中的符号链接（跳过并提醒） / do not follow symbolic links inside directories (skip them, with a warning)
    #[arg(long)]
    pub no_follow: bool,
}

/// `shouli batch`: returns the exit code (SPEC §5): 0 when every record was
/// checked, 4 when some could not be (each is in the output), 2 when the
/// batch could not start or its output could not be written.
pub fn batch(args: &BatchArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
    let say = |err: &mut dyn Write, m: &Msg| say(err, lang, m);
    // Before anything is read: an output must not replace an input.
    let inputs: Vec<&Path> = args
        .inputs
        .iter()
        .map(PathBuf::as_path)
        .chain(args.rules.rules.as_deref())
        .chain(args.db.as_deref())
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
    let program = match load_program(&args.rules, err) {
        Ok(p) => p,
        Err(code) => return code,
    };

    let mut inputs = match input_list(&args.inputs, &mut |m: &Msg| say(err, m)) {
        Ok(i) => i,
        Err(code) => return code,
    };
    if let Some(db) = &args.db {
        inputs.push(Input::Register(db.clone()));
    }

    let opts = Options {
        format: args.format.into(),
        jobs: args.jobs.map_or(0, usize::from),
        lang,
        redact: args.redact,
        only: args.only.iter().map(|&o| o.into()).collect(),
        chunk: CHUNK,
        follow_links: !args.no_follow,
    };
    if let (_, Some(m)) = threads(opts.jobs) {
        let _ = err.write_all(crate::diag::render_message("warning", &m, lang).as_bytes());
    }

    let mut file = match create_output(args.output.as_deref(), &mut |m: &Msg| say(err, m)) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let show_progress = !args.quiet && io::stderr().is_terminal();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut observe = |p: &Progress| {
        if show_progress {
            let bar = bar.get_or_insert_with(|| progress_bar(lang, p.total_bytes));
            bar.set_position(p.bytes_read);
            bar.set_message(p.message(lang));
        }
    };
    let result = match &mut file {
        Some(f) => run_observed(&program, inputs, &opts, f, &mut observe),
        None => run_observed(&program, inputs, &opts, out, &mut observe),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = match finish(result, file, &mut |m: &Msg| say(err, m)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if !args.quiet {
        let _ = err.write_all(summary.render(lang).as_bytes());
    }
    if let Some(path) = &args.summary {
        let written = AtomicFile::create(path).and_then(|mut f| {
            serde_json::to_writer_pretty(&mut f, &summary)?;
            f.write_all(b"\n")?;
            f.commit()
        });
        if let Err(e) = written {
            let shown = path.display();
            say(
                err,
                &Msg::new(
                    format!("无法写入汇总文件 {shown}：{e}"),
                    format!("cannot write the summary file {shown}: {e}"),
                ),
            );
            return exit::UNUSABLE;
        }
    }
    if let Some(path) = &args.report {
        let page = crate::html::batch_page(&summary, lang);
        if let Err(e) = crate::atomic::write(path, page.as_bytes()) {
            let shown = path.display();
            say(
                err,
                &Msg::new(
                    format!("无法写入报告文件 {shown}：{e}"),
                    format!("cannot write the report file {shown}: {e}"),
                ),
            );
            return exit::UNUSABLE;
        }
    }
    if summary.errors.count > 0 {
        exit::SOME_UNCHECKED
    } else {
        exit::OK
    }
}

/// The inputs as named on the command line: paths, and `-` (JSON Lines on
/// standard input) at most once; a second `-` said through `say`.
pub(super) fn input_list(paths: &[PathBuf], say: &mut dyn FnMut(&Msg)) -> Result<Vec<Input>, u8> {
    let mut inputs = Vec::new();
    let mut stdin_taken = false;
    for path in paths {
        if path.as_os_str() != "-" {
            inputs.push(Input::Path(path.clone()));
            continue;
        }
        if std::mem::replace(&mut stdin_taken, true) {
            say(&Msg::new(
                "标准输入（-）只能出现一次",
                "standard input (-) can be given only once",
            ));
            return Err(exit::UNUSABLE);
        }
        inputs.push(Input::JsonLines {
            name: "<stdin>".to_string(),
            reader: Box::new(io::stdin()),
        });
    }
    Ok(inputs)
}

/// The output file of `-o`, created beside its final name (it appears
/// whole or not at all); a failure said through `say`.
pub(super) fn create_output(
    path: Option<&Path>,
    say: &mut dyn FnMut(&Msg),
) -> Result<Option<AtomicFile>, u8> {
    let Some(path) = path else {
        return Ok(None);
    };
    AtomicFile::create(path).map(Some).map_err(|e| {
        let shown = crate::sanitize::escape(&path.to_string_lossy()).into_owned();
        say(&Msg::new(
            format!("无法创建输出文件 {shown}：{e}"),
            format!("cannot create the output file {shown}: {e}"),
        ));
        exit::UNUSABLE
    })
}

/// A run's end: its result, with the output file (if any) committed; a
/// failure said through `say` and turned into the exit code (a closed
/// pipe is no failure: `| head` took what it wanted).
pub(super) fn finish<T>(
    result: Result<T, BatchError>,
    file: Option<AtomicFile>,
    say: &mut dyn FnMut(&Msg),
) -> Result<T, u8> {
    let value = match result {
        Ok(v) => v,
        Err(BatchError::Closed) => return Err(exit::OK),
        Err(BatchError::Start(msgs)) => {
            for m in &msgs {
                say(m);
            }
            return Err(exit::UNUSABLE);
        }
        Err(BatchError::Output(e)) => {
            say(&Msg::new(
                format!("写出结果失败：{e}"),
                format!("cannot write the output: {e}"),
            ));
            return Err(exit::UNUSABLE);
        }
    };
    if let Some(f) = file
        && let Err(e) = f.commit()
    {
        say(&Msg::new(
            format!("无法完成输出文件：{e}"),
            format!("cannot finish the output file: {e}"),
        ));
        return Err(exit::UNUSABLE);
    }
    Ok(value)
}
