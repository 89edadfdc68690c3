//! Searching the catalogue on the device, offline: every procedure's words
//! (names in both languages, codes, agency, field) are folded once with
//! [`hoso_domain::text::fold`], the engine's own folding, so "dang ky khai
//! sinh" finds "Đăng ký khai sinh"; each search then folds only the query and
//! scans 3,096 short strings, well under a frame.

use std::collections::BTreeMap;

use hoso_domain::catalogue::{Localized, Procedure, ServiceLevel};
use hoso_domain::text::fold;

/// How many results the list shows at first, and adds with "show more":
/// rendering thousands of cards at once is what would be slow, not the search.
pub const PAGE: usize = 30;

/// One option of a filter: a field or an agency, by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub name: Localized,
    /// How many procedures carry it.
    pub count: usize,
}

/// The filters besides the search text; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub field: Option<String>,
    pub agency: Option<String>,
    pub level: Option<ServiceLevel>,
}

/// The catalogue, with its folded search keys, built once per listing.
#[derive(Debug, Clone, Default)]
pub struct CatalogueIndex {
    procedures: Vec<Procedure>,
    /// Everything searchable about procedure `i`, folded.
    keys: Vec<String>,
    /// Its names (both languages) folded, to rank a name match first.
    names: Vec<String>,
    fields: Vec<Choice>,
    agencies: Vec<Choice>,
}

impl CatalogueIndex {
    pub fn new(procedures: Vec<Procedure>) -> Self {
        let names: Vec<String> = procedures.iter().map(|p| fold(&format!("{} | {}", p.name.vi, p.name.en))).collect();
        let keys = procedures
            .iter()
            .zip(&names)
            .map(|(p, name)| {
                let rest = format!(
                    "{} {} {} {} {} {}",
                    p.code.as_str(),
                    p.full_code,
                    p.agency.name.vi,
                    p.agency.name.en,
                    p.field.name.vi,
                    p.field.name.en
                );
                format!("{name} | {}", fold(&rest))
            })
            .collect();
        let fields = choices(procedures.iter().map(|p| (&p.field.code, &p.field.name)));
        let agencies = choices(procedures.iter().map(|p| (&p.agency.code, &p.agency.name)));
        Self { procedures, keys, names, fields, agencies }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.procedures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.procedures.is_empty()
    }

    pub fn procedure(&self, index: usize) -> Option<&Procedure> {
        self.procedures.get(index)
    }

    /// The procedure with national code `code`.
    pub fn find(&self, code: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.code.as_str() == code)
    }

    /// Fields to filter by, in Vietnamese alphabetical order of their folded names.
    pub fn fields(&self) -> &[Choice] {
        &self.fields
    }

    pub fn agencies(&self) -> &[Choice] {
        &self.agencies
    }

    /// The indexes of the procedures that contain every word of `query`
    /// (in any order, diacritics and case ignored) and pass `filters`:
    /// those whose name holds the query as typed first, then the rest, each
    /// group in catalogue order.
    pub fn search(&self, query: &str, filters: &Filters) -> Vec<usize> {
        let query = fold(query);
        let words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
        let mut hits: Vec<(bool, usize)> = self
            .procedures
            .iter()
            .enumerate()
            .filter(|(_, p)| filters.admits(p))
            .filter(|(i, _)| words.iter().all(|w| self.keys[*i].contains(w)))
            .map(|(i, _)| (!(words.len() > 1 && self.names[i].contains(&query)), i))
            .collect();
        // A stable sort keeps catalogue order within each group.
        hits.sort_by_key(|(later, _)| *later);
        hits.into_iter().map(|(_, i)| i).collect()
    }
}

impl Filters {
    fn admits(&self, procedure: &Procedure) -> bool {
        self.field.as_ref().is_none_or(|code| &procedure.field.code == code)
            && self.agency.as_ref().is_none_or(|code| &procedure.agency.code == code)
            && self.level.is_none_or(|level| procedure.level == level)
    }

    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// The distinct codes with their names and counts, ordered by folded name.
fn choices<'a>(items: impl Iterator<Item = (&'a String, &'a Localized)>) -> Vec<Choice> {
    let mut by_code: BTreeMap<&String, Choice> = BTreeMap::new();
    for (code, name) in items {
        by_code.entry(code).or_insert_with(|| Choice { code: code.clone(), name: name.clone(), count: 0 }).count += 1;
    }
    let mut list: Vec<Choice> = by_code.into_values().collect();
    list.sort_by_cached_key(|choice| fold(&choice.name.vi));
    list
}

