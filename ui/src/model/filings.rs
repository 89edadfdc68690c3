//! The business table's decisions: every filing of the person and their
//! enterprises searched (diacritic-insensitive, with the engine's own
//! [`fold`]), filtered by profile and status, sorted by a column, and cut to
//! the rows a scrolled viewport shows, so 10,000 filings stay smooth: the
//! search keys are folded once per listing, each order is sorted once and
//! then only filtered, a query scans the rows' codes once and each distinct
//! rest of a key (procedure, profile: a few per listing) once, and only the
//! visible rows (at least the first 50, and a margin) are ever drawn.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

use hoso_domain::dossier::DossierStatus;
use hoso_domain::profile::ActingAs;
use hoso_domain::text::fold;
use hoso_protocol::command::Filing;

use crate::i18n::Lang;

/// A column the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Procedure,
    Profile,
    Code,
    Status,
    Updated,
    Due,
}

impl Column {
    pub const ALL: [Column; 6] =
        [Column::Code, Column::Procedure, Column::Profile, Column::Status, Column::Updated, Column::Due];

    /// The translation key of its header.
    pub fn key(self) -> &'static str {
        match self {
            Self::Procedure => "business.column.procedure",
            Self::Profile => "business.column.profile",
            Self::Code => "business.column.code",
            Self::Status => "business.column.status",
            Self::Updated => "business.column.updated",
            Self::Due => "business.column.due",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// The order of the rows: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub direction: Direction,
}

impl Default for Sort {
    /// The most recently changed first: what a business looks for first.
    fn default() -> Self {
        Self { column: Column::Updated, direction: Direction::Descending }
    }
}

impl Sort {
    /// The order after clicking `column`'s header: the other direction when it
    /// already sorts, else ascending (dates newest first).
    pub fn toggled(self, column: Column) -> Self {
        if self.column == column {
            let direction = match self.direction {
                Direction::Ascending => Direction::Descending,
                Direction::Descending => Direction::Ascending,
            };
            Self { column, direction }
        } else {
            let direction = match column {
                Column::Updated => Direction::Descending,
                _ => Direction::Ascending,
            };
            Self { column, direction }
        }
    }

    /// `aria-sort` of `column`'s header.
    pub fn aria(self, column: Column) -> &'static str {
        match (self.column == column, self.direction) {
            (false, _) => "none",
            (true, Direction::Ascending) => "ascending",
            (true, Direction::Descending) => "descending",
        }
    }
}

/// What the person asked the table for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub text: String,
    /// A profile key ([`profile_key`]); `None` is every profile.
    pub profile: Option<String>,
    pub status: Option<DossierStatus>,
    pub sort: Sort,
}

/// `myself`, or the enterprise's tax code: a filter option's value.
pub fn profile_key(acting: &ActingAs) -> String {
    match acting {
        ActingAs::Myself => "myself".to_owned(),
        ActingAs::Enterprise(tax_code) => tax_code.as_str().to_owned(),
    }
}

/// How many orders a table can be shown in: every column, both directions,
/// both languages (the procedure's name sorts by the language shown).
const ORDERS: usize = Column::ALL.len() * 2 * 2;

/// Separates the parts of a search key ([`search_key`]); folding keeps it.
const SEPARATOR: char = '|';

/// Everything searchable about a filing, folded: its code first, then the
/// procedure's names and code and the profile's name and key, each part after
/// a [`SEPARATOR`]. A query matches a filing when its folded text is a part
/// of this key.
fn search_key(filing: &Filing) -> String {
    let d = &filing.dossier;
    fold(&format!(
        "{} | {} | {} | {} | {} | {}",
        d.code.as_deref().unwrap_or_default(),
        d.procedure_name.vi,
        d.procedure_name.en,
        d.procedure.as_str(),
        filing.profile_name,
        profile_key(&d.acting_as),
    ))
}

