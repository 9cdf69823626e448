//! The `proven` binary: CLI parsing, printing and exit codes. Logic lives in the library crates.

mod ci_cmd;
mod cli;
mod config_cmd;
mod exit;
mod output;
mod sbom_cmd;
mod secrets_cmd;
mod vuln_cmd;

use std::process::ExitCode;

use clap::Parser;

/// Scans build many small owned strings (components, findings, evidence); mimalloc serves them
/// at about half the cost of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Sbom(args) => sbom_cmd::run(&args),
        cli::Command::Ci(args) => ci_cmd::run(&args),
        cli::Command::Init(args) => ci_cmd::init(&args),
        cli::Command::Verify(args) => ci_cmd::verify(&args),
        cli::Command::Scan(args) => vuln_cmd::scan(&args),
        cli::Command::Db(cli::DbCommand::Update(args)) => vuln_cmd::update(&args),
        cli::Command::Db(cli::DbCommand::Status(args)) => vuln_cmd::status(&args),
        cli::Command::Key(cli::KeyCommand::Generate(args)) => ci_cmd::key_generate(&args),
        cli::Command::Config(args) => config_cmd::run(&args),
        cli::Command::Explain(args) => config_cmd::explain(&args),
        cli::Command::Secrets(args) => secrets_cmd::run(&args),
    };
    match result {
        Ok(code) => code.into(),
        Err(err) => {
            if exit::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            exit::Code::Error.into()
        }
    }
}
