//! User-facing text, from `assets/i18n/{vi,en}.json`. Vietnamese is the
//! default; a missing key shows the key itself so it is noticed, not hidden.

use std::collections::HashMap;
use std::sync::OnceLock;

use hoso_domain::catalogue::Localized;
use hoso_protocol::error::ErrorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Vi => Self::En,
            Self::En => Self::Vi,
        }
    }
}

type Table = HashMap<String, String>;

/// One language's files: the common one, then one per area of the app, so
/// people working on different screens do not edit one file. A key lives in
/// exactly one file (the tidy test checks, and that every file is listed here).
macro_rules! files {
    ($lang:literal) => {
        [
            include_str!(concat!("../../assets/i18n/", $lang, ".json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/session.json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/home.json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/catalogue.json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/form.json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/dossier.json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/business.json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/settings.json")),
            include_str!(concat!("../../assets/i18n/", $lang, "/demo.json")),
        ]
    };
}

fn table(lang: Lang) -> &'static Table {
    static VI: OnceLock<Table> = OnceLock::new();
    static EN: OnceLock<Table> = OnceLock::new();
    let (cell, sources) = match lang {
        Lang::Vi => (&VI, files!("vi")),
        Lang::En => (&EN, files!("en")),
    };
    // The files are checked by the tidy test (same keys, valid JSON), so a
    // parse failure here can only be a broken build; show keys rather than crash.
    cell.get_or_init(|| {
        sources.iter().flat_map(|source| serde_json::from_str::<Table>(source).unwrap_or_default()).collect()
    })
}

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    table(lang).get(key).cloned().unwrap_or_else(|| key.to_owned())
}

/// The text for `key` with `{n}` replaced by `n`.
pub fn t_n(lang: Lang, key: &str, n: impl std::fmt::Display) -> String {
    t(lang, key).replace("{n}", &n.to_string())
}

/// The translated sentence for an error kind; the envelope's message is for logs.
pub fn error_text(lang: Lang, kind: ErrorKind) -> String {
    t(lang, &format!("error.{}", kind.as_str()))
}

/// The side of a bilingual text from the catalogue that matches `lang`.
pub fn pick(lang: Lang, text: &Localized) -> String {
    match lang {
        Lang::Vi => text.vi.clone(),
        Lang::En => text.en.clone(),
    }
}
