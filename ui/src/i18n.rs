//! User-facing text, from `assets/i18n/{vi,en}.json`. Vietnamese is the
//! default; a missing key shows the key itself so it is noticed, not hidden.

use std::collections::HashMap;
use std::sync::OnceLock;

use hoso_domain::catalogue::Localized;
use hoso_protocol::error::ErrorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// The text for `key` with `{n}` replaced by `n`. When `n` is 1 and the
/// language has a singular form (`{key}.one`, English "1 working day"), that
/// is used; Vietnamese needs none.
pub fn t_n(lang: Lang, key: &str, n: impl std::fmt::Display) -> String {
    let n = n.to_string();
    let singular = (n == "1").then(|| table(lang).get(&format!("{key}.one"))).flatten();
    singular.cloned().unwrap_or_else(|| t(lang, key)).replace("{n}", &n)
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn one_takes_the_singular_form_where_the_language_has_one() {
        assert_eq!(t_n(Lang::En, "procedure.working_days", 1), "1 working day");
        assert_eq!(t_n(Lang::En, "procedure.working_days", 15), "15 working days");
        assert_eq!(t_n(Lang::Vi, "procedure.working_days", 1), "1 ngày làm việc");
    }

    /// The string literals of a Rust source that look like translation keys:
    /// lowercase words joined by dots, starting with a prefix the tables use.
    fn key_literals(source: &str, prefixes: &[String]) -> Vec<String> {
        source
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|text| {
                text.contains('.')
                    && !text.ends_with('.')
                    && !text.starts_with('.')
                    && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
                    && prefixes.iter().any(|p| text.split('.').next() == Some(p.as_str()))
            })
            .map(str::to_owned)
            .collect()
    }

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
    fn every_key_a_screen_names_is_translated_in_both_languages() {
        let prefixes: Vec<String> = {
            let mut p: Vec<String> =
                table(Lang::Vi).keys().filter_map(|k| k.split('.').next()).map(str::to_owned).collect();
            p.sort();
            p.dedup();
            p
        };
        let mut files = Vec::new();
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        assert!(files.len() > 10, "found only {} files", files.len());
        let mut missing = Vec::new();
        let mut seen = 0;
        for (file, source) in &files {
            for key in key_literals(source, &prefixes) {
                seen += 1;
                for lang in [Lang::Vi, Lang::En] {
                    if !table(lang).contains_key(&key) {
                        missing.push(format!("{file}: {key} ({})", lang.code()));
                    }
                }
            }
        }
        assert!(seen > 100, "found only {seen} keys: is the scan broken?");
        assert!(missing.is_empty(), "keys without a translation: {missing:#?}");
    }

    #[test]
    fn a_missing_key_shows_itself_rather_than_nothing() {
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(t_n(Lang::En, "procedure.working_days", 3), "3 working days");
    }
}
