//! The dossier after submission, through HTTP with real sign-ins: the
//! officer's moves judged by the lifecycle, the citizen's supplement, payment
//! through the simulated gateway's hosted page and its signed callback, the
//! result download, the rating, and the legal clock. Every test runs on
//! SQLite and PostgreSQL.

use super::*;

const OFFICER_TOTP: &str = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
const BUSINESS_TOTP: &str = "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB";

/// A portal with one submitted birth registration of the demo citizen.
struct Filed {
    test: TestPortal,
    backend: Backend,
    base: String,
    client: reqwest::Client,
    citizen: String,
    officer: String,
    code: String,
    scan: Vec<u8>,
}

impl Filed {
    async fn new(backend: Backend, client_id: &str) -> Self {
        let test = spawn_portal(backend, true).await;
        let base = test.portal.url();
        let client = no_redirects();
        let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
        let officer = access_token_for(&base, &client, ("officer", OFFICER_TOTP)).await;
        let scan = format!("%PDF-1.7 {client_id}").into_bytes();
        upload_whole(&base, &client, &citizen, &scan).await;
        let submitted = submit(&base, &client, &citizen, &birth_registration(client_id, &scan)).await;
        assert_eq!(submitted.status(), 201);
        let code = submitted.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_owned();
        Self { test, backend, base, client, citizen, officer, code, scan }
    }

    fn office_url(&self, tail: &str) -> String {
        format!("{}/api/v1/office/dossiers/{}{tail}", self.base, self.code)
    }

    fn dossier_url(&self, tail: &str) -> String {
        format!("{}/api/v1/dossiers/{}{tail}", self.base, self.code)
    }

    async fn officer_move(&self, body: serde_json::Value) -> reqwest::Response {
        self.client.post(self.office_url("/moves")).bearer_auth(&self.officer).json(&body).send().await.unwrap()
    }

    /// An officer move that must succeed, answering the dossier's new status.
    async fn moved(&self, body: serde_json::Value) -> String {
        let response = self.officer_move(body.clone()).await;
        assert_eq!(response.status(), 200, "{body}");
        response.json::<serde_json::Value>().await.unwrap()["status"].as_str().unwrap().to_owned()
    }

    async fn detail(&self) -> serde_json::Value {
        get_json(&self.client, &self.dossier_url(""), &self.citizen, None).await
    }

    async fn post_as(&self, token: &str, tail: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client.post(self.dossier_url(tail)).bearer_auth(token).json(body).send().await.unwrap()
    }

    async fn issue_result(&self, name: &str, content: &[u8]) -> reqwest::Response {
        self.client
            .post(self.office_url("/result"))
            .query(&[("name", name)])
            .bearer_auth(&self.officer)
            .header("Content-Type", "application/pdf")
            .body(content.to_vec())
            .send()
            .await
            .unwrap()
    }

    /// The corrected answers a citizen sends back for a supplement.
    fn supplement(&self, client_id: &str, child_name: &str) -> serde_json::Value {
        let filed = birth_registration("unused", &self.scan);
        let mut data = filed["data"].clone();
        data["child"]["full_name"] = child_name.into();
        serde_json::json!({"client_id": client_id, "data": data, "attachments": filed["attachments"]})
    }

    /// Accepted, processing, and asked to pay 8,000 đồng.
    async fn awaiting_payment(&self) {
        assert_eq!(self.moved(serde_json::json!({"move": "accept"})).await, "accepted");
        assert_eq!(self.moved(serde_json::json!({"move": "start_processing"})).await, "processing");
        let request =
            serde_json::json!({"move": "request_payment", "amount_vnd": 8000, "description": "Lệ phí <khai sinh>"});
        assert_eq!(self.moved(request).await, "payment_requested");
    }

    /// Starts paying, answering the hosted page's URL.
    async fn start_payment(&self) -> String {
        let started = self.post_as(&self.citizen, "/payment", &serde_json::json!({})).await;
        assert_eq!(started.status(), 201);
        let started: serde_json::Value = started.json().await.unwrap();
        let url = started["payment_url"].as_str().unwrap().to_owned();
        assert!(url.starts_with(&format!("{}/gateway/pay/", self.base)), "{url}");
        url
    }

