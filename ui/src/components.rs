//! Shared pieces every screen uses, so each looks and behaves alike (GOV.UK
//! Design System patterns):
//!
//! - [`feedback`]: [`ErrorSummary`] (links to the answers to fix, focused when
//!   it appears), [`ErrorNotice`] (a command's error in words, with "try
//!   again"), [`Notice`] (information, success or a warning, never by colour alone).
//! - [`tags`]: [`StatusTag`] (a dossier status) and [`OutboxTag`] (an outbox
//!   item's state), words first, colour second.
//! - [`time`]: [`LastSaved`] and [`Moment`] ("3 minutes ago" with the exact time).
//! - [`actions`]: [`Confirm`] (a destructive action behind "what will be
//!   lost"), [`BackLink`], and `focus_element`.
//!
//! Buttons and links are plain elements with the style sheet's classes:
//! `button` (primary), `button button--secondary`, `button button--warning`,
//! `link-button` (a button that looks like a link), grouped in
//! `<div class="button-group">`. Every one is at least 44 px tall.

pub mod actions;
pub mod feedback;
pub mod tags;
pub mod time;

pub use actions::{BackLink, Confirm, focus_element};
pub use feedback::{ErrorLink, ErrorNotice, ErrorSummary, Notice, NoticeTone};
pub use tags::{OutboxTag, StatusTag, status_tag};
pub use time::{LastSaved, Moment};

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("a readable source directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("a source file")));
            }
        }
    }

    #[test]
    fn no_view_sets_an_inline_style_attribute() {
        // The webview's CSP is `style-src 'self'`: a `style="…"` attribute
        // is refused there, so the page would look right only in development.
        // Leptos's `style:prop=` goes through the CSSOM and is allowed.
        let mut files = Vec::new();
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let attribute = [" style", "="].concat();
        let offenders: Vec<&String> =
            files.iter().filter(|(_, source)| source.contains(&attribute)).map(|(file, _)| file).collect();
        assert!(offenders.is_empty(), "inline style attributes in {offenders:?}");
    }
}