/// The filings with what searching and sorting them needs, computed once.
///
/// Each row's search key is kept in two halves split at its first
/// [`SEPARATOR`]: the head (the code, unique per row) and the tail
/// (procedure and profile, shared by most rows). A query without the
/// separator can only match inside one half, so it scans every head once, in
/// one string, and tests each distinct tail once, instead of searching 10,000
/// whole keys with a searcher set up for each.
#[derive(Debug, Clone, Default)]
pub struct FilingTable {
    rows: Vec<Filing>,
    /// Every row's head, in row order, each followed by a [`SEPARATOR`], so
    /// no match of a text without one spans two rows.
    heads: String,
    /// Where row `i`'s head starts in `heads`.
    head_starts: Vec<usize>,
    /// Each distinct tail once, and the tail of row `i`.
    tails: Vec<String>,
    tail_of: Vec<usize>,
    /// Row `i`'s status, for the status filter.
    statuses: Vec<DossierStatus>,
    /// The procedure's name folded, per language, for sorting.
    names_vi: Vec<String>,
    names_en: Vec<String>,
    profiles: Vec<String>,
    /// Row `i`'s profile key ([`profile_key`]), for the profile filter.
    profile_keys: Vec<String>,
    /// Every row in each order, sorted the first time that order is asked
    /// for: a query then only filters it, since a stable sort of the rows a
    /// query keeps is the same as keeping them from the sorted whole. Sorting
    /// 10,000 rows by date on every keystroke was most of a query's work.
    orders: [OnceLock<Vec<usize>>; ORDERS],
}