    /// Opens the hosted page and presses `choice` like a browser, answering
    /// the return page the gateway redirects to.
    async fn press(&self, payment_url: &str, choice: &str) -> String {
        let page = self.client.get(payment_url).send().await.unwrap();
        let page = if page.status() == 200 {
            page.text().await.unwrap()
        } else {
            // A settled payment's page sends the browser straight back.
            assert_eq!(page.status(), 303);
            String::new()
        };
        let action = match page.find("<form method=\"post\" action=\"") {
            Some(start) => page[start + 28..].split('"').next().unwrap().to_owned(),
            None => payment_url.trim_start_matches(self.base.as_str()).to_owned(),
        };
        let chosen =
            self.client.post(format!("{}{action}", self.base)).form(&[("choice", choice)]).send().await.unwrap();
        assert_eq!(chosen.status(), 303);
        let location = chosen.headers()["location"].to_str().unwrap().to_owned();
        let back = self.client.get(format!("{}{location}", self.base)).send().await.unwrap();
        assert_eq!(back.status(), 200);
        back.text().await.unwrap()
    }

    /// The key the portal shares with its gateway, read from the database as
    /// a gateway's configuration would hold it.
    async fn gateway_secret(&self) -> Vec<u8> {
        let url = &self.test._database.url;
        let query = "SELECT secret FROM gateway_key WHERE id = 1";
        match self.backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(url).await.unwrap();
                sqlx::query_scalar(query).fetch_one(&pool).await.unwrap()
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query_scalar(query).fetch_one(&pool).await.unwrap()
            }
        }
    }
}

fn sign(secret: &[u8], body: &[u8]) -> String {
    use aws_lc_rs::hmac;
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), body);
    format!("sha256={}", tag.as_ref().iter().map(|b| format!("{b:02x}")).collect::<String>())
}

