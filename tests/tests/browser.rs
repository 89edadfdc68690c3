//! The UI in a plain browser, as `hoso serve --demo` serves it: every page
//! opened in headless Chromium at phone size (390×844) and desktop size
//! (1280×800), photographed, and checked by axe-core against WCAG 2.0, 2.1
//! and 2.2 A and AA.
//!
//! Builds nothing: it needs the built UI (`ui/dist`), the `hoso` binary,
//! Chromium with chromedriver and axe-core, which `cargo xtask test` provides
//! (in that order). Headless Chromium needs no display. Without them the test
//! fails and says what is missing, unless `HOSO_SKIP_BROWSER=1` skips it on
//! purpose. Screenshots go to `<target dir>/browser/screenshots/`, or, with
//! `HOSO_BLESS_SCREENSHOTS=1`, to `docs/screenshots/`, which the README shows.

#[path = "browser/axe.rs"]
mod axe;
#[path = "browser/chrome.rs"]
mod chrome;
#[path = "browser/seed.rs"]
mod seed;
#[path = "browser/served.rs"]
mod served;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::{Client, Locator};
use hoso_tests::{target_dir, workspace_root};
use serde_json::json;

use chrome::{ChromeDriver, DESKTOP, PHONE, Viewport};
use seed::Seeded;
use served::Served;

/// Said when something the test needs is missing.
const PROVIDED: &str = "`cargo xtask test` provides the built UI, the hoso binary, Chromium, chromedriver and \
                        axe-core; set HOSO_SKIP_BROWSER=1 to skip this test on purpose";

/// One wait (an element, the end of loading) on one page.
const WAIT: Duration = Duration::from_secs(30);
/// The whole test, however many pages hang.
const WHOLE_TEST: Duration = Duration::from_secs(15 * 60);

/// What a page needs before it has something to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Shown signed out, before any data is made.
    SignedOut,
    /// Public, shown after sign-in.
    Nothing,
    SignIn,
    /// An open draft.
    Draft,
    /// A dossier with a supplement request.
    Dossier,
}

/// One screen of the app (`ui/src/route.rs`).
struct Page {
    /// The screenshot's name: `docs/screenshots/{name}-{viewport}.png`.
    name: &'static str,
    /// The route's fragment; `{draft}` and `{dossier}` stand for the seeded ids.
    fragment: &'static str,
    needs: Needs,
    /// Shown once the page's data has loaded, beyond its heading.
    ready: Option<&'static str>,
}

/// The screens, with the element that shows each one's data has arrived
/// (the UI's `data-testid`s; the seeded dossier waits on the citizen for a
/// supplement, so it is a needs-action item at home).
const PAGES: &[Page] = &[
    Page { name: "welcome", fragment: "#/welcome", needs: Needs::SignedOut, ready: None },
    Page { name: "home", fragment: "#/", needs: Needs::SignIn, ready: Some("[data-testid=action-item]") },
    Page { name: "catalogue", fragment: "#/catalogue", needs: Needs::Nothing, ready: Some("[data-testid=procedure]") },
    Page { name: "procedure", fragment: "#/procedure/1.001193", needs: Needs::Nothing, ready: None },
    Page { name: "draft", fragment: "#/draft/{draft}", needs: Needs::Draft, ready: None },
    Page {
        name: "draft-check",
        fragment: "#/draft/{draft}/check",
        needs: Needs::Draft,
        ready: Some("[data-testid=answer]"),
    },
    Page {
        name: "dossier",
        fragment: "#/dossier/{dossier}",
        needs: Needs::Dossier,
        ready: Some("[data-testid=action-supplement]"),
    },
    Page {
        name: "supplement",
        fragment: "#/dossier/{dossier}/supplement",
        needs: Needs::Dossier,
        ready: Some("[data-testid=supplement-request]"),
    },
    Page { name: "business", fragment: "#/business", needs: Needs::SignIn, ready: Some("[data-testid=filing-row]") },
    Page { name: "bulk", fragment: "#/business/bulk", needs: Needs::SignIn, ready: Some("[data-testid=bulk]") },
    Page { name: "settings", fragment: "#/settings", needs: Needs::Nothing, ready: None },
    Page { name: "demo", fragment: "#/demo", needs: Needs::SignIn, ready: Some("[data-testid=demo-run]") },
];

