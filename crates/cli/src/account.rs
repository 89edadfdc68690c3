//! `hoso login`, `hoso logout`, `hoso whoami`: the engine's sign-in from a
//! terminal, through the system browser.

use hoso_engine::Engine;
use hoso_engine::auth::{Browser, BrowserError, SignOut, SystemBrowser, Url};

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

pub async fn logout(engine: &Engine) -> anyhow::Result<()> {
    match engine.sign_out().await? {
        SignOut::Revoked => eprintln!("signed out; the portal ended the session"),
        SignOut::NotSignedIn => eprintln!("not signed in"),
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
