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
    /// `Some(url)` for a live portal; `None` for demo mode with an in-process portal.
    pub portal_url: Option<String>,
    /// Overrides the platform's app-data directory (tests use a fresh one).
    pub data_dir: Option<PathBuf>,
}

impl Launch {
    pub const USAGE: &str = "usage: hoso-app [--demo | --portal URL] [--data-dir DIR]\n\
        \n  --demo           run against the reference portal started in-process (the default)\
        \n  --portal URL     run against the portal at URL\
        \n  --data-dir DIR   keep local data in DIR instead of the platform's app-data directory";

    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, LaunchError> {
        let mut launch = Self { portal_url: None, data_dir: None };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => launch.portal_url = None,
                "--portal" => launch.portal_url = Some(args.next().ok_or(LaunchError::MissingValue("--portal"))?),
                "--data-dir" => {
                    launch.data_dir = Some(args.next().ok_or(LaunchError::MissingValue("--data-dir"))?.into());
                }
                other => return Err(LaunchError::UnknownOption(other.to_owned())),
            }
        }
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
        assert_eq!(parse(&[]), Ok(Launch { portal_url: None, data_dir: None }));
    }

    #[test]
    fn a_portal_url_selects_live_mode() {
        let launch = parse(&["--portal", "https://dichvucong.example", "--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(launch.portal_url.as_deref(), Some("https://dichvucong.example"));
        assert_eq!(launch.data_dir, Some(PathBuf::from("/tmp/x")));
    }

    #[test]
    fn an_unknown_or_incomplete_option_is_refused() {
        assert!(parse(&["--portl"]).is_err());
        assert!(parse(&["--portal"]).is_err());
    }
}
