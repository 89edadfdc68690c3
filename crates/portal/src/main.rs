//! `hoso-portal`: the reference portal as a standalone server. The first line
//! on stdout is the URL it listens on, so scripts and tests can read it.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;

/// The reference national portal for Hồ sơ.
#[derive(Debug, Parser)]
#[command(name = "hoso-portal", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8700")]
    addr: SocketAddr,
    /// Database URL: `sqlite:portal.db` (created if missing) or
    /// `postgres://USER@HOST/DATABASE` (an existing database).
    #[arg(long, default_value = "sqlite:hoso-portal.db")]
    db: String,
    /// Seed the demo identities and expose the demo endpoints.
    #[arg(long)]
    demo: bool,
    /// Submissions one person may make per minute before answers turn 429.
    #[arg(long, default_value_t = hoso_portal::rate_limit::SUBMIT_PER_PERSON.per_window)]
    submit_per_minute: i64,
    /// Token requests one address may make per minute before answers turn 429.
    #[arg(long, default_value_t = hoso_portal::rate_limit::TOKEN_PER_ADDRESS.per_window)]
    token_per_minute: i64,
    /// Stop when stdin reaches its end: the app that started this portal as
    /// its demo portal holds the other end, so the portal never outlives it.
    #[arg(long)]
    exit_with_stdin: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "hoso_portal=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut rate_limits = hoso_portal::rate_limit::RateLimits::default();
    rate_limits.submit_per_person.per_window = args.submit_per_minute;
    rate_limits.token_per_address.per_window = args.token_per_minute;
    let config = hoso_portal::Config { addr: args.addr, database_url: args.db, demo: args.demo, rate_limits };
    let portal = hoso_portal::start(config).await.context("starting the portal")?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", portal.url())?;
    stdout.flush()?;
    drop(stdout);
    if args.exit_with_stdin {
        // The parent's end of the pipe closes however the parent ends, a
        // crash or SIGKILL included, and on every desktop system, which is
        // why this is the signal and not Linux's PR_SET_PDEATHSIG (which also
        // fires when the *thread* that spawned us ends, not the process).
        // Read on a thread of its own: tokio's stdin would need another
        // feature for one blocking read.
        let (closed, stdin_closed) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = closed.send(());
        });
        tokio::select! {
            signal = tokio::signal::ctrl_c() => signal.context("waiting for Ctrl-C")?,
            _ = stdin_closed => tracing::info!("stdin closed: the app that started the portal has ended"),
        }
    } else {
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    }
    portal.shutdown().await?;
    Ok(())
}
