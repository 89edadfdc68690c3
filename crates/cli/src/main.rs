//! `hoso`: the engine from a terminal, for scripting and bulk work.

mod account;
mod bulk;
mod everyday;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hoso_domain::identity::TaxCode;
use hoso_domain::profile::ActingAs;
use hoso_engine::{CatalogueSync, Engine};

/// Hồ sơ from a terminal.
#[derive(Debug, Parser)]
#[command(name = "hoso", version)]
struct Cli {
    /// The portal's base URL.
    #[arg(long, global = true, env = "HOSO_PORTAL_URL", default_value = "http://127.0.0.1:8700")]
    portal: String,
    /// Where the local store lives.
    #[arg(long, global = true, env = "HOSO_DATA_DIR", default_value = ".hoso")]
    data_dir: PathBuf,
    /// Act for this enterprise (its tax code); without it, for yourself.
    #[arg(long = "as", global = true, value_name = "TAX-CODE")]
    acting_as: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sync the procedure catalogue (when the portal is reachable) and list it.
    Catalogue {
        #[command(subcommand)]
        command: Option<CatalogueCommand>,
    },
    /// Drafts kept on this device.
    Draft {
        #[command(subcommand)]
        command: DraftCommand,
    },
    /// Submit a draft: queued in the outbox, then sent.
    Submit { draft: String },
    /// The outbox and the dossiers known here.
    Status,
    /// Send the outbox and pull dossier changes.
    Sync,
    /// Check a JSON, CSV or XLSX file against a procedure's form; exits 1
    /// when a row is invalid.
    Validate {
        #[arg(long)]
        procedure: String,
        file: PathBuf,
    },
    /// Filing many dossiers from one file.
    Bulk {
        #[command(subcommand)]
        command: BulkCommand,
    },
    /// Sign in to the portal in the system browser, then show who signed in.
    Login,
    /// End the session at the portal and forget it here; refused while items
    /// are not sent yet, unless `--force`.
    Logout {
        /// Sign out even with items not sent yet; they stay on this device
        /// and are sent when the same person signs in again.
        #[arg(long)]
        force: bool,
    },
    /// Show the signed-in person and the enterprises they may act for.
    Whoami,
    /// Serve the UI and the app's commands on loopback, for a plain browser.
    Serve(serve::ServeArgs),
}

#[derive(Debug, Subcommand)]
enum CatalogueCommand {
    /// Procedures whose code or name contains TEXT, ignoring diacritics.
    Search { text: Vec<String> },
}

#[derive(Debug, Subcommand)]
enum DraftCommand {
    /// Start a draft of a procedure's online form; prints its id.
    New {
        #[arg(long)]
        procedure: String,
    },
    /// Answer one question: VALUE as JSON, or else as text.
    Set { id: String, pointer: String, value: String },
    /// A draft's answers.
    Show { id: String },
    /// The drafts of the acting profile.
    List,
}

#[derive(Debug, Subcommand)]
enum BulkCommand {
    /// One draft per row (CSV, XLSX) or for the one object (JSON); valid
    /// rows are filed, each once however often the same file is submitted,
    /// and invalid ones wait as drafts to fix (their ids are printed).
    Submit {
        #[arg(long)]
        procedure: String,
        /// Where the per-row report goes; by default `<FILE>.report.csv` beside it.
        #[arg(long)]
        report: Option<PathBuf>,
        file: PathBuf,
    },
}

fn acting_as(tax_code: Option<&str>) -> anyhow::Result<ActingAs> {
    match tax_code {
        None => Ok(ActingAs::Myself),
        Some(text) => Ok(ActingAs::Enterprise(
            TaxCode::parse(text).map_err(|e| anyhow::anyhow!("--as {text}: not a tax code ({e})"))?,
        )),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let acting = acting_as(cli.acting_as.as_deref())?;
    std::fs::create_dir_all(&cli.data_dir).with_context(|| format!("creating {}", cli.data_dir.display()))?;
    if let Command::Serve(args) = cli.command {
        // Serve opens its own engine: in demo mode, on its own portal and data.
        serve::run(args, &cli.data_dir, &cli.portal).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let database = cli.data_dir.join("engine.db");
    // The keychain keeps the store's key and the refresh token, so a sign-in
    // lasts across commands and the data is unreadable without them.
    let secrets = hoso_engine::secrets::for_real_account(&database)?;
    let engine = Engine::open_with(&database, &cli.portal, secrets, hoso_engine::Account::Real).await?;
    match cli.command {
        Command::Catalogue { command: Some(CatalogueCommand::Search { text }) } => {
            everyday::search(&engine, &text.join(" ")).await?;
        }
        Command::Catalogue { command: None } => {
            match engine.sync_catalogue().await {
                Ok(CatalogueSync::Updated { version, procedures }) => {
                    eprintln!("catalogue updated to version {version} ({procedures} procedures)");
                }
                Ok(CatalogueSync::UpToDate { version }) => eprintln!("catalogue up to date (version {version})"),
                Err(error) => eprintln!("showing the offline copy: {error}"),
            }
            for procedure in engine.procedures().await? {
                println!("{}\t{}", procedure.code, procedure.name.vi);
            }
        }
        Command::Login => account::login(&engine).await?,
        Command::Logout { force } => account::logout(&engine, force).await?,
        Command::Whoami => account::whoami(&engine).await?,
        Command::Serve(_) => unreachable!("served above"),
        Command::Draft { command } => match command {
            DraftCommand::New { procedure } => everyday::draft_new(&engine, acting, &procedure).await?,
            DraftCommand::Set { id, pointer, value } => everyday::draft_set(&engine, &id, &pointer, &value).await?,
            DraftCommand::Show { id } => everyday::draft_show(&engine, &id).await?,
            DraftCommand::List => everyday::draft_list(&engine, &acting).await?,
        },
        Command::Submit { draft } => return Ok(exit(everyday::submit(&engine, &draft).await?)),
        Command::Status => everyday::status(&engine, &acting).await?,
        Command::Sync => everyday::sync(&engine, &acting).await?,
        Command::Validate { procedure, file } => return Ok(exit(bulk::validate(&engine, &procedure, &file).await?)),
        Command::Bulk { command: BulkCommand::Submit { procedure, report, file } } => {
            return Ok(exit(bulk::submit(&engine, &procedure, acting, &file, report).await?));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit code 1 when something was refused, so scripts can tell.
fn exit(succeeded: bool) -> ExitCode {
    if succeeded { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
