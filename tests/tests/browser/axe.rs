//! axe-core, from its npm package, injected into the open page and run with
//! the WCAG A and AA rules: every violation it finds, as a readable list.

use std::path::PathBuf;

use anyhow::{Context, bail, ensure};
use fantoccini::Client;
use hoso_tests::target_dir;
use serde::Deserialize;
use serde_json::{Value, json};

/// The WCAG 2.0, 2.1 and 2.2 level A and AA rules. axe has no `wcag22a`
/// tag: the criteria WCAG 2.2 added at level A are not machine-checkable,
/// so the only 2.2 rules are AA ones (target size).
pub const TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// axe-core's script, read once.
pub struct Axe {
    source: String,
}

impl Axe {
    /// `$HOSO_AXE_JS`, else where `cargo xtask setup` installs the pinned
    /// package: `<target dir>/browser/axe/node_modules/axe-core/axe.min.js`.
    pub fn load() -> anyhow::Result<Self> {
        let path = std::env::var_os("HOSO_AXE_JS").map(PathBuf::from).unwrap_or_else(|| {
            target_dir().join("browser").join("axe").join("node_modules").join("axe-core").join("axe.min.js")
        });
        let source = std::fs::read_to_string(&path).with_context(|| {
            format!("reading axe-core at {} (cargo xtask setup installs it with npm)", path.display())
        })?;
        Ok(Self { source })
    }

    /// Injects axe into the page (once per document) and returns its version
    /// and the violations of [`TAGS`] on the whole document.
    pub async fn check(&self, client: &Client) -> anyhow::Result<Report> {
        // axe sets `window.axe` itself; the WebDriver script runs in the page,
        // so the CSP (which allows no inline script) does not apply to it.
        let present = client.execute("return typeof window.axe === 'object';", vec![]).await?;
        if present != json!(true) {
            client.execute(&self.source, vec![]).await.context("injecting axe-core")?;
        }
        // A tag no rule carries would silently check nothing.
        let known =
            client.execute("return axe.getRules(arguments[0]).map(r => r.tags).flat();", vec![json!(TAGS)]).await?;
        let known: Vec<String> = serde_json::from_value(known)?;
        for tag in TAGS {
            ensure!(known.iter().any(|k| k == tag), "this axe-core has no rule tagged {tag}");
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: "tag", values: arguments[0] }, resultTypes: ["violations"] })
                .then(results => done({ version: axe.version, violations: results.violations }))
                .catch(error => done({ error: String(error) }));
        "#;
        let answer = client.execute_async(script, vec![json!(TAGS)]).await.context("running axe")?;
        if let Some(error) = answer.get("error") {
            bail!("axe.run failed: {error}");
        }
        serde_json::from_value(answer).context("reading axe's results")
    }
}

/// What one run of axe found.
#[derive(Debug, Deserialize)]
pub struct Report {
    pub version: String,
    pub violations: Vec<Violation>,
}

/// One rule the page breaks, and where.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    #[serde(default)]
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl", default)]
    pub help_url: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
pub struct Node {
    /// CSS selectors, one per frame or shadow root on the way to the element.
    pub target: Vec<Value>,
}

impl Violation {
    /// `id (impact): help — url`, then each offending element's selector.
    pub fn describe(&self) -> String {
        let mut text =
            format!("{} ({}): {} — {}", self.id, self.impact.as_deref().unwrap_or("?"), self.help, self.help_url);
        for node in &self.nodes {
            let target: Vec<String> =
                node.target.iter().map(|t| t.as_str().map(str::to_owned).unwrap_or_else(|| t.to_string())).collect();
            text.push_str(&format!("\n        at {}", target.join(" >> ")));
        }
        text
    }
}