impl Page {
    /// The fragment with the seeded ids, or why this page cannot be shown.
    fn fragment(&self, seeded: &Seeded) -> Result<String, String> {
        let missing = || format!("the binary has no command {}", seeded.missing.join(", "));
        match self.needs {
            Needs::SignedOut | Needs::Nothing => Ok(self.fragment.to_owned()),
            Needs::SignIn if seeded.signed_in => Ok(self.fragment.to_owned()),
            Needs::Draft => match &seeded.draft {
                Some(id) => Ok(self.fragment.replace("{draft}", id)),
                None => Err(missing()),
            },
            Needs::Dossier => match &seeded.dossier {
                Some(code) => Ok(self.fragment.replace("{dossier}", code)),
                None => Err(missing()),
            },
            Needs::SignIn => Err(missing()),
        }
    }
}

#[tokio::test]
async fn every_page_shows_at_phone_and_desktop_size_with_no_axe_violations() -> anyhow::Result<()> {
    if std::env::var_os("HOSO_SKIP_BROWSER").is_some_and(|v| v == "1") {
        eprintln!("HOSO_SKIP_BROWSER=1: the browser test is skipped");
        return Ok(());
    }
    tokio::time::timeout(WHOLE_TEST, check_every_page())
        .await
        .with_context(|| format!("the browser test did not finish within {WHOLE_TEST:?}"))?
}

async fn check_every_page() -> anyhow::Result<()> {
    let root = workspace_root();
    let ui = std::env::var_os("HOSO_UI_DIST").map(|dir| root.join(dir)).unwrap_or_else(|| root.join("ui/dist"));
    let axe = axe::Axe::load().context(PROVIDED)?;
    let shots = Shots::new();
    Served::prerequisites(&ui).context(PROVIDED)?;
    let served = Served::start(&ui).await?;
    let driver = ChromeDriver::start().await.context(PROVIDED)?;
    let mut browsers = Vec::new();
    for viewport in [PHONE, DESKTOP] {
        browsers.push((viewport, driver.open(viewport).await?));
    }

    let outcome = async {
        let mut problems = Vec::new();
        let mut skipped = Vec::new();
        let mut checked = 0;
        let signed_out = Seeded::default();
        let mut seeded = None;
        for page in PAGES {
            if page.needs != Needs::SignedOut && seeded.is_none() {
                seeded = Some(seed::seed(&served).await?);
            }
            let fragment = match page.fragment(seeded.as_ref().unwrap_or(&signed_out)) {
                Ok(fragment) => fragment,
                Err(why) => {
                    skipped.push(format!("{} ({why})", page.name));
                    continue;
                }
            };
            for (viewport, client) in &browsers {
                // Every page is tried even when one fails, so one run shows every problem.
                let found = match visit(client, *viewport, page, &served.page(&fragment), &axe, &shots).await {
                    Ok(violations) => violations,
                    Err(error) => vec![format!("{error:#}")],
                };
                checked += 1;
                if !found.is_empty() {
                    problems.push(format!(
                        "{} at {} ({fragment}):\n    {}",
                        page.name,
                        viewport.name,
                        found.join("\n    ")
                    ));
                }
            }
        }
        eprintln!("checked {checked} page views; screenshots in {}", shots.dir.display());
        if !skipped.is_empty() {
            eprintln!("left out until `hoso serve` has their commands: {}", skipped.join("; "));
        }
        if shots.bless {
            shots.check_readme()?;
        }
        if !problems.is_empty() {
            bail!("pages failed to show, or axe-core found violations of {:?}:\n{}", axe::TAGS, problems.join("\n"));
        }
        anyhow::Ok(())
    }
    .await;
    for (_, client) in browsers {
        let _ = client.close().await;
    }
    outcome.map_err(|error| anyhow::anyhow!("{error:#}\n{}", served.log_tail()))
}