async fn a_dossier_goes_from_submission_to_a_rated_result(backend: Backend) {
    let filed = Filed::new(backend, "journey-1").await;
    let queue_url = format!("{}{}?status=submitted", filed.base, path::OFFICE_DOSSIERS);
    let queue = get_json(&filed.client, &queue_url, &filed.officer, None).await;
    assert_eq!(queue[0]["code"], filed.code.as_str(), "{queue}");
    let nothing_accepted = format!("{}{}?status=accepted", filed.base, path::OFFICE_DOSSIERS);
    assert_eq!(get_json(&filed.client, &nothing_accepted, &filed.officer, None).await, serde_json::json!([]));
    let unknown = format!("{}{}?status=lost", filed.base, path::OFFICE_DOSSIERS);
    let unknown = filed.client.get(unknown).bearer_auth(&filed.officer).send().await.unwrap();
    assert_eq!(unknown.status(), 400);
    assert_eq!(unknown.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::InvalidInput);

    assert_eq!(filed.moved(serde_json::json!({"move": "accept"})).await, "accepted");
    assert_eq!(filed.moved(serde_json::json!({"move": "start_processing"})).await, "processing");
    let request = serde_json::json!({
        "move": "request_supplement", "reason": "Họ tên của trẻ không khớp giấy chứng sinh",
        "fields": ["/child/full_name"], "documents": ["giay-chung-sinh"],
    });
    assert_eq!(filed.moved(request).await, "supplement_requested");
    let detail = filed.detail().await;
    assert_eq!(detail["supplement_request"]["fields"], serde_json::json!(["/child/full_name"]));

    // The supplement is judged like a submission, received once, and the
    // same id with other answers is a conflict.
    let mut invalid = filed.supplement("supp-0", "Nguyễn Minh Khang");
    invalid["data"]["mother"]["citizen_id"] = "12345".into();
    let refused = filed.post_as(&filed.citizen, "/supplement", &invalid).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().fields[0].pointer, "/mother/citizen_id");
    let answer = filed.supplement("supp-1", "Nguyễn Minh Khôi");
    let answered = filed.post_as(&filed.citizen, "/supplement", &answer).await;
    assert_eq!(answered.status(), 201);
    assert_eq!(answered.json::<serde_json::Value>().await.unwrap()["status"], "processing");
    let replayed = filed.post_as(&filed.citizen, "/supplement", &answer).await;
    assert_eq!(replayed.status(), 200);
    assert_eq!(replayed.json::<serde_json::Value>().await.unwrap()["status"], "processing");
    let changed = filed.post_as(&filed.citizen, "/supplement", &filed.supplement("supp-1", "Nguyễn Minh Kha")).await;
    assert_eq!(changed.status(), 422);
    assert_eq!(changed.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Conflict);
    let detail = filed.detail().await;
    assert_eq!(detail["data"]["child"]["full_name"], "Nguyễn Minh Khôi");
    assert_eq!(detail["supplement_request"], serde_json::Value::Null);

    // Payment through the gateway's hosted page, as a browser would.
    let request =
        serde_json::json!({"move": "request_payment", "amount_vnd": 8000, "description": "Lệ phí <khai sinh>"});
    assert_eq!(filed.moved(request).await, "payment_requested");
    let detail = filed.detail().await;
    assert_eq!(
        detail["payment"],
        serde_json::json!({"amount_vnd": 8000, "description": "Lệ phí <khai sinh>", "status": "unpaid"})
    );
    let payment_url = filed.start_payment().await;
    assert_eq!(filed.detail().await["payment"]["status"], "awaiting_payment");
    let page = filed.client.get(&payment_url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("8.000 ₫") && page.contains("Lệ phí &lt;khai sinh&gt;"), "{page}");
    let back = filed.press(&payment_url, "pay").await;
    assert!(back.contains("data-status=\"paid\""), "{back}");
    let detail = filed.detail().await;
    assert_eq!(detail["summary"]["status"], "processing");
    assert_eq!(detail["payment"]["status"], "paid");
    assert_eq!(detail["receipt"]["amount_vnd"], 8000);
    assert!(payment_url.ends_with(detail["receipt"]["payment_id"].as_str().unwrap()));
    assert!(detail["receipt"]["reference"].as_str().unwrap().starts_with("GW-"));
    // A reloaded gateway form changes nothing.
    let events = detail["timeline"].as_array().unwrap().len();
    filed.press(&payment_url, "pay").await;
    assert_eq!(filed.detail().await["timeline"].as_array().unwrap().len(), events);

    // The result, issued by the officer and downloaded by its owner.
    let result = b"%PDF-1.7 Trich luc khai sinh".to_vec();
    let issued = filed.issue_result("Trích lục khai sinh.pdf", &result).await;
    assert_eq!(issued.status(), 200);
    assert_eq!(issued.json::<serde_json::Value>().await.unwrap()["status"], "result_ready");
    let detail = filed.detail().await;
    assert_eq!(detail["result"]["sha256"], sha256_hex(&result).as_str());
    assert_eq!(detail["result"]["bytes"], result.len());
    let download = filed.client.get(filed.dossier_url("/result")).bearer_auth(&filed.citizen).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment;") && disposition.contains("Tr%C3%ADch"), "{disposition}");
    let etag = download.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", sha256_hex(&result)));
    assert_eq!(sha256_hex(&download.bytes().await.unwrap()), sha256_hex(&result));
    let unchanged = filed
        .client
        .get(filed.dossier_url("/result"))
        .bearer_auth(&filed.citizen)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), 304);

    // Rated once, only after the result was returned.
    let rating = serde_json::json!({"score": 5, "comment": "Nhanh và rõ ràng"});
    assert_eq!(filed.post_as(&filed.citizen, "/rating", &rating).await.status(), 409);
    assert_eq!(filed.moved(serde_json::json!({"move": "return_result"})).await, "result_delivered");
    let too_long = serde_json::json!({"score": 4, "comment": "x".repeat(1001)});
    assert_eq!(filed.post_as(&filed.citizen, "/rating", &too_long).await.status(), 422);
    assert_eq!(filed.post_as(&filed.citizen, "/rating", &serde_json::json!({"score": 0})).await.status(), 422);
    assert_eq!(filed.post_as(&filed.citizen, "/rating", &rating).await.status(), 201);
    assert_eq!(filed.post_as(&filed.citizen, "/rating", &rating).await.status(), 409);
    let detail = filed.detail().await;
    assert_eq!(detail["rating"], rating);

    // Every move reached the owner's changes feed, and so did starting the payment.
    let feed = get_json(&filed.client, &format!("{}{}", filed.base, path::DOSSIER_CHANGES), &filed.citizen, None).await;
    let changes = feed["changes"].as_array().unwrap().len();
    assert_eq!(changes, detail["timeline"].as_array().unwrap().len() + 1, "{feed}");
    let moves: Vec<&str> =
        detail["timeline"].as_array().unwrap().iter().map(|event| event["to"].as_str().unwrap()).collect();
    assert_eq!(
        moves,
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
}

