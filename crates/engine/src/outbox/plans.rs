//! The sync's and sender's queries are served by indexes: checked with
//! `EXPLAIN QUERY PLAN` on a migrated store, so a schema change that turns
//! one into a table scan fails here rather than on a phone with years of
//! dossiers. Every query names its person (the owner subject), and every
//! index starts with it, so one person's rows are found without reading
//! another's.

use super::dossier_table::{LOCAL_STATE, OF_PROFILE};
use super::supplement_table::{DUE_SUPPLEMENTS, LIST as SUPPLEMENT_LIST, UNSENT_FOR};
use super::table::{DUE_ITEMS, DUE_NOW, LIST, UNSENT_COUNT};
use crate::dossiers::{ACTING_OF, KEPT_DETAIL, cards_query, filings_query};
use crate::store::{DRAFTS, Store};

async fn plan(store: &Store, query: &str) -> String {
    let rows: Vec<(i64, i64, i64, String)> =
        sqlx::query_as(&format!("EXPLAIN QUERY PLAN {query}")).fetch_all(store.pool()).await.unwrap();
    rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn the_feed_and_outbox_queries_search_an_index_and_scan_no_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("engine.db"), &[7u8; 32]).await.unwrap();
    let cards = cards_query();
    let supplements_due_now = DUE_NOW.replace("UPDATE outbox", "UPDATE supplement_outbox");
    for (name, query, index) in [
        ("due items", DUE_ITEMS, "outbox_due"),
        ("a profile's dossiers", OF_PROFILE, "dossier_by_profile"),
        ("a feed page's local state", LOCAL_STATE, "sqlite_autoindex_dossier_1"),
        ("due supplement answers", DUE_SUPPLEMENTS, "supplement_outbox_due"),
        ("a dossier's unsent supplement answer", UNSENT_FOR, "supplement_outbox_by_code"),
        ("a profile's dossier cards", cards.as_str(), "dossier_by_profile"),
        ("a profile's drafts to submit", DRAFTS, "draft_by_profile"),
        ("a person's outbox list", LIST, "outbox_by_queued_at"),
        ("a person's supplement answers list", SUPPLEMENT_LIST, "supplement_outbox_by_queued_at"),
        ("a person's unsent items", UNSENT_COUNT, "outbox_due"),
        ("a person's unsent supplement answers", UNSENT_COUNT, "supplement_outbox_due"),
        ("due now after a reconnection", DUE_NOW, "outbox_due"),
        ("supplement answers due now", supplements_due_now.as_str(), "supplement_outbox_due"),
        ("a dossier's profile by code", ACTING_OF, "sqlite_autoindex_dossier_2"),
        ("a dossier's kept detail", KEPT_DETAIL, "sqlite_autoindex_dossier_detail_1"),
    ] {
        let plan = plan(&store, query).await;
        // A `SELECT` of two subqueries reads one constant row, and a feed
        // page's own list of ids (`json_each`) is walked; no table is.
        let scans = plan
            .lines()
            .any(|line| line.contains("SCAN") && line.trim() != "SCAN CONSTANT ROW" && !line.contains("VIRTUAL TABLE"));
        assert!(!scans, "{name} scans:\n{plan}");
        assert!(plan.contains(index), "{name} does not use {index}:\n{plan}");
    }
    // A draft's submission is found by the outbox's whole key, the person
    // and the client id, not by a scan.
    let plan = plan(&store, DRAFTS).await;
    assert!(
        plan.contains("sqlite_autoindex_outbox_1 (subject=? AND client_id=?)"),
        "drafts do not look the outbox up by key:\n{plan}"
    );
}

#[tokio::test]
async fn the_lists_of_one_person_need_no_sort() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("engine.db"), &[7u8; 32]).await.unwrap();
    for (name, query) in [("outbox list", LIST), ("supplement list", SUPPLEMENT_LIST)] {
        let plan = plan(&store, query).await;
        assert!(!plan.contains("TEMP B-TREE"), "the {name} is sorted:\n{plan}");
    }
}

#[tokio::test]
async fn every_filing_is_read_in_index_order_without_sorting_and_names_are_looked_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("engine.db"), &[7u8; 32]).await.unwrap();
    // The business table lists every dossier of the person, so their rows of
    // the dossier table are walked whole, but in the order of its index from
    // the person's first row: no sort of every row, no other person's row
    // read, and each profile and procedure found by its key.
    let plan = plan(&store, &filings_query()).await;
    assert!(plan.contains("SEARCH d USING INDEX dossier_by_updated (subject=?)"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "filings are sorted:\n{plan}");
    for line in plan.lines() {
        assert!(line.starts_with("SEARCH"), "filings scan:\n{plan}");
    }
}
