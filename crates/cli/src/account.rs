//! `hoso login`, `hoso logout`, `hoso whoami`: the engine's sign-in from a
//! terminal, through the system browser.

use hoso_engine::auth::{Browser, BrowserError, SystemBrowser, Url};
use hoso_engine::{Engine, EngineError};

/// The system browser, with the address printed too: on a machine without
/// one (over SSH, say), the person can open it elsewhere on this machine.
struct TerminalBrowser;

impl Browser for TerminalBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        eprintln!("Opening the portal's sign-in page in your browser; if none opens, visit:\n  {url}");
        if let Err(error) = SystemBrowser.open(url) {
            eprintln!("{error}");
        }
        Ok(())
    }
}

pub async fn login(engine: &Engine) -> anyhow::Result<()> {
    engine.sign_in(&TerminalBrowser).await?;
    eprintln!("signed in");
    whoami(engine).await
}

/// Signs out; refused while the person has items not yet sent, unless
/// `force`, which keeps them on this device until they sign in again.
pub async fn logout(engine: &Engine, force: bool) -> anyhow::Result<()> {
    if !engine.is_signed_in()? {
        eprintln!("not signed in");
        return Ok(());
    }
    match engine.end_session(force).await {
        Ok(_) => eprintln!("signed out; the portal ended the session"),
        Err(EngineError::UnsentItems { count }) => anyhow::bail!(
            "not signed out: {count} item(s) on this device are not sent yet. Run `hoso sync` to send them, or \
             `hoso logout --force` to sign out anyway; they stay on this device and are sent when you sign in again"
        ),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}

pub async fn whoami(engine: &Engine) -> anyhow::Result<()> {
    if !engine.is_signed_in()? {
        anyhow::bail!("not signed in; run `hoso login`");
    }
    let profile = engine.profile().await?;
    println!("{}\t{}", profile.person.full_name, profile.person.citizen_id.as_str());
    for access in &profile.enterprises {
        println!("  {}\t{}", access.enterprise.tax_code.as_str(), access.enterprise.name);
    }
    Ok(())
}