/// Opens `url` fresh, waits until the page has drawn its heading and
/// finished loading, saves the screenshot and returns axe's violations, each
/// described on its own lines.
async fn visit(
    client: &Client,
    viewport: Viewport,
    page: &Page,
    url: &str,
    axe: &axe::Axe,
    shots: &Shots,
) -> anyhow::Result<Vec<String>> {
    // A new document each time: moving only the fragment would leave the last
    // page's heading on screen for a moment, and a wait could find it.
    client.goto("about:blank").await?;
    client.goto(url).await?;
    let heading = client.wait().at_most(WAIT).for_element(Locator::Css("main h1")).await;
    if let Err(error) = heading {
        let boot = client.execute("return document.body.getAttribute('data-boot-error');", vec![]).await?;
        let source = client.source().await.unwrap_or_default();
        bail!("no main heading within {WAIT:?} ({error}); boot error: {boot}; page:\n{source}");
    }
    if let Some(ready) = page.ready
        && let Err(error) = client.wait().at_most(WAIT).for_element(Locator::Css(ready)).await
    {
        // What the page shows instead (often an error it was answered) says why.
        let shown = client.execute("return document.querySelector('main').innerText;", vec![]).await?;
        let shown: String = shown.as_str().unwrap_or_default().chars().take(600).collect();
        bail!("no {ready} within {WAIT:?} ({error}); the page shows:\n{shown}");
    }
    wait_until_idle(client).await?;
    let heading = client.find(Locator::Css("main h1")).await?.text().await?;
    anyhow::ensure!(!heading.trim().is_empty(), "the main heading is empty");
    let now = client.current_url().await?;
    let wanted = url.split_once('#').map(|(_, f)| f).unwrap_or("/");
    anyhow::ensure!(now.fragment() == Some(wanted), "the app moved to {now} instead of staying on #{wanted}");

    shots.save(&format!("{}-{}.png", page.name, viewport.name), &client.screenshot().await?)?;
    let report = axe.check(client).await?;
    Ok(report.violations.iter().map(|v| format!("[axe {}] {}", report.version, v.describe())).collect())
}

/// What the UI shows while it waits for an answer.
const LOADING: &str = "[aria-busy=true], [data-testid=loading], [data-testid$='-loading']";

/// Waits, for at most [`WAIT`], until no loading indicator is shown and the
/// fonts have loaded, so the screenshot shows the page, not its loading.
async fn wait_until_idle(client: &Client) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let busy =
            client.execute("return document.querySelectorAll(arguments[0]).length;", vec![json!(LOADING)]).await?;
        if busy == json!(0) {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            bail!("still loading ({LOADING}) after {WAIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let script = "const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done(true));";
    client.execute_async(script, vec![]).await.context("waiting for the fonts")?;
    Ok(())
}

/// Where screenshots go.
struct Shots {
    dir: PathBuf,
    /// Writing the committed screenshots the README shows.
    bless: bool,
}

impl Shots {
    fn new() -> Self {
        let bless = std::env::var_os("HOSO_BLESS_SCREENSHOTS").is_some_and(|v| v == "1");
        let dir = if bless {
            workspace_root().join("docs").join("screenshots")
        } else {
            target_dir().join("browser").join("screenshots")
        };
        Self { dir, bless }
    }

    fn save(&self, name: &str, png: &[u8]) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(name);
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// Every committed screenshot is shown (phone) or linked (desktop) in the
    /// README, so a page added here is not left out of it.
    fn check_readme(&self) -> anyhow::Result<()> {
        let readme = std::fs::read_to_string(workspace_root().join("README.md"))?;
        let mut absent = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let reference = Path::new("docs/screenshots").join(&name);
            if name.ends_with(".png") && !readme.contains(&*reference.to_string_lossy()) {
                absent.push(reference.display().to_string());
            }
        }
        absent.sort();
        anyhow::ensure!(absent.is_empty(), "README.md's Screenshots section does not show: {}", absent.join(", "));
        Ok(())
    }
}
