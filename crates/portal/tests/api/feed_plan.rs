//! The changes feed costs what was asked for, not the history: the feed's page
//! and the live stream's backlog and start, the very SQL the portal runs, are
//! served by the `(owner, seq)` index on both backends, shown by `EXPLAIN`
//! over a history large enough for the planner to prefer a scan if it could.

use sqlx::SqliteConnection;

use super::*;

/// The owner whose feed is read; one owner in `OWNERS` of the history.
const OWNER: &str = "person:demo-citizen-0001";

/// 5,000 changes of one real dossier (the code is a foreign key), spread over
/// 50 owners, the owner being what the index is read by. With a handful of
/// rows a planner may scan a table on purpose, which would prove nothing.
const ADD_HISTORY: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
     INSERT INTO dossier_change (owner, code)
     SELECT CASE WHEN i % 50 = 0 THEN CAST($1 AS TEXT) ELSE 'person:filler-' || CAST(i % 50 AS TEXT) END, $2 FROM n";

/// The portal's feed queries, as it runs them.
const FEED_QUERIES: [(&str, &str); 3] = [
    ("changes feed", hoso_portal::feed_queries::CHANGES_QUERY),
    ("events backlog", hoso_portal::feed_queries::BACKLOG_QUERY),
    ("events start", hoso_portal::feed_queries::LATEST_QUERY),
];

/// A cursor in the middle of the owner's history, and a full page.
const SINCE: i64 = 2_500;
const PAGE: i64 = 500;

/// Each feed query's plan for `OWNER` over the history, as text.
async fn feed_plans(backend: Backend) -> Vec<(&'static str, String)> {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let scan = b"%PDF-1.7 ke hoach truy van".to_vec();
    upload_whole(&base, &client, &token, &scan).await;
    let submitted = submit(&base, &client, &token, &birth_registration("plan-0001", &scan)).await;
    assert_eq!(submitted.status(), 201);
    let code = submitted.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_owned();
    let url = test._database.url.clone();
    let mut plans = Vec::new();
    match backend {
        Backend::Sqlite => {
            let mut db = SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(ADD_HISTORY).bind(OWNER).bind(&code).execute(&mut db).await.unwrap();
            sqlx::raw_sql("ANALYZE").execute(&mut db).await.unwrap();
            for (name, sql) in FEED_QUERIES {
                let explain = format!("EXPLAIN QUERY PLAN {sql}");
                let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain).bind(OWNER);
                if sql.contains("$2") {
                    query = query.bind(SINCE).bind(PAGE);
                }
                let rows = query.fetch_all(&mut db).await.unwrap();
                plans.push((name, rows.into_iter().map(|row| row.3).collect::<Vec<_>>().join("\n")));
            }
        }
        Backend::Postgres => {
            let mut db = PgConnection::connect(&url).await.unwrap();
            sqlx::query(ADD_HISTORY).bind(OWNER).bind(&code).execute(&mut db).await.unwrap();
            sqlx::raw_sql("ANALYZE").execute(&mut db).await.unwrap();
            for (name, sql) in FEED_QUERIES {
                let explain = format!("EXPLAIN {sql}");
                let mut query = sqlx::query_as::<_, (String,)>(&explain).bind(OWNER);
                if sql.contains("$2") {
                    query = query.bind(SINCE).bind(PAGE);
                }
                let rows = query.fetch_all(&mut db).await.unwrap();
                plans.push((name, rows.into_iter().map(|row| row.0).collect::<Vec<_>>().join("\n")));
            }
        }
    }
    plans
}

async fn the_changes_feed_and_the_event_backlog_read_the_owner_seq_index_not_the_history(backend: Backend) {
    let plans = feed_plans(backend).await;
    assert_eq!(plans.len(), FEED_QUERIES.len());
    for (name, plan) in plans {
        assert!(plan.contains("dossier_change_owner_seq"), "{name} does not use the (owner, seq) index:\n{plan}");
        let scans_history = match backend {
            // SQLite names a table scan `SCAN <table or alias>`; the feed's
            // join calls the history `c`.
            Backend::Sqlite => plan.lines().any(|line| {
                let line = line.trim();
                line == "SCAN c" || line.starts_with("SCAN c ") || line.starts_with("SCAN dossier_change")
            }),
            Backend::Postgres => plan.contains("Seq Scan on dossier_change"),
        };
        assert!(!scans_history, "{name} scans the history:\n{plan}");
    }
}

contract![the_changes_feed_and_the_event_backlog_read_the_owner_seq_index_not_the_history];
