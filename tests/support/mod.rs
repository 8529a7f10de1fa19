//! Helpers shared by the integration tests.
#![allow(dead_code)]

use shouli::compile::Program;
use shouli::diag::Lang;
use shouli::record::{self, Record};
use shouli::report::{self, Options, Report};

pub fn builtin() -> Program {
    shouli::builtin().expect("the built-in rules load")
}

/// Loads a TOML record file under the built-in rules and builds its report.
pub fn report_of<'p>(program: &'p Program, path: &std::path::Path, opts: Options) -> Report<'p> {
    let bytes = std::fs::read(path).expect("fixture readable");
    let mut rec = Record::new(program.rules.fields.len());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let (_, warnings) = record::toml::load(&bytes, &name, &program.rules, &mut rec)
        .unwrap_or_else(|e| panic!("{name} loads: {:?}", e.diagnostics));
    assert!(
        warnings.is_empty(),
        "{name}: unexpected warnings {warnings:?}"
    );
    let trace = program.evaluate(&rec).expect("evaluates");
    let id = shouli::cli::record_id(program, &rec, path, false);
    report::build(program, &rec, &trace, &id, Vec::new(), opts)
}

pub fn zh() -> Options {
    Options {
        lang: Lang::Zh,
        redact: false,
    }
}

/// The repository's root.
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs shouli in-process, as the command line would; returns (exit code,
/// stdout, stderr).
pub fn shouli(args: &[&str]) -> (u8, String, String) {
    use clap::Parser as _;
    let cli =
        shouli::cli::Cli::try_parse_from(std::iter::once("shouli").chain(args.iter().copied()))
            .expect("arguments parse");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = shouli::cli::run(cli, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("stdout is UTF-8"),
        String::from_utf8(err).expect("stderr is UTF-8"),
    )
}
