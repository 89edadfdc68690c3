//! The changes feed never skips a change on PostgreSQL: within one owner, a
//! change's cursor grows in commit order, so a client that read up to cursor
//! N can never see a change below N appear later.

use super::*;

/// Inserts a change row for `owner` and `code` inside `tx`, answering its cursor.
async fn add_change(tx: &mut sqlx::PgConnection, owner: &str, code: &str) -> i64 {
    sqlx::query_scalar("INSERT INTO dossier_change (owner, code) VALUES ($1, $2) RETURNING seq")
        .bind(owner)
        .bind(code)
        .fetch_one(tx)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_writer_for_one_owner_waits_for_the_first_to_commit_and_takes_a_later_cursor() {
    if postgres_admin_url().is_none() {
        return;
    }
    let test = spawn_portal(Backend::Postgres, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let scan = b"%PDF-1.7 thu tu thay doi".to_vec();
    upload_whole(&base, &client, &token, &scan).await;
    let submitted = submit(&base, &client, &token, &birth_registration("order-0001", &scan)).await;
    assert_eq!(submitted.status(), 201);
    let code = submitted.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_owned();
    let owner = "person:demo-citizen-0001";
    let url = &test._database.url;

    let mut first = PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql("BEGIN").execute(&mut first).await.unwrap();
    let first_cursor = add_change(&mut first, owner, &code).await;

    let second_url = url.clone();
    let second_code = code.clone();
    let second = tokio::spawn(async move {
        let mut second = PgConnection::connect(&second_url).await.unwrap();
        let cursor = add_change(&mut second, owner, &second_code).await;
        second.close().await.unwrap();
        cursor
    });
    // While the first is open, the second is held back (it cannot have taken
    // a cursor that a reader could pass before the first one commits).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!second.is_finished(), "a second writer for the same owner did not wait for the first");
    // Another owner's writer does not wait.
    let mut other = PgConnection::connect(url).await.unwrap();
    let other_cursor =
        tokio::time::timeout(std::time::Duration::from_secs(10), add_change(&mut other, "person:someone-else", &code))
            .await
            .expect("another owner's change waited on this owner's lock");

    sqlx::raw_sql("COMMIT").execute(&mut first).await.unwrap();
    let second_cursor = tokio::time::timeout(std::time::Duration::from_secs(10), second).await.unwrap().unwrap();
    assert!(second_cursor > first_cursor, "{second_cursor} after {first_cursor}");
    assert!(other_cursor > first_cursor);
    let feed = get_json(&client, &format!("{base}{}?since=0", path::DOSSIER_CHANGES), &token, None).await;
    let cursors: Vec<i64> = feed["changes"].as_array().unwrap().iter().map(|c| c["cursor"].as_i64().unwrap()).collect();
    assert!(cursors.windows(2).all(|pair| pair[0] < pair[1]), "{cursors:?}");
    assert!(cursors.contains(&first_cursor) && cursors.contains(&second_cursor), "{cursors:?}");
}
