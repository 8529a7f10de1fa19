use std::io::Write as _;
use std::process::ExitCode;

use shouli::cli::{self, args::Parsed};

fn main() -> ExitCode {
    let code = match cli::parse(std::env::args_os()) {
        Parsed::Run(cli) => cli::run(
            cli,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        ),
        Parsed::Print {
            text,
            to_stdout,
            code,
        } => {
            let _ = if to_stdout {
                std::io::stdout().write_all(text.as_bytes())
            } else {
                std::io::stderr().write_all(text.as_bytes())
            };
            code
        }
    };
    ExitCode::from(code)
}