/// The level filter's value in a `<select>`, and back.
pub fn level_code(level: Option<ServiceLevel>) -> &'static str {
    match level {
        None => "",
        Some(ServiceLevel::Full) => "full",
        Some(ServiceLevel::Partial) => "partial",
    }
}

pub fn parse_level(code: &str) -> Option<ServiceLevel> {
    match code {
        "full" => Some(ServiceLevel::Full),
        "partial" => Some(ServiceLevel::Partial),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::synthetic::{NATIONAL_SCALE, catalogue};

    use super::*;

    fn national() -> CatalogueIndex {
        CatalogueIndex::new(catalogue(7, NATIONAL_SCALE))
    }

    fn real() -> CatalogueIndex {
        let text = include_str!("../../../assets/catalogue/procedures.json");
        CatalogueIndex::new(serde_json::from_str(text).expect("the committed catalogue reads"))
    }

    #[test]
    fn typing_without_diacritics_finds_the_vietnamese_name() {
        let index = real();
        let hits = index.search("dang ky khai sinh", &Filters::default());
        assert!(!hits.is_empty());
        let first = index.procedure(hits[0]).unwrap();
        assert!(fold(&first.name.vi).contains("dang ky khai sinh"), "{}", first.name.vi);
    }

    #[test]
    fn words_match_in_any_order_and_in_either_language() {
        let index = real();
        let vi = index.search("khai sinh đăng ký", &Filters::default());
        let en = index.search("BIRTH registration", &Filters::default());
        assert!(!vi.is_empty() && !en.is_empty());
        assert!(vi.iter().any(|i| en.contains(i)));
    }

    #[test]
    fn a_procedure_is_found_by_its_code() {
        let index = real();
        let first = index.procedure(0).unwrap().code.as_str().to_owned();
        assert!(index.search(&first, &Filters::default()).contains(&0));
        assert_eq!(index.find(&first).map(|p| p.code.as_str()), Some(first.as_str()));
    }

    #[test]
    fn an_empty_query_lists_everything_in_catalogue_order() {
        let index = national();
        let all = index.search("  ", &Filters::default());
        assert_eq!(all, (0..index.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_word_no_procedure_has_finds_nothing() {
        assert!(national().search("xyzzyq", &Filters::default()).is_empty());
    }

    #[test]
    fn each_filter_keeps_only_what_it_names_and_counts_agree() {
        let index = national();
        let field = index.fields()[0].clone();
        let hits = index.search("", &Filters { field: Some(field.code.clone()), ..Filters::default() });
        assert_eq!(hits.len(), field.count);
        assert!(hits.iter().all(|i| index.procedure(*i).unwrap().field.code == field.code));

        let agency = index.agencies()[0].clone();
        let filters = Filters { agency: Some(agency.code.clone()), level: Some(ServiceLevel::Full), field: None };
        let hits = index.search("", &filters);
        assert!(hits.len() <= agency.count);
        assert!(
            hits.iter()
                .map(|i| index.procedure(*i).unwrap())
                .all(|p| p.agency.code == agency.code && p.level == ServiceLevel::Full)
        );
    }

    #[test]
    fn a_name_holding_the_phrase_as_typed_ranks_before_scattered_words() {
        let index = national();
        let name = fold(&index.procedure(index.len() - 1).unwrap().name.vi);
        let phrase: String = name.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let hits = index.search(&phrase, &Filters::default());
        let first_scattered = hits.iter().position(|i| !index.names[*i].contains(&phrase)).unwrap_or(hits.len());
        assert!(hits[..first_scattered].iter().all(|i| index.names[*i].contains(&phrase)));
        assert!(hits[first_scattered..].iter().all(|i| !index.names[*i].contains(&phrase)));
    }

    #[test]
    fn the_level_filter_survives_its_select_value() {
        for level in [None, Some(ServiceLevel::Full), Some(ServiceLevel::Partial)] {
            assert_eq!(parse_level(level_code(level)), level);
        }
    }
}