async fn another_profile_cannot_see_or_download_the_result(backend: Backend) {
    let filed = Filed::new(backend, "private-1").await;
    let business = access_token_for(&filed.base, &filed.client, ("business", BUSINESS_TOTP)).await;
    assert_eq!(filed.moved(serde_json::json!({"move": "accept"})).await, "accepted");
    assert_eq!(filed.moved(serde_json::json!({"move": "start_processing"})).await, "processing");
    let too_large = filed.issue_result("ket-qua.pdf", &vec![b'%'; 20 * 1024 * 1024 + 1]).await;
    assert_eq!(too_large.status(), 413);
    assert_eq!(too_large.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::TooLarge);
    // Larger than any JSON body: results have their own limit.
    let result: Vec<u8> = (0..2 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(filed.issue_result("ket-qua.pdf", &result).await.status(), 200);
    for (token, acting_as) in [(&business, "myself"), (&business, "0100233488"), (&filed.officer, "myself")] {
        let download = filed
            .client
            .get(filed.dossier_url("/result"))
            .bearer_auth(token)
            .header("X-Acting-As", acting_as)
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), 404, "acting as {acting_as}");
        let feed_url = format!("{}{}", filed.base, path::DOSSIER_CHANGES);
        let feed = get_json(&filed.client, &feed_url, token, Some(acting_as)).await;
        assert_eq!(feed["changes"], serde_json::json!([]), "acting as {acting_as}");
    }
    let owner = filed.client.get(filed.dossier_url("/result")).bearer_auth(&filed.citizen).send().await.unwrap();
    assert_eq!(owner.status(), 200);
    assert_eq!(sha256_hex(&owner.bytes().await.unwrap()), sha256_hex(&result));
}

