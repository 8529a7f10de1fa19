use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = shouli::cli::Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = shouli::cli::run(cli, &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}
