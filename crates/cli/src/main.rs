//! `hoso`: the engine from a terminal, for scripting and bulk work.

mod account;
mod serve;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sync the procedure catalogue (when the portal is reachable) and list it.
    Catalogue,
    /// Sign in to the portal in the system browser, then show who signed in.
    Login,
    /// End the session at the portal and forget it here.
    Logout,
    /// Show the signed-in person and the enterprises they may act for.
    Whoami,
    /// Serve the UI and the app's commands on loopback, for a plain browser.
    Serve(serve::ServeArgs),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    std::fs::create_dir_all(&cli.data_dir).with_context(|| format!("creating {}", cli.data_dir.display()))?;
    if let Command::Serve(args) = cli.command {
        // Serve opens its own engine: in demo mode, on its own portal and data.
        return serve::run(args, &cli.data_dir, &cli.portal).await;
    }
    let database = cli.data_dir.join("engine.db");
    // The keychain keeps the store's key and the refresh token, so a sign-in
    // lasts across commands and the data is unreadable without them.
    let secrets = hoso_engine::secrets::for_real_account(&database)?;
    let engine = Engine::open_with(&database, &cli.portal, secrets, hoso_engine::Account::Real).await?;
    match cli.command {
        Command::Catalogue => {
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
        Command::Logout => account::logout(&engine).await?,
        Command::Whoami => account::whoami(&engine).await?,
        Command::Serve(_) => unreachable!("served above"),
    }
    Ok(())
}
