//! The officer at the one-stop desk: the portal's back office in a browser
//! (a client that keeps the session cookie and shows redirects), signing in
//! with the demo officer's password and one-time code from the demo seed,
//! and deciding on a dossier through the page's forms with the CSRF token
//! read from the page, as a person at the desk does.

use anyhow::{Context, bail, ensure};
use hoso_tests::workspace_root;
use serde_json::Value;

/// The back office, signed in as the demo officer.
pub struct Desk {
    base: String,
    browser: reqwest::Client,
}

/// The password and one-time code secret of the demo identity `username`.
fn seed_credentials(username: &str) -> anyhow::Result<(String, String)> {
    let path = workspace_root().join("assets/demo/identities.json");
    let seed: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let entry = seed
        .iter()
        .find(|entry| entry["username"] == username)
        .with_context(|| format!("no demo identity {username} in {}", path.display()))?;
    let text = |name: &str| entry["account"][name].as_str().map(str::to_owned).context("a seed field");
    Ok((text("password")?, text("totp_secret")?))
}

/// The current one-time code (RFC 6238, as the portal checks it).
fn one_time_code(secret: &str) -> anyhow::Result<String> {
    let secret = totp_rs::Secret::try_from_base32(secret).map_err(|e| anyhow::anyhow!("the seed's secret: {e:?}"))?;
    let totp = totp_rs::Builder::new().with_secret(secret).build().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(totp.generate_current().to_string())
}

/// The value of the first `name="csrf"` field on a page.
fn csrf_of(page: &str) -> anyhow::Result<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).context("a CSRF field on the page")? + marker.len();
    Ok(page[start..].split('"').next().unwrap_or_default().to_owned())
}

/// The status a dossier page shows (`id="status" data-status="…"`).
pub fn shown_status(page: &str) -> Option<&str> {
    let marker = "id=\"status\" data-status=\"";
    let start = page.find(marker)? + marker.len();
    page[start..].split('"').next()
}

impl Desk {
    /// Signs the desk's browser in at the portal `base` as the demo officer.
    pub async fn sign_in(base: &str) -> anyhow::Result<Self> {
        let browser =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
        let (password, secret) = seed_credentials("officer")?;
        let signed_in = browser
            .post(format!("{base}/office/sign-in"))
            .form(&[("username", "officer"), ("password", password.as_str()), ("code", &one_time_code(&secret)?)])
            .send()
            .await?;
        ensure!(signed_in.status() == 303, "the back office's sign-in answered {}", signed_in.status());
        Ok(Self { base: base.to_owned(), browser })
    }

    /// Dossier `code`'s page in the back office.
    pub async fn dossier_page(&self, code: &str) -> anyhow::Result<String> {
        let page = self.browser.get(format!("{}/office/dossiers/{code}", self.base)).send().await?;
        ensure!(page.status() == 200, "the back office's page of {code} answered {}", page.status());
        Ok(page.text().await?)
    }

    /// Takes a decision on dossier `code` from its page (`move` and the
    /// form's fields), and checks the page came back saying it was recorded
    /// with the dossier now in `status`.
    pub async fn decide(&self, code: &str, fields: &[(&str, &str)], status: &str) -> anyhow::Result<()> {
        let csrf = csrf_of(&self.dossier_page(code).await?)?;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let url = format!("{}/office/dossiers/{code}/moves", self.base);
        let posted = self.browser.post(url).form(&form).send().await?;
        self.check_outcome(code, posted, "msg=moved", status, &format!("{fields:?}")).await
    }

    /// Issues the result of dossier `code` through the upload form.
    pub async fn issue_result(&self, code: &str, name: &str, content: &[u8]) -> anyhow::Result<()> {
        let csrf = csrf_of(&self.dossier_page(code).await?)?;
        let file =
            reqwest::multipart::Part::bytes(content.to_vec()).file_name(name.to_owned()).mime_str("application/pdf")?;
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part("file", file);
        let url = format!("{}/office/dossiers/{code}/result", self.base);
        let posted = self.browser.post(url).multipart(form).send().await?;
        self.check_outcome(code, posted, "msg=result_issued", "result_ready", "the result").await
    }

    async fn check_outcome(
        &self,
        code: &str,
        posted: reqwest::Response,
        flash: &str,
        status: &str,
        what: &str,
    ) -> anyhow::Result<()> {
        ensure!(posted.status() == 303, "posting {what} answered {}", posted.status());
        let location = posted.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !location.contains(flash) {
            bail!("posting {what} on {code} was refused: the back office went to {location:?}");
        }
        let page = self.dossier_page(code).await?;
        ensure!(shown_status(&page) == Some(status), "after {what}, the back office shows {:?}", shown_status(&page));
        Ok(())
    }
}
