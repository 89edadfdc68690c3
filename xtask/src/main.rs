//! `cargo xtask`: the commands the README gives. Each installs what it needs
//! first (idempotently), says what it is doing, and fails loudly.

mod bench;
mod demo;
mod postgres;
mod process;
mod setup;
mod test;
mod ui;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install what building, the demo and the tests need (Debian packages,
    /// PostgreSQL and Chromium among them, the wasm32 target, tauri-driver,
    /// axe-core from npm); quick when everything is present.
    Setup,
    /// Build the UI (wasm + JS + static files) into ui/dist.
    Ui {
        /// Optimise for size, as shipped.
        #[arg(long)]
        release: bool,
    },
    /// Build everything and open the app in demo mode.
    Demo {
        /// Run on a virtual display (Xvfb), save a screenshot of the window
        /// to this PNG, and exit; works on a machine without a display.
        #[arg(long)]
        screenshot: Option<PathBuf>,
    },
    /// Run every check: format, lints (native and wasm32), unit, integration
    /// (the portal's against SQLite and a throwaway PostgreSQL), tidy, the UI
    /// in headless Chromium with axe-core, and end-to-end tests in the real
    /// webview under Xvfb.
    Test,
    /// Measure Hồ sơ against peers, side by side (ratios, medians and
    /// spread), into target/bench/report.md and report.json. Not a test.
    Bench {
        /// Fewer and shorter rounds: under five minutes once built.
        #[arg(long)]
        quick: bool,
        /// Only these goals (e.g. G6 G14); all by default.
        goals: Vec<String>,
    },
}

fn main() -> std::process::ExitCode {
    // Errors are printed as one readable chain, without a backtrace even
    // when RUST_BACKTRACE is set: they are messages for people, not bugs.
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nerror: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let root = process::workspace_root();
    std::env::set_current_dir(&root)?;
    match cli.command {
        Command::Setup => setup::ensure(setup::Needs::everything()),
        Command::Ui { release } => ui::build(&root, release).map(drop),
        Command::Demo { screenshot } => demo::run(&root, screenshot),
        Command::Test => test::run(&root),
        Command::Bench { quick, goals } => bench::run(&root, quick, &goals),
    }
}
