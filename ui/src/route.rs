//! Where the app is: a screen and its parameters, read from and written to
//! the address's `#fragment`, so the back button, reloads and browser tests
//! (which open `…/#/catalogue` directly) all work. Pure, tested natively.

/// One screen of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Sign-in (the system browser; in demo mode, the demo identities).
    Welcome,
    /// What needs my action, drafts, outbox, recent dossiers.
    Home,
    /// The catalogue, with the search text typed so far.
    Catalogue {
        query: String,
    },
    /// One procedure: documents, fees, time, level, channels.
    Procedure {
        code: String,
    },
    /// A draft in the form wizard, at one step.
    Draft {
        id: String,
        step: DraftStep,
    },
    /// One dossier: timeline, legal clock and the actions it allows.
    Dossier {
        code: String,
    },
    /// Answering a supplement request of a dossier.
    Supplement {
        code: String,
    },
    /// Every filing across enterprises.
    Business,
    /// The bulk filing wizard.
    Bulk,
    Settings,
    /// Scenario controls for support staff (demo mode only).
    Demo,
}

/// Where in the wizard a draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStep {
    /// Page `n` of the form's layout, from 0.
    Page(usize),
    /// Check your answers, then submit.
    Check,
}

impl Route {
    /// Reads a fragment such as `#/procedure/1.001193` (with or without `#`);
    /// anything unknown is home.
    pub fn parse(fragment: &str) -> Self {
        let fragment = fragment.trim_start_matches('#');
        let (path, query) = fragment.split_once('?').unwrap_or((fragment, ""));
        let parts: Vec<String> = path.split('/').filter(|p| !p.is_empty()).map(decode).collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match parts.as_slice() {
            ["welcome"] => Self::Welcome,
            ["catalogue"] => Self::Catalogue { query: query_param(query, "q").unwrap_or_default() },
            ["procedure", code] => Self::Procedure { code: (*code).to_owned() },
            ["draft", id] => Self::Draft { id: (*id).to_owned(), step: DraftStep::Page(0) },
            ["draft", id, "check"] => Self::Draft { id: (*id).to_owned(), step: DraftStep::Check },
            ["draft", id, "page", n] => match n.parse() {
                Ok(n) => Self::Draft { id: (*id).to_owned(), step: DraftStep::Page(n) },
                Err(_) => Self::Draft { id: (*id).to_owned(), step: DraftStep::Page(0) },
            },
            ["dossier", code] => Self::Dossier { code: (*code).to_owned() },
            ["dossier", code, "supplement"] => Self::Supplement { code: (*code).to_owned() },
            ["business"] => Self::Business,
            ["business", "bulk"] => Self::Bulk,
            ["settings"] => Self::Settings,
            ["demo"] => Self::Demo,
            _ => Self::Home,
        }
    }

    /// The fragment for this route, starting with `#`.
    pub fn fragment(&self) -> String {
        match self {
            Self::Welcome => "#/welcome".to_owned(),
            Self::Home => "#/".to_owned(),
            Self::Catalogue { query } if query.is_empty() => "#/catalogue".to_owned(),
            Self::Catalogue { query } => format!("#/catalogue?q={}", encode(query)),
            Self::Procedure { code } => format!("#/procedure/{}", encode(code)),
            Self::Draft { id, step: DraftStep::Page(0) } => format!("#/draft/{}", encode(id)),
            Self::Draft { id, step: DraftStep::Page(n) } => format!("#/draft/{}/page/{n}", encode(id)),
            Self::Draft { id, step: DraftStep::Check } => format!("#/draft/{}/check", encode(id)),
            Self::Dossier { code } => format!("#/dossier/{}", encode(code)),
            Self::Supplement { code } => format!("#/dossier/{}/supplement", encode(code)),
            Self::Business => "#/business".to_owned(),
            Self::Bulk => "#/business/bulk".to_owned(),
            Self::Settings => "#/settings".to_owned(),
            Self::Demo => "#/demo".to_owned(),
        }
    }

    /// The translation key of the screen's name, for the window title.
    pub fn title_key(&self) -> &'static str {
        match self {
            Self::Welcome => "nav.welcome",
            Self::Home => "nav.home",
            Self::Catalogue { .. } => "nav.catalogue",
            Self::Procedure { .. } => "nav.procedure",
            Self::Draft { .. } => "nav.draft",
            Self::Dossier { .. } => "nav.dossier",
            Self::Supplement { .. } => "nav.supplement",
            Self::Business => "nav.business",
            Self::Bulk => "nav.bulk",
            Self::Settings => "nav.settings",
            Self::Demo => "nav.demo",
        }
    }

    /// The top-level section a screen belongs to, for the navigation's
    /// "current page": a procedure is in the catalogue, a dossier at home.
    pub fn section(&self) -> Self {
        match self {
            Self::Catalogue { .. } | Self::Procedure { .. } => Self::Catalogue { query: String::new() },
            Self::Draft { .. } | Self::Dossier { .. } | Self::Supplement { .. } => Self::Home,
            Self::Bulk => Self::Business,
            other => other.clone(),
        }
    }

    /// Whether the screen can be shown without a session.
    pub fn is_public(&self) -> bool {
        matches!(self, Self::Welcome | Self::Catalogue { .. } | Self::Procedure { .. } | Self::Settings)
    }
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| decode(v))
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as UTF-8.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Reverses [`encode`] (and reads `+` as a space, as forms write it); a
/// malformed escape is kept as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_survives_its_fragment() {
        let routes = [
            Route::Welcome,
            Route::Home,
            Route::Catalogue { query: String::new() },
            Route::Catalogue { query: "đăng ký khai sinh & kết hôn".into() },
            Route::Procedure { code: "1.001193".into() },
            Route::Draft { id: "d-1".into(), step: DraftStep::Page(0) },
            Route::Draft { id: "d-1".into(), step: DraftStep::Page(3) },
            Route::Draft { id: "d-1".into(), step: DraftStep::Check },
            Route::Dossier { code: "H01.22-261122-0001".into() },
            Route::Supplement { code: "H01.22-261122-0001".into() },
            Route::Business,
            Route::Bulk,
            Route::Settings,
            Route::Demo,
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.fragment()), route, "{}", route.fragment());
        }
    }

    #[test]
    fn an_unknown_or_empty_fragment_is_home() {
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/nowhere/at/all"), Route::Home);
        assert_eq!(
            Route::parse("#/draft/x/page/not-a-number"),
            Route::Draft { id: "x".into(), step: DraftStep::Page(0) }
        );
    }

    #[test]
    fn a_screen_belongs_to_the_section_it_was_reached_from() {
        assert_eq!(Route::Procedure { code: "1.001193".into() }.section(), Route::Catalogue { query: String::new() });
        assert_eq!(Route::Catalogue { query: "khai sinh".into() }.section(), Route::Catalogue { query: String::new() });
        assert_eq!(Route::Dossier { code: "X".into() }.section(), Route::Home);
        assert_eq!(Route::Bulk.section(), Route::Business);
        assert_eq!(Route::Settings.section(), Route::Settings);
    }

    #[test]
    fn a_malformed_escape_is_kept_as_written() {
        assert_eq!(Route::parse("#/catalogue?q=50%25+off%zz%"), Route::Catalogue { query: "50% off%zz%".into() });
    }
}
