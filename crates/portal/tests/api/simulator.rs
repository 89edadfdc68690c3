//! The demo simulator: scenarios file real dossiers and play their steps on
//! the virtual clock through the same doors as people, every status can be
//! shown in minutes, and a reset forgets it all.

use super::*;

const BUSINESS_TOTP: &str = "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB";

async fn post_json(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    acting_as: Option<&str>,
    body: serde_json::Value,
) -> reqwest::Response {
    let mut request = client.post(url).bearer_auth(token).json(&body);
    if let Some(acting_as) = acting_as {
        request = request.header("X-Acting-As", acting_as);
    }
    request.send().await.unwrap()
}

async fn play(base: &str, client: &reqwest::Client, token: &str, scenario: &str) -> serde_json::Value {
    let url = format!("{base}{}", path::DEMO_SCENARIO_PLAY.replace("{id}", scenario));
    let answer = post_json(client, &url, token, None, serde_json::json!({})).await;
    assert_eq!(answer.status(), 201, "playing {scenario}");
    answer.json().await.unwrap()
}

async fn advance(base: &str, client: &reqwest::Client, token: &str, minutes: u32) -> serde_json::Value {
    let url = format!("{base}{}", path::DEMO_CLOCK);
    let answer = post_json(client, &url, token, None, serde_json::json!({ "minutes": minutes })).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

fn at(entry: &serde_json::Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(entry["at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap()
}

async fn a_scenario_plays_a_birth_registration_from_submission_to_the_returned_result(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let scenarios = get_json(&client, &format!("{base}{}", path::DEMO_SCENARIOS), &token, None).await;
    assert!(scenarios.as_array().unwrap().len() >= 5, "{scenarios}");

    let run = play(&base, &client, &token, "khai-sinh-tron-ven").await;
    assert_eq!(run["state"], "playing");
    assert_eq!(run["played"], 0);
    let code = run["code"].as_str().unwrap().to_owned();
    let dossier_url = format!("{base}{}", path::DOSSIER.replace("{code}", &code));
    assert_eq!(get_json(&client, &dossier_url, &token, None).await["summary"]["status"], "submitted");

    // Three virtual days cover the whole script, each step at its own time.
    let advanced = advance(&base, &client, &token, 3 * 24 * 60).await;
    assert_eq!(advanced["played"], 8, "{advanced}");
    assert!(advanced["clock"]["ahead_seconds"].as_i64().unwrap() >= 3 * 24 * 3600 - 5, "{advanced}");
    let detail = get_json(&client, &dossier_url, &token, None).await;
    assert_eq!(detail["summary"]["status"], "result_delivered", "{detail}");
    assert!(detail["receipt"].is_object(), "the fee was paid through the gateway: {detail}");
    assert_eq!(detail["payment"]["status"], "paid");
    assert!(detail["result"]["sha256"].is_string());
    let timeline = detail["timeline"].as_array().unwrap();
    let statuses: Vec<&str> = timeline.iter().map(|entry| entry["to"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        [
            "submitted",
            "accepted",
            "processing",
            "supplement_requested",
            "processing",
            "payment_requested",
            "processing",
            "result_ready",
            "result_delivered"
        ]
    );
    // Accepted 30 virtual minutes after submission, as scripted, not all at once.
    let waited = at(&timeline[1]) - at(&timeline[0]);
    assert!((29..=31).contains(&waited.whole_minutes()), "{waited}");
    assert!(at(&timeline[7]) - at(&timeline[6]) >= time::Duration::hours(23));

    let result = client.get(format!("{dossier_url}/result")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(result.status(), 200);
    assert!(result.bytes().await.unwrap().starts_with(b"%PDF-"));
    let runs = get_json(&client, &format!("{base}{}", path::DEMO_RUNS), &token, None).await;
    assert_eq!(runs[0]["state"], "finished", "{runs}");
    assert_eq!(runs[0]["played"], 8);
}

async fn a_scenario_that_stops_short_leaves_the_next_move_to_the_person_demonstrating(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let run = play(&base, &client, &token, "ho-chieu-cho-thanh-toan").await;
    let code = run["code"].as_str().unwrap();
    // Not yet due: nothing moves.
    assert_eq!(advance(&base, &client, &token, 5).await["played"], 0);
    assert_eq!(advance(&base, &client, &token, 24 * 60).await["played"], 3);
    let detail = get_json(&client, &format!("{base}{}", path::DOSSIER.replace("{code}", code)), &token, None).await;
    assert_eq!(detail["summary"]["status"], "payment_requested");
    assert_eq!(detail["payment"]["amount_vnd"], 180_000);
    // The citizen can pay it in the app: the payment starts like any other.
    let payment = client
        .post(format!("{base}{}", path::DOSSIER_PAYMENT.replace("{code}", code)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(payment.status(), 201);
}

async fn a_dossier_withdrawn_by_hand_stops_its_scenario_with_the_reason(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let run = play(&base, &client, &token, "tam-tru-tu-choi").await;
    let code = run["code"].as_str().unwrap();
    let withdraw = post_json(
        &client,
        &format!("{base}{}", path::DOSSIER_WITHDRAW.replace("{code}", code)),
        &token,
        None,
        serde_json::json!({ "reason": "Nộp nhầm" }),
    )
    .await;
    assert!(withdraw.status().is_success(), "{}", withdraw.status());
    assert_eq!(advance(&base, &client, &token, 60).await["played"], 0);
    let runs = get_json(&client, &format!("{base}{}", path::DEMO_RUNS), &token, None).await;
    assert_eq!(runs[0]["state"], "stopped", "{runs}");
    assert!(runs[0]["note"].as_str().unwrap().contains("not allowed"), "{runs}");
    let detail = get_json(&client, &format!("{base}{}", path::DOSSIER.replace("{code}", code)), &token, None).await;
    assert_eq!(detail["summary"]["status"], "withdrawn");
}

async fn scenarios_are_played_for_the_acting_profile_and_only_where_they_apply(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let business = access_token_for(&base, &client, ("business", BUSINESS_TOTP)).await;
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    // A birth registration is not an enterprise's procedure.
    let url = format!("{base}{}", path::DEMO_SCENARIO_PLAY.replace("{id}", "khai-sinh-tron-ven"));
    let refused = post_json(&client, &url, &business, Some("0100233488"), serde_json::json!({})).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);
    let unknown = format!("{base}{}", path::DEMO_SCENARIO_PLAY.replace("{id}", "no-such-scenario"));
    assert_eq!(post_json(&client, &unknown, &citizen, None, serde_json::json!({})).await.status(), 404);
    assert_eq!(client.post(&url).send().await.unwrap().status(), 401);

    // Runs are the acting profile's own.
    play(&base, &client, &citizen, "thuong-tru-qua-han").await;
    let theirs = get_json(&client, &format!("{base}{}", path::DEMO_RUNS), &business, None).await;
    assert_eq!(theirs, serde_json::json!([]));
    let mine = get_json(&client, &format!("{base}{}", path::DEMO_RUNS), &citizen, None).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
}

async fn moving_the_clock_on_makes_a_waiting_dossier_overdue(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let run = play(&base, &client, &token, "thuong-tru-qua-han").await;
    let dossier_url = format!("{base}{}", path::DOSSIER.replace("{code}", run["code"].as_str().unwrap()));
    advance(&base, &client, &token, 60).await;
    let clock = get_json(&client, &dossier_url, &token, None).await["clock"].clone();
    assert_eq!(clock["overdue"], false, "{clock}");
    // Two months on, any processing time of the catalogue has passed.
    advance(&base, &client, &token, 60 * 24 * 60).await;
    let clock = get_json(&client, &dossier_url, &token, None).await["clock"].clone();
    assert_eq!(clock["overdue"], true, "{clock}");
}

async fn a_reset_forgets_every_dossier_and_puts_the_clock_back(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    play(&base, &client, &token, "ly-lich-san-sang").await;
    advance(&base, &client, &token, 5 * 24 * 60).await;
    let reset = client.post(format!("{base}{}", path::DEMO_RESET)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(reset.status(), 204);
    assert_eq!(get_json(&client, &format!("{base}{}", path::DOSSIERS), &token, None).await, serde_json::json!([]));
    assert_eq!(get_json(&client, &format!("{base}{}", path::DEMO_RUNS), &token, None).await, serde_json::json!([]));
    let clock = get_json(&client, &format!("{base}{}", path::DEMO_CLOCK), &token, None).await;
    assert_eq!(clock["ahead_seconds"], 0, "{clock}");
    // The demo goes on: a new scenario files a new dossier.
    play(&base, &client, &token, "ly-lich-san-sang").await;
}

async fn the_simulator_does_not_exist_without_demo_mode(backend: Backend) {
    let test = spawn_portal(backend, false).await;
    let base = test.portal.url();
    for route in [path::DEMO_SCENARIOS, path::DEMO_CLOCK] {
        let answer = reqwest::get(format!("{base}{route}")).await.unwrap();
        assert_eq!(answer.status(), 404, "{route}");
    }
}

contract![
    a_scenario_plays_a_birth_registration_from_submission_to_the_returned_result,
    a_scenario_that_stops_short_leaves_the_next_move_to_the_person_demonstrating,
    a_dossier_withdrawn_by_hand_stops_its_scenario_with_the_reason,
    scenarios_are_played_for_the_acting_profile_and_only_where_they_apply,
    moving_the_clock_on_makes_a_waiting_dossier_overdue,
    a_reset_forgets_every_dossier_and_puts_the_clock_back,
    the_simulator_does_not_exist_without_demo_mode,
];
