//! The sync's and sender's queries are served by indexes: checked with
//! `EXPLAIN QUERY PLAN` on a migrated store, so a schema change that turns
//! one into a table scan fails here rather than on a phone with years of
//! dossiers.

use super::dossier_table::{LOCAL_STATE, OF_PROFILE};
use super::supplement_table::{DUE_SUPPLEMENTS, UNSENT_FOR};
use super::table::DUE_ITEMS;
use crate::dossiers::{cards_query, filings_query};
use crate::store::Store;

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
    for (name, query, index) in [
        ("due items", DUE_ITEMS, "outbox_due"),
        ("a profile's dossiers", OF_PROFILE, "dossier_by_profile"),
        ("a feed page's local state", LOCAL_STATE, "sqlite_autoindex_dossier_1"),
        ("due supplement answers", DUE_SUPPLEMENTS, "supplement_outbox_due"),
        ("a dossier's unsent supplement answer", UNSENT_FOR, "supplement_outbox_by_code"),
        ("a profile's dossier cards", cards.as_str(), "dossier_by_profile"),
    ] {
        let plan = plan(&store, query).await;
        // The page's own list of ids (`json_each`) is walked; no table is.
        let scans = plan.lines().any(|line| line.contains("SCAN") && !line.contains("VIRTUAL TABLE"));
        assert!(!scans, "{name} scans:\n{plan}");
        assert!(plan.contains(index), "{name} does not use {index}:\n{plan}");
    }
}

#[tokio::test]
async fn every_filing_is_read_in_index_order_without_sorting_and_names_are_looked_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("engine.db"), &[7u8; 32]).await.unwrap();
    // The business table lists every dossier, so the dossier table is walked
    // whole, but in the order of its index: no sort of every row, and each
    // profile and procedure found by its key.
    let plan = plan(&store, &filings_query()).await;
    assert!(plan.contains("SCAN d USING INDEX dossier_by_updated"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "filings are sorted:\n{plan}");
    for line in plan.lines().filter(|l| !l.contains("dossier_by_updated")) {
        assert!(line.starts_with("SEARCH"), "filings scan:\n{plan}");
    }
}
