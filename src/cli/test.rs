//! `shouli test [RULES] [--cases DIR]`: the rule file's examples, and
//! record files with their expectations.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::load::{LoadedRules, io_error, load_rules, print_diagnostics};
use super::{ErrorFormat, RuleArgs, exit};
use crate::diag::Lang;
use crate::examples::{self, CaseFile, Coverage, Origin};
use crate::record::Record;

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

pub fn test(args: &TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
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
        // A name from a directory listing may hold anything.
        let case_name = crate::sanitize::escape(&path.to_string_lossy()).into_owned();
        let bytes = match crate::record::read_record(path) {
            Ok((_, b)) => b,
            Err(e) => {
                unusable += 1;
                let _ = writeln!(out, "✗ {case_name}");
                let _ = writeln!(err, "{}", e.render(lang));
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
        exit::FAILED
    } else {
        exit::OK
    }
}
