//! The changes feed's pages: a device catching up reads far more than one old
//! page (500) in one request, the page is streamed in chunks without losing
//! or repeating a change at their seams, a page that fills up says `more`
//! and continues exactly where it stopped, and a `limit` outside 1 to 10000
//! is refused with an envelope that says so.

use hoso_protocol::api::dossier::CHANGES_MAX_LIMIT;
use sqlx::SqliteConnection;

use super::*;

/// The demo citizen's own profile, whose feed is read.
const OWNER: &str = "person:demo-citizen-0001";

/// More changes than the old page of 500 and than two of the portal's
/// chunks, so a page crosses chunk seams.
const HISTORY: i64 = 1_200;

/// `HISTORY` changes of one real dossier (the code is a foreign key) for `OWNER`.
const ADD_HISTORY: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
     INSERT INTO dossier_change (owner, code) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT) FROM n";

/// A portal whose demo citizen has one filed dossier and `HISTORY` more
/// changes of it: the base URL, a client, the citizen's token and the portal.
async fn citizen_with_history(backend: Backend) -> (TestPortal, reqwest::Client, String) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let scan = b"%PDF-1.7 trang thay doi".to_vec();
    upload_whole(&base, &client, &token, &scan).await;
    let submitted = submit(&base, &client, &token, &birth_registration("pages-0001", &scan)).await;
    assert_eq!(submitted.status(), 201);
    let code = submitted.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_owned();
    let url = test._database.url.clone();
    match backend {
        Backend::Sqlite => {
            let mut db = SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(ADD_HISTORY).bind(OWNER).bind(&code).execute(&mut db).await.unwrap();
        }
        Backend::Postgres => {
            let mut db = PgConnection::connect(&url).await.unwrap();
            sqlx::query(ADD_HISTORY).bind(OWNER).bind(&code).execute(&mut db).await.unwrap();
        }
    }
    (test, client, token)
}

/// The cursors of a feed page, checking they grow strictly.
fn cursors(page: &serde_json::Value) -> Vec<u64> {
    let cursors: Vec<u64> =
        page["changes"].as_array().expect("a changes array").iter().map(|c| c["cursor"].as_u64().unwrap()).collect();
    assert!(cursors.windows(2).all(|pair| pair[0] < pair[1]), "cursors out of order or repeated: {cursors:?}");
    cursors
}

async fn a_catch_up_larger_than_an_old_page_arrives_in_one_request(backend: Backend) {
    let (test, client, token) = citizen_with_history(backend).await;
    let feed = format!("{}{}", test.portal.url(), path::DOSSIER_CHANGES);
    let page = get_json(&client, &format!("{feed}?since=0"), &token, None).await;
    let all = cursors(&page);
    // The filing's own change(s) and the whole history, in one answer.
    assert!(all.len() > usize::try_from(HISTORY).unwrap(), "{} changes", all.len());
    assert_eq!(page["more"], false);
    assert_eq!(page["next"].as_u64(), all.last().copied());
    for change in page["changes"].as_array().unwrap() {
        assert_eq!(change["dossier"]["client_id"], "pages-0001");
    }

    // A limit the history overflows: the page is full, says `more`, and the
    // next page continues exactly after it, to the end.
    let first = get_json(&client, &format!("{feed}?since=0&limit=1000"), &token, None).await;
    let first_cursors = cursors(&first);
    assert_eq!(first_cursors.len(), 1000);
    assert_eq!(first["more"], true);
    assert_eq!(first["next"].as_u64(), first_cursors.last().copied());
    let second = get_json(&client, &format!("{feed}?since={}&limit=1000", first["next"]), &token, None).await;
    let second_cursors = cursors(&second);
    assert_eq!(second["more"], false);
    let paged: Vec<u64> = first_cursors.into_iter().chain(second_cursors).collect();
    assert_eq!(paged, all, "two pages hold exactly the changes of one");

    // A page exactly as large as what is left has nothing more.
    let exact = get_json(&client, &format!("{feed}?since=0&limit={}", all.len()), &token, None).await;
    assert_eq!(cursors(&exact), all);
    assert_eq!(exact["more"], false);
    // Past the end: an empty page that keeps the cursor.
    let last = all.last().unwrap();
    let empty = get_json(&client, &format!("{feed}?since={last}"), &token, None).await;
    assert_eq!(empty["changes"], serde_json::json!([]));
    assert_eq!(empty["next"].as_u64(), Some(*last));
    assert_eq!(empty["more"], false);
}

async fn a_limit_outside_one_to_the_maximum_is_refused_with_a_clear_answer(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let feed = format!("{base}{}", path::DOSSIER_CHANGES);
    for limit in [0, -5, i64::try_from(CHANGES_MAX_LIMIT).unwrap() + 1, 1_000_000] {
        let response = client.get(format!("{feed}?since=0&limit={limit}")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 400, "limit={limit}");
        let envelope: ErrorEnvelope = response.json().await.unwrap();
        assert_eq!(envelope.kind, ErrorKind::InvalidInput, "limit={limit}");
        assert!(envelope.message.contains(&CHANGES_MAX_LIMIT.to_string()), "{}", envelope.message);
    }
    for limit in [1, CHANGES_MAX_LIMIT] {
        let response = client.get(format!("{feed}?since=0&limit={limit}")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 200, "limit={limit}");
    }
}

contract![
    a_catch_up_larger_than_an_old_page_arrives_in_one_request,
    a_limit_outside_one_to_the_maximum_is_refused_with_a_clear_answer,
];
