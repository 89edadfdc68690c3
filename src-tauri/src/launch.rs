//! How the app was asked to start: against a live portal or in demo mode, and
//! where its data lives.

use std::path::PathBuf;

/// Why the command line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    #[error("{0} needs a value")]
    MissingValue(&'static str),
    #[error("unknown option {0:?}")]
    UnknownOption(String),
}

/// Start-up options, from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// `Some(url)` for the portal at `url`; `None` for demo mode with an
    /// in-process portal.
    pub portal_url: Option<String>,
    /// `--demo` with `--portal URL`: demo mode against a demo portal that
    /// runs elsewhere (tests stop and restart it to take the app offline).
    /// Without a portal URL demo mode is implied, so this is then `false`.
    pub demo: bool,
    /// Overrides the platform's app-data directory (tests use a fresh one).
    pub data_dir: Option<PathBuf>,
}

impl Launch {
    pub const USAGE: &str = "usage: hoso-app [--demo] [--portal URL] [--data-dir DIR]\n\
        \n  --demo           demo mode: demo identities and controls, against the reference\
        \n                   portal started in-process (the default), or with --portal\
        \n                   against the demo portal at URL\
        \n  --portal URL     run against the portal at URL\
        \n  --data-dir DIR   keep local data in DIR instead of the platform's app-data directory";

    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, LaunchError> {
        let mut launch = Self { portal_url: None, demo: false, data_dir: None };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => launch.demo = true,
                "--portal" => launch.portal_url = Some(args.next().ok_or(LaunchError::MissingValue("--portal"))?),
                "--data-dir" => {
                    launch.data_dir = Some(args.next().ok_or(LaunchError::MissingValue("--data-dir"))?.into());
                }
                other => return Err(LaunchError::UnknownOption(other.to_owned())),
            }
        }
        // Without a portal the demo is the only mode, so the flag says nothing more.
        launch.demo &= launch.portal_url.is_some();
        Ok(launch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Launch, LaunchError> {
        Launch::from_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn no_options_means_demo_mode_in_the_platform_directory() {
        assert_eq!(parse(&[]), Ok(Launch { portal_url: None, demo: false, data_dir: None }));
        assert_eq!(parse(&["--demo"]), parse(&[]));
    }

    #[test]
    fn a_portal_url_selects_live_mode() {
        let launch = parse(&["--portal", "https://dichvucong.example", "--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(launch.portal_url.as_deref(), Some("https://dichvucong.example"));
        assert_eq!(launch.data_dir, Some(PathBuf::from("/tmp/x")));
        assert!(!launch.demo);
    }

    #[test]
    fn demo_with_a_portal_url_selects_demo_mode_against_that_portal_in_either_order() {
        for args in [["--demo", "--portal", "http://127.0.0.1:8700"], ["--portal", "http://127.0.0.1:8700", "--demo"]] {
            let launch = parse(&args).unwrap();
            assert_eq!(launch.portal_url.as_deref(), Some("http://127.0.0.1:8700"));
            assert!(launch.demo);
        }
    }

    #[test]
    fn an_unknown_or_incomplete_option_is_refused() {
        assert!(parse(&["--portl"]).is_err());
        assert!(parse(&["--portal"]).is_err());
    }
}