async fn a_citizen_cannot_use_the_officer_routes(backend: Backend) {
    let filed = Filed::new(backend, "not-an-officer").await;
    let queue = format!("{}{}", filed.base, path::OFFICE_DOSSIERS);
    let as_citizen = filed.client.get(&queue).bearer_auth(&filed.citizen).send().await.unwrap();
    assert_eq!(as_citizen.status(), 403);
    assert_eq!(as_citizen.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Forbidden);
    assert_eq!(filed.client.get(&queue).send().await.unwrap().status(), 401);
    let accept = filed
        .client
        .post(filed.office_url("/moves"))
        .bearer_auth(&filed.citizen)
        .json(&serde_json::json!({"move": "accept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(accept.status(), 403);
    let read = filed.client.get(filed.office_url("")).bearer_auth(&filed.citizen).send().await.unwrap();
    assert_eq!(read.status(), 403);
    let result = filed
        .client
        .post(filed.office_url("/result"))
        .query(&[("name", "forged.pdf")])
        .bearer_auth(&filed.citizen)
        .header("Content-Type", "application/pdf")
        .body(b"%PDF forged".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(result.status(), 403);
    assert_eq!(filed.detail().await["summary"]["status"], "submitted");

    // An officer acting on a dossier that does not exist is told so.
    let missing = filed
        .client
        .post(format!("{}/api/v1/office/dossiers/000.00.00.X01-260101-99999999/moves", filed.base))
        .bearer_auth(&filed.officer)
        .json(&serde_json::json!({"move": "accept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::NotFound);
    let officer_view = get_json(&filed.client, &filed.office_url(""), &filed.officer, None).await;
    assert_eq!(officer_view["summary"]["code"], filed.code.as_str());
}

async fn a_move_the_lifecycle_does_not_allow_answers_409_and_changes_nothing(backend: Backend) {
    let filed = Filed::new(backend, "too-early").await;
    let before = filed.detail().await;
    for body in [
        serde_json::json!({"move": "return_result"}),
        serde_json::json!({"move": "start_processing"}),
        serde_json::json!({"move": "request_payment", "amount_vnd": 1000, "description": "Phí"}),
        serde_json::json!({"move": "decide_withdrawal", "grant": false}),
    ] {
        let refused = filed.officer_move(body.clone()).await;
        assert_eq!(refused.status(), 409, "{body}");
        assert_eq!(refused.json::<ErrorEnvelope>().await.unwrap().kind, ErrorKind::Conflict);
    }
    assert_eq!(filed.issue_result("ket-qua.pdf", b"%PDF too early").await.status(), 409);
    // Nor can the citizen act out of turn.
    assert_eq!(filed.post_as(&filed.citizen, "/supplement", &filed.supplement("s-1", "Khang")).await.status(), 409);
    assert_eq!(filed.post_as(&filed.citizen, "/payment", &serde_json::json!({})).await.status(), 409);
    assert_eq!(filed.detail().await, before);
    let download = filed.client.get(filed.dossier_url("/result")).bearer_auth(&filed.citizen).send().await.unwrap();
    assert_eq!(download.status(), 404);
}

async fn a_forged_or_tampered_payment_callback_is_refused(backend: Backend) {
    let filed = Filed::new(backend, "forged-1").await;
    filed.awaiting_payment().await;
    let payment_url = filed.start_payment().await;
    let payment_id = payment_url.rsplit('/').next().unwrap();
    let callback = format!("{}{}", filed.base, path::PAYMENT_CALLBACK);
    let body =
        serde_json::json!({"payment_id": payment_id, "outcome": "paid", "amount_vnd": 8000, "reference": "GW-X"})
            .to_string();
    let send = |body: String, signature: Option<String>| {
        let mut request = filed.client.post(&callback).header("Content-Type", "application/json").body(body);
        if let Some(signature) = signature {
            request = request.header("X-Gateway-Signature", signature);
        }
        request.send()
    };
    assert_eq!(send(body.clone(), None).await.unwrap().status(), 401);
    let made_up = sign(b"a key the forger made up for this", body.as_bytes());
    assert_eq!(send(body.clone(), Some(made_up)).await.unwrap().status(), 401);
    let secret = filed.gateway_secret().await;
    let signed = sign(&secret, body.as_bytes());
    let tampered = body.replace("8000", "1");
    assert_eq!(send(tampered, Some(signed.clone())).await.unwrap().status(), 401);
    assert_eq!(filed.detail().await["summary"]["status"], "payment_requested");

    // A genuine notification for the wrong amount is refused too; the right
    // one is recorded once, however often it arrives.
    let short = body.replace("8000", "7000");
    assert_eq!(send(short.clone(), Some(sign(&secret, short.as_bytes()))).await.unwrap().status(), 409);
    assert_eq!(send(body.clone(), Some(signed.clone())).await.unwrap().status(), 204);
    assert_eq!(send(body.clone(), Some(signed)).await.unwrap().status(), 204);
    let detail = filed.detail().await;
    assert_eq!(detail["summary"]["status"], "processing");
    assert_eq!(detail["receipt"]["reference"], "GW-X");
    let timeline = detail["timeline"].as_array().unwrap();
    assert_eq!(timeline.iter().filter(|event| event["from"] == "payment_requested").count(), 1);
}

async fn a_cancelled_payment_leaves_the_fee_due_and_can_be_retried(backend: Backend) {
    let filed = Filed::new(backend, "cancel-1").await;
    filed.awaiting_payment().await;
    let first = filed.start_payment().await;
    let back = filed.press(&first, "cancel").await;
    assert!(back.contains("data-status=\"cancelled\""), "{back}");
    let detail = filed.detail().await;
    assert_eq!(detail["summary"]["status"], "payment_requested");
    assert_eq!(detail["payment"]["status"], "cancelled");
    assert_eq!(detail["receipt"], serde_json::Value::Null);
    // The app learns of the cancelled payment from the changes feed, although the status stayed.
    let feed = get_json(&filed.client, &format!("{}{}", filed.base, path::DOSSIER_CHANGES), &filed.citizen, None).await;
    let changes = feed["changes"].as_array().unwrap().len();
    assert_eq!(changes, detail["timeline"].as_array().unwrap().len() + 2, "started and cancelled: {feed}");
    let second = filed.start_payment().await;
    assert_ne!(first, second);
    filed.press(&second, "pay").await;
    assert_eq!(filed.detail().await["summary"]["status"], "processing");
}

async fn the_legal_clock_runs_from_acceptance_and_pauses_for_a_supplement(backend: Backend) {
    let filed = Filed::new(backend, "clock-1").await;
    let detail = filed.detail().await;
    assert_eq!(detail["clock"], serde_json::Value::Null);
    assert_eq!(detail["summary"]["due_on"], serde_json::Value::Null);

    assert_eq!(filed.moved(serde_json::json!({"move": "accept"})).await, "accepted");
    let detail = filed.detail().await;
    let clock = &detail["clock"];
    let accepted_on: time::Date = serde_json::from_value(clock["accepted_on"].clone()).unwrap();
    let due_on: time::Date = serde_json::from_value(clock["due_on"].clone()).unwrap();
    let today = hoso_domain::dossier::vietnam_date(time::OffsetDateTime::now_utc());
    // Acceptance happened moments ago; midnight in Hà Nội may have passed since.
    assert!(accepted_on == today || accepted_on.next_day() == Some(today), "{clock}");
    assert!(due_on > accepted_on, "{clock}");
    assert_eq!((clock["processing_days"].as_u64(), clock["paused"].as_bool()), (Some(1), Some(false)));
    assert_eq!(detail["summary"]["due_on"], clock["due_on"]);
    let listed = get_json(&filed.client, &format!("{}{}", filed.base, path::DOSSIERS), &filed.citizen, None).await;
    assert_eq!(listed[0]["due_on"], clock["due_on"]);

    assert_eq!(filed.moved(serde_json::json!({"move": "start_processing"})).await, "processing");
    let request = serde_json::json!({"move": "request_supplement", "reason": "Bản chụp mờ"});
    assert_eq!(filed.moved(request).await, "supplement_requested");
    let paused = filed.detail().await["clock"].clone();
    assert_eq!(paused["paused"], true, "{paused}");
    let paused_due: time::Date = serde_json::from_value(paused["due_on"].clone()).unwrap();
    assert!(paused_due >= due_on, "{paused}");

    let answered = filed.post_as(&filed.citizen, "/supplement", &filed.supplement("s-1", "Nguyễn Minh Khang")).await;
    assert_eq!(answered.status(), 201);
    assert_eq!(filed.detail().await["clock"]["paused"], false);
}

async fn an_officer_decides_a_withdrawal_request(backend: Backend) {
    let filed = Filed::new(backend, "withdraw-1").await;
    filed.awaiting_payment().await;
    let ask = serde_json::json!({"reason": "Không cần nữa"});
    let asked = filed.post_as(&filed.citizen, "/withdraw", &ask).await;
    assert_eq!(asked.json::<serde_json::Value>().await.unwrap()["status"], "withdrawal_requested");
    // Refused: back to waiting for the payment, as before the request.
    let refused = serde_json::json!({"move": "decide_withdrawal", "grant": false, "note": "Đã xử lý gần xong"});
    assert_eq!(filed.moved(refused).await, "payment_requested");
    assert_eq!(filed.post_as(&filed.citizen, "/withdraw", &ask).await.status(), 200);
    assert_eq!(filed.moved(serde_json::json!({"move": "decide_withdrawal", "grant": true})).await, "stopped");
    assert_eq!(filed.officer_move(serde_json::json!({"move": "accept"})).await.status(), 409);
}

contract![
    a_dossier_goes_from_submission_to_a_rated_result,
    another_profile_cannot_see_or_download_the_result,
    a_citizen_cannot_use_the_officer_routes,
    a_move_the_lifecycle_does_not_allow_answers_409_and_changes_nothing,
    a_forged_or_tampered_payment_callback_is_refused,
    a_cancelled_payment_leaves_the_fee_due_and_can_be_retried,
    the_legal_clock_runs_from_acceptance_and_pauses_for_a_supplement,
    an_officer_decides_a_withdrawal_request,
];