impl FilingTable {
    pub fn new(rows: Vec<Filing>) -> Self {
        let mut heads = String::new();
        let mut head_starts = Vec::with_capacity(rows.len());
        let mut tails = Vec::new();
        let mut tail_ids = HashMap::<String, usize>::new();
        let mut tail_of = Vec::with_capacity(rows.len());
        for filing in &rows {
            let key = search_key(filing);
            // The key's format always holds separators; a key without one
            // would be all head.
            let (head, tail) = key.split_once(SEPARATOR).unwrap_or((key.as_str(), ""));
            head_starts.push(heads.len());
            heads.push_str(head);
            heads.push(SEPARATOR);
            let id = match tail_ids.get(tail) {
                Some(&id) => id,
                None => {
                    tails.push(tail.to_owned());
                    tail_ids.insert(tail.to_owned(), tails.len() - 1);
                    tails.len() - 1
                }
            };
            tail_of.push(id);
        }
        let statuses = rows.iter().map(|f| f.dossier.status).collect();
        let names_vi = rows.iter().map(|f| fold(&f.dossier.procedure_name.vi)).collect();
        let names_en = rows.iter().map(|f| fold(&f.dossier.procedure_name.en)).collect();
        let profiles = rows.iter().map(|f| fold(&f.profile_name)).collect();
        let profile_keys = rows.iter().map(|f| profile_key(&f.dossier.acting_as)).collect();
        Self {
            rows,
            heads,
            head_starts,
            tails,
            tail_of,
            statuses,
            names_vi,
            names_en,
            profiles,
            profile_keys,
            orders: Default::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn row(&self, index: usize) -> Option<&Filing> {
        self.rows.get(index)
    }

    /// Each profile once (key, name, how many filings), in first-seen order
    /// with the person first.
    pub fn profiles(&self) -> Vec<(String, String, usize)> {
        let mut found: Vec<(String, String, usize)> = Vec::new();
        for filing in &self.rows {
            let key = profile_key(&filing.dossier.acting_as);
            match found.iter_mut().find(|(k, _, _)| *k == key) {
                Some(entry) => entry.2 += 1,
                None => found.push((key, filing.profile_name.clone(), 1)),
            }
        }
        found.sort_by_key(|(key, _, _)| key != "myself");
        found
    }

    /// Each status present, in lifecycle order, with its count.
    pub fn statuses(&self) -> Vec<(DossierStatus, usize)> {
        DossierStatus::ALL
            .into_iter()
            .map(|s| (s, self.rows.iter().filter(|f| f.dossier.status == s).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The rows the query selects, as indices, in its order (ties keep the
    /// listing's order, so the table does not reshuffle on a re-sort).
    pub fn select(&self, query: &Query, lang: Lang) -> Vec<usize> {
        let text = fold(&query.text);
        let found = (!text.is_empty()).then(|| self.matching(&text));
        self.order(query.sort, lang)
            .iter()
            .copied()
            .filter(|&i| {
                found.as_ref().is_none_or(|found| found[i])
                    && query.profile.as_ref().is_none_or(|p| self.profile_keys[i] == *p)
                    && query.status.is_none_or(|s| self.statuses[i] == s)
            })
            .collect()
    }

    /// Whether row `i`'s search key contains `text` (folded, not empty), for
    /// every row.
    fn matching(&self, text: &str) -> Vec<bool> {
        if text.contains(SEPARATOR) {
            // Such a text may span a head and its tail: each whole key is
            // searched, put together again as it was split.
            let mut key = String::new();
            return (0..self.rows.len())
                .map(|i| {
                    key.clear();
                    key.push_str(self.head(i));
                    key.push(SEPARATOR);
                    key.push_str(&self.tails[self.tail_of[i]]);
                    key.contains(text)
                })
                .collect();
        }
        let tail_found: Vec<bool> = self.tails.iter().map(|tail| tail.contains(text)).collect();
        let mut found: Vec<bool> = self.tail_of.iter().map(|&tail| tail_found[tail]).collect();
        // One search through every head: the matches come in order, so the
        // row of each is found by walking forward.
        let mut row = 0;
        for (at, _) in self.heads.match_indices(text) {
            while row + 1 < self.head_starts.len() && self.head_starts[row + 1] <= at {
                row += 1;
            }
            found[row] = true;
        }
        found
    }

    /// Row `i`'s head: its search key before the first separator.
    fn head(&self, i: usize) -> &str {
        let end = self.head_starts.get(i + 1).copied().unwrap_or(self.heads.len()) - SEPARATOR.len_utf8();
        &self.heads[self.head_starts[i]..end]
    }

    /// Every row in `sort`'s order, sorted once.
    fn order(&self, sort: Sort, lang: Lang) -> &[usize] {
        let column = Column::ALL.iter().position(|c| *c == sort.column).unwrap_or_default();
        let slot =
            (column * 2 + usize::from(sort.direction == Direction::Descending)) * 2 + usize::from(lang == Lang::En);
        self.orders[slot].get_or_init(|| {
            let names = match lang {
                Lang::Vi => &self.names_vi,
                Lang::En => &self.names_en,
            };
            let compare = |&a: &usize, &b: &usize| -> Ordering {
                let (x, y) = (&self.rows[a].dossier, &self.rows[b].dossier);
                match sort.column {
                    Column::Procedure => names[a].cmp(&names[b]),
                    Column::Profile => self.profiles[a].cmp(&self.profiles[b]),
                    Column::Code => missing_last(x.code.as_ref(), y.code.as_ref()),
                    Column::Status => x.status.cmp(&y.status),
                    Column::Updated => missing_last(x.updated_at.as_ref(), y.updated_at.as_ref()),
                    Column::Due => missing_last(x.due_on.as_ref(), y.due_on.as_ref()),
                }
            };
            let mut all: Vec<usize> = (0..self.rows.len()).collect();
            match sort.direction {
                Direction::Ascending => all.sort_by(compare),
                Direction::Descending => all.sort_by(|a, b| compare(b, a)),
            }
            all
        })
    }
}

/// Orders present values, with missing ones after them.
fn missing_last<T: Ord>(a: Option<&T>, b: Option<&T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The rows a viewport shows, and the room kept above and below them so the
/// scroll bar stays true to the whole table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    /// Pixels above the first drawn row.
    pub before: f64,
    /// Pixels below the last drawn row.
    pub after: f64,
}

/// The rows `[start, end)` of `total` rows of `row_height` pixels that a
/// viewport `viewport` pixels tall, scrolled by `scroll_top`, shows, with
/// `margin` rows more on each side so fast scrolling does not show blanks,
/// and at least `at_least` rows from `start` (as many as there are).
pub fn window(total: usize, row_height: f64, scroll_top: f64, viewport: f64, margin: usize, at_least: usize) -> Window {
    if total == 0 || row_height <= 0.0 {
        return Window { start: 0, end: 0, before: 0.0, after: 0.0 };
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let visible = (viewport.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(margin).min(total);
    let end = (first + visible + margin).max(start + at_least).min(total).max(start);
    Window { start, end, before: start as f64 * row_height, after: (total - end) as f64 * row_height }
}

/// A count with the language's thousands separator: `10.000`, `10,000`.
pub fn count_text(n: usize, lang: Lang) -> String {
    let separator = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ENTERPRISES: [(&str, &str); 2] =
        [("0100233488", "Công ty TNHH Ánh Dương"), ("0314409058", "Công ty Cổ phần Đại Phát")];

    fn filing(i: usize) -> Filing {
        let statuses = ["submitted", "processing", "supplement_requested", "result_delivered"];
        let (acting, profile) = match i % 3 {
            0 => (json!("myself"), "Nguyễn Văn An".to_owned()),
            n => (json!({"enterprise": ENTERPRISES[n - 1].0}), ENTERPRISES[n - 1].1.to_owned()),
        };
        let (vi, en) = if i.is_multiple_of(2) {
            ("Đăng ký thay đổi nội dung doanh nghiệp", "Changing enterprise registration")
        } else {
            ("Cấp giấy chứng nhận xuất xứ", "Certificate of origin")
        };
        serde_json::from_value(json!({
            "profile_name": profile,
            "dossier": {
                "client_id": format!("c{i:05}"),
                "code": if i % 10 == 9 { None } else { Some(format!("H01.22-{i:06}")) },
                "procedure": "1.001193",
                "procedure_name": {"vi": vi, "en": en},
                "acting_as": acting,
                "status": statuses[i % 4],
                "updated_at": format!("2026-03-{:02}T{:02}:{:02}:00Z", 1 + i % 28, i % 24, i % 60),
                "due_on": if i.is_multiple_of(7) { None } else { Some(format!("2026-04-{:02}", 1 + i % 28)) },
            }
        }))
        .unwrap()
    }

    fn table(n: usize) -> FilingTable {
        FilingTable::new((0..n).map(filing).collect())
    }

    #[test]
    fn ten_thousand_filings_filter_sort_and_window() {
        let table = table(10_000);
        let all = table.select(&Query::default(), Lang::Vi);
        assert_eq!(all.len(), 10_000);
        // Newest first by default.
        let updated: Vec<_> = all.iter().map(|&i| table.row(i).unwrap().dossier.updated_at).collect();
        assert!(updated.windows(2).all(|w| w[0] >= w[1]));

        let query = Query {
            text: "dai phat".into(),
            status: Some(DossierStatus::Processing),
            sort: Sort { column: Column::Due, direction: Direction::Ascending },
            ..Query::default()
        };
        let chosen = table.select(&query, Lang::Vi);
        let expected = (0..10_000).filter(|i| i % 3 == 2 && i % 4 == 1).count();
        assert_eq!(chosen.len(), expected);
        let due: Vec<_> = chosen.iter().map(|&i| table.row(i).unwrap().dossier.due_on).collect();
        let dated = due.iter().take_while(|d| d.is_some()).count();
        assert!(due[..dated].windows(2).all(|w| w[0] <= w[1]));
        assert!(due[dated..].iter().all(Option::is_none), "undated rows come last");

        let w = window(chosen.len(), 48.0, 48.0 * 400.0, 480.0, 5, 0);
        assert_eq!((w.start, w.end), (395, 416));
        assert_eq!(w.before, 395.0 * 48.0);
        assert_eq!(w.after, (chosen.len() - 416) as f64 * 48.0);
    }

    #[test]
    fn search_ignores_diacritics_and_case_and_reads_codes_and_names() {
        let table = table(30);
        let find = |text: &str| table.select(&Query { text: text.into(), ..Query::default() }, Lang::En).len();
        assert_eq!(find("ĐĂNG KÝ"), 15);
        assert_eq!(find("dang ky"), 15);
        assert_eq!(find("certificate of ORIGIN"), 15);
        assert_eq!(find("H01.22-000012"), 1);
        assert_eq!(find("anh duong"), 10);
        assert_eq!(find("0314409058"), 10);
        assert_eq!(find("nothing like this"), 0);
    }

    #[test]
    fn the_profile_filter_and_its_options() {
        let table = table(30);
        let profiles = table.profiles();
        assert_eq!(profiles[0], ("myself".to_owned(), "Nguyễn Văn An".to_owned(), 10));
        assert_eq!(profiles.len(), 3);
        let query = Query { profile: Some("0100233488".into()), ..Query::default() };
        let rows = table.select(&query, Lang::Vi);
        assert_eq!(rows.len(), 10);
        assert!(rows.iter().all(|i| i % 3 == 1));
        let statuses = table.statuses();
        assert_eq!(statuses.first(), Some(&(DossierStatus::Submitted, 8)));
    }

    #[test]
    fn sorting_by_name_follows_the_language_and_codes_put_the_unsent_last() {
        let table = table(20);
        let by_name =
            Query { sort: Sort { column: Column::Procedure, direction: Direction::Ascending }, ..Query::default() };
        let vi = table.select(&by_name, Lang::Vi);
        assert!(table.row(vi[0]).unwrap().dossier.procedure_name.vi.starts_with("Cấp"));
        let en = table.select(&by_name, Lang::En);
        assert!(table.row(en[0]).unwrap().dossier.procedure_name.en.starts_with("Certificate"));
        let by_code =
            Query { sort: Sort { column: Column::Code, direction: Direction::Ascending }, ..Query::default() };
        let rows = table.select(&by_code, Lang::Vi);
        assert!(table.row(*rows.last().unwrap()).unwrap().dossier.code.is_none());
        assert_eq!(table.row(rows[0]).unwrap().dossier.code.as_deref(), Some("H01.22-000000"));
    }

    #[test]
    fn a_header_click_sorts_then_reverses_and_says_so() {
        let sort = Sort::default().toggled(Column::Status);
        assert_eq!(sort, Sort { column: Column::Status, direction: Direction::Ascending });
        assert_eq!(sort.toggled(Column::Status).direction, Direction::Descending);
        assert_eq!(sort.aria(Column::Status), "ascending");
        assert_eq!(sort.aria(Column::Code), "none");
        assert_eq!(Sort::default().aria(Column::Updated), "descending");
    }

    #[test]
    fn a_query_filters_the_sorted_rows_keeping_ties_in_the_listing_order_both_ways() {
        let table = table(3_000);
        for direction in [Direction::Ascending, Direction::Descending] {
            let query =
                Query { text: "dai phat".into(), sort: Sort { column: Column::Status, direction }, ..Query::default() };
            let chosen = table.select(&query, Lang::Vi);
            assert_eq!(chosen.len(), 1_000);
            assert!(chosen.iter().all(|i| i % 3 == 2));
            let status = |i: usize| table.row(i).unwrap().dossier.status;
            for pair in chosen.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let ordered = match direction {
                    Direction::Ascending => status(a) < status(b),
                    Direction::Descending => status(a) > status(b),
                };
                assert!(ordered || (status(a) == status(b) && a < b), "{a} before {b} in {direction:?}");
            }
            // The order sorted for the first query serves the next one alike.
            assert_eq!(table.select(&query, Lang::Vi), chosen);
        }
    }

    #[test]
    fn a_query_selects_exactly_the_rows_whose_whole_key_contains_it() {
        let table = table(300);
        let all = table.select(&Query::default(), Lang::Vi);
        // Parts of codes, of names, across the parts of a key and its
        // separators, the separator alone, and matches in every row.
        for text in [
            "000012",
            "h01.22-00001",
            "22-000299",
            "dang ky",
            "xuat xu | cert",
            "000012 | dang",
            "| cap",
            "|",
            " | ",
            "1.001193 | nguyen",
            "0314409058",
            "myself",
            "h",
            "nothing like this",
        ] {
            let folded = fold(text);
            let expected: Vec<usize> =
                all.iter().copied().filter(|&i| search_key(table.row(i).unwrap()).contains(&folded)).collect();
            let chosen = table.select(&Query { text: text.into(), ..Query::default() }, Lang::Vi);
            assert_eq!(chosen, expected, "{text:?}");
        }
        // Unsent rows (no code) have an empty head, and still match by the rest.
        let unsent = table.select(&Query { text: "| cap".into(), ..Query::default() }, Lang::Vi);
        assert!(unsent.iter().any(|&i| table.row(i).unwrap().dossier.code.is_none()));
    }

    #[test]
    fn the_window_draws_at_least_the_rows_asked_for_from_its_start() {
        let top = window(10_000, 52.0, 0.0, 600.0, 10, 50);
        assert_eq!((top.start, top.end, top.before, top.after), (0, 50, 0.0, 9_950.0 * 52.0));
        let scrolled = window(10_000, 52.0, 52.0 * 100.0, 600.0, 10, 50);
        assert_eq!((scrolled.start, scrolled.end), (90, 140));
        let few = window(30, 52.0, 0.0, 600.0, 10, 50);
        assert_eq!((few.start, few.end, few.after), (0, 30, 0.0));
        let bottom = window(100, 52.0, 52.0 * 95.0, 600.0, 10, 50);
        assert_eq!((bottom.start, bottom.end, bottom.after), (85, 100, 0.0));
        // A tall viewport draws more than asked for.
        let tall = window(10_000, 52.0, 0.0, 5_200.0, 10, 50);
        assert_eq!((tall.start, tall.end), (0, 111));
    }

    #[test]
    fn counts_are_grouped_as_each_language_writes_them() {
        assert_eq!(count_text(10_000, Lang::Vi), "10.000");
        assert_eq!(count_text(10_000, Lang::En), "10,000");
        assert_eq!(count_text(999, Lang::Vi), "999");
    }

    #[test]
    fn the_window_is_clamped_at_both_ends() {
        assert_eq!(window(0, 48.0, 0.0, 480.0, 5, 0), Window { start: 0, end: 0, before: 0.0, after: 0.0 });
        let top = window(100, 48.0, 0.0, 480.0, 5, 0);
        assert_eq!((top.start, top.end, top.before), (0, 16, 0.0));
        let bottom = window(100, 48.0, 100.0 * 48.0, 480.0, 5, 0);
        assert_eq!((bottom.start, bottom.end, bottom.after), (95, 100, 0.0));
        let few = window(3, 48.0, 0.0, 480.0, 5, 0);
        assert_eq!((few.start, few.end, few.after), (0, 3, 0.0));
    }
}
