//! The back office's HTML pages, driven like a browser (a client that keeps
//! cookies and shows redirects): an officer signs in through the form, finds
//! a dossier a citizen submitted through the API, and moves it on through the
//! page's forms, each carrying the session's CSRF token read from the page.
//! Every test runs on SQLite and PostgreSQL.

use super::*;

const OFFICER_TOTP: &str = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";

/// A one-time code for the step after the current one, which the portal
/// still accepts: a second sign-in within one 30-second step needs it,
/// since each code works once.
fn next_code(secret: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    hoso_portal::oidc::credentials::OneTimeCodes::from_base32(secret).unwrap().code_at(now + 30)
}

/// A browser: keeps cookies, shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The CSRF token of a signed-in page's forms.
fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a CSRF field on the page") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// A portal with one birth registration the demo citizen submitted through
/// the API, and a browser not yet signed in.
struct Desk {
    _test: TestPortal,
    base: String,
    api: reqwest::Client,
    citizen: String,
    browser: reqwest::Client,
    code: String,
    scan: Vec<u8>,
}

impl Desk {
    async fn new(backend: Backend, client_id: &str) -> Self {
        Self::with_answers(backend, client_id, |_| {}).await
    }

    async fn with_answers(backend: Backend, client_id: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Self {
        let test = spawn_portal(backend, true).await;
        let base = test.portal.url();
        let api = no_redirects();
        let citizen = access_token_for(&base, &api, ("citizen", CITIZEN_TOTP)).await;
        let scan = format!("%PDF-1.7 {client_id}").into_bytes();
        upload_whole(&base, &api, &citizen, &scan).await;
        let mut body = birth_registration(client_id, &scan);
        edit(&mut body["data"]);
        let submitted = submit(&base, &api, &citizen, &body).await;
        assert_eq!(submitted.status(), 201);
        let code = submitted.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_owned();
        Self { _test: test, base, api, citizen, browser: browser(), code, scan }
    }

    async fn sign_in_as(&self, browser: &reqwest::Client, username: &str, code: &str) -> reqwest::Response {
        browser
            .post(format!("{}/office/sign-in", self.base))
            .form(&[("username", username), ("password", "hoso-demo-2026"), ("code", code)])
            .send()
            .await
            .unwrap()
    }

    /// Signs the desk's browser in as the demo officer; answers the cookie set.
    async fn sign_in(&self) -> String {
        let signed_in = self.sign_in_as(&self.browser, "officer", &current_code(OFFICER_TOTP)).await;
        assert_eq!(signed_in.status(), 303);
        assert_eq!(signed_in.headers()["location"], "/office");
        signed_in.headers()["set-cookie"].to_str().unwrap().to_owned()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.browser.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    /// A page that must be shown, as text.
    async fn page(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        page.text().await.unwrap()
    }

    fn dossier_page(&self) -> String {
        format!("/office/dossiers/{}", self.code)
    }

    /// Posts a decision form as the page would, with `csrf`.
    async fn post_move(&self, csrf: Option<&str>, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = csrf.map(|csrf| ("csrf", csrf)).into_iter().collect();
        form.extend_from_slice(fields);
        let url = format!("{}{}/moves", self.base, self.dossier_page());
        self.browser.post(url).form(&form).send().await.unwrap()
    }

    /// Takes a decision from the dossier page; answers the page shown after
    /// the redirect.
    async fn decide(&self, fields: &[(&str, &str)]) -> String {
        let csrf = csrf_of(&self.page(&self.dossier_page()).await);
        let posted = self.post_move(Some(&csrf), fields).await;
        assert_eq!(posted.status(), 303, "{fields:?}");
        let location = posted.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&self.dossier_page()), "{location}");
        self.page(&location).await
    }

    async fn upload_result(&self, csrf: Option<&str>, name: &str, content: &[u8]) -> reqwest::Response {
        self.upload_typed(csrf, name, "application/pdf", content).await
    }

    async fn upload_typed(
        &self,
        csrf: Option<&str>,
        name: &str,
        media_type: &str,
        content: &[u8],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new();
        if let Some(csrf) = csrf {
            form = form.text("csrf", csrf.to_owned());
        }
        let file = reqwest::multipart::Part::bytes(content.to_vec()).file_name(name.to_owned());
        form = form.part("file", file.mime_str(media_type).unwrap());
        let url = format!("{}{}/result", self.base, self.dossier_page());
        self.browser.post(url).multipart(form).send().await.unwrap()
    }

    /// The dossier as its owner reads it through the API.
    async fn detail(&self) -> serde_json::Value {
        get_json(&self.api, &format!("{}/api/v1/dossiers/{}", self.base, self.code), &self.citizen, None).await
    }
}

/// The status the dossier page shows.
fn shown_status(page: &str) -> &str {
    let marker = "id=\"status\" data-status=\"";
    let start = page.find(marker).expect("a status on the page") + marker.len();
    page[start..].split('"').next().unwrap()
}

fn offers(page: &str, decision: &str) -> bool {
    page.contains(&format!("data-decision=\"{decision}\""))
}

async fn an_officer_signs_in_and_moves_a_dossier_through_intake_supplement_and_payment(backend: Backend) {
    let desk = Desk::new(backend, "desk-1").await;
    let cookie = desk.sign_in().await;
    assert!(cookie.starts_with("hoso_office="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/office", "Max-Age=28800"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    // Plain http on loopback: a Secure cookie would never come back.
    assert!(!cookie.contains("Secure"), "{cookie}");

    let queue = desk.get("/office").await;
    assert_eq!(queue.status(), 200);
    let csp = queue.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("form-action 'self'"), "{csp}");
    let queue = queue.text().await.unwrap();
    assert!(queue.contains(&format!("<a href=\"/office/dossiers/{code}\">{code}</a>", code = desk.code)), "{queue}");
    let accepted_only = desk.page("/office?status=accepted").await;
    assert!(!accepted_only.contains(&desk.code) && accepted_only.contains("id=\"empty\""), "{accepted_only}");

    // The forms offered are the lifecycle's moves from "submitted".
    let page = desk.page(&desk.dossier_page()).await;
    assert_eq!(shown_status(&page), "submitted");
    assert!(offers(&page, "accept") && offers(&page, "refuse"), "{page}");
    assert!(!offers(&page, "issue_result") && !offers(&page, "request_payment"), "{page}");
    assert!(page.contains("Nguyễn Minh Khang"), "the answers are listed: {page}");
    assert!(page.contains("giay-chung-sinh.pdf"), "the attachments are listed: {page}");

    let page = desk.decide(&[("move", "accept")]).await;
    assert!(page.contains("id=\"flash\" data-kind=\"done\""), "{page}");
    assert_eq!(shown_status(&page), "accepted");
    assert!(page.contains("id=\"clock\"") && page.contains("Hạn trả kết quả"), "the legal clock runs: {page}");
    assert_eq!(desk.detail().await["summary"]["status"], "accepted");
    assert!(offers(&page, "start_processing") && !offers(&page, "accept"), "{page}");

    let page = desk.decide(&[("move", "start_processing")]).await;
    assert_eq!(shown_status(&page), "processing");
    assert!(offers(&page, "request_supplement") && offers(&page, "issue_result"), "{page}");
    let page = desk
        .decide(&[
            ("move", "request_supplement"),
            ("reason", "Họ tên của trẻ không khớp giấy chứng sinh"),
            ("fields", "/child/full_name\r\n"),
            ("documents", "giay-chung-sinh"),
        ])
        .await;
    assert_eq!(shown_status(&page), "supplement_requested");
    assert!(page.contains("data-clock=\"paused\""), "{page}");
    let detail = desk.detail().await;
    assert_eq!(detail["supplement_request"]["fields"], serde_json::json!(["/child/full_name"]));
    assert_eq!(detail["supplement_request"]["documents"], serde_json::json!(["giay-chung-sinh"]));

    // The citizen answers through the API; the page shows the dossier back in processing.
    let filed = birth_registration("unused", &desk.scan);
    let mut data = filed["data"].clone();
    data["child"]["full_name"] = "Nguyễn Minh Khôi".into();
    let answer = serde_json::json!({"client_id": "supp-1", "data": data, "attachments": filed["attachments"]});
    let answered = desk
        .api
        .post(format!("{}/api/v1/dossiers/{}/supplement", desk.base, desk.code))
        .bearer_auth(&desk.citizen)
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 201);
    let page = desk.page(&desk.dossier_page()).await;
    assert_eq!(shown_status(&page), "processing");
    assert!(page.contains("Nguyễn Minh Khôi"), "{page}");

    let page =
        desk.decide(&[("move", "request_payment"), ("amount_vnd", "8.000"), ("description", "Lệ phí khai sinh")]).await;
    assert_eq!(shown_status(&page), "payment_requested");
    assert!(page.contains("8.000 ₫"), "{page}");
    let detail = desk.detail().await;
    assert_eq!(detail["summary"]["status"], "payment_requested");
    assert_eq!(
        detail["payment"],
        serde_json::json!({"amount_vnd": 8000, "description": "Lệ phí khai sinh", "status": "unpaid"})
    );
    // Waiting for the citizen's payment, an officer has nothing to decide.
    assert!(page.contains("id=\"no-decision\""), "{page}");
}

async fn an_officer_issues_the_result_through_the_upload_form_and_the_citizen_downloads_it(backend: Backend) {
    let desk = Desk::new(backend, "desk-result").await;
    desk.sign_in().await;
    desk.decide(&[("move", "accept")]).await;
    desk.decide(&[("move", "start_processing")]).await;

    let csrf = csrf_of(&desk.page(&desk.dossier_page()).await);
    let result: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let issued = desk.upload_result(Some(&csrf), "Trích lục khai sinh.pdf", &result).await;
    assert_eq!(issued.status(), 303);
    let location = issued.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{}?msg=result_issued", desk.dossier_page()));
    let page = desk.page(&location).await;
    assert_eq!(shown_status(&page), "result_ready");
    assert!(page.contains("Trích lục khai sinh.pdf") && page.contains(&sha256_hex(&result)), "{page}");
    assert!(offers(&page, "return_result") && !offers(&page, "issue_result"), "{page}");

    let download = desk
        .api
        .get(format!("{}/api/v1/dossiers/{}/result", desk.base, desk.code))
        .bearer_auth(&desk.citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.bytes().await.unwrap().to_vec(), result);

    let page = desk.decide(&[("move", "return_result")]).await;
    assert_eq!(shown_status(&page), "result_delivered");
    assert_eq!(desk.detail().await["summary"]["status"], "result_delivered");
}

async fn a_post_without_the_sessions_csrf_token_is_refused_and_changes_nothing(backend: Backend) {
    let desk = Desk::new(backend, "desk-csrf").await;
    desk.sign_in().await;
    let csrf = csrf_of(&desk.page(&desk.dossier_page()).await);
    let before = desk.detail().await;

    // Another officer session's token is as wrong as a made-up one.
    let other = browser();
    let signed_in = desk.sign_in_as(&other, "officer", &next_code(OFFICER_TOTP)).await;
    assert_eq!(signed_in.status(), 303);
    let page = other.get(format!("{}{}", desk.base, desk.dossier_page())).send().await.unwrap();
    let other_csrf = csrf_of(&page.text().await.unwrap());
    assert_ne!(other_csrf, csrf);

    for token in [None, Some(""), Some("0123456789abcdef"), Some(other_csrf.as_str()), Some(&csrf[1..])] {
        let refused = desk.post_move(token, &[("move", "accept")]).await;
        assert_eq!(refused.status(), 403, "{token:?}");
        assert!(refused.text().await.unwrap().contains("nothing was changed"));
        let upload = desk.upload_result(token, "ket-qua.pdf", b"%PDF forged").await;
        assert_eq!(upload.status(), 403, "{token:?}");
    }
    // A body that is not a form carries no token either.
    let url = format!("{}{}/moves", desk.base, desk.dossier_page());
    let json = desk.browser.post(url).json(&serde_json::json!({"move": "accept", "csrf": csrf})).send().await.unwrap();
    assert_eq!(json.status(), 403);
    let sign_out = desk.browser.post(format!("{}/office/sign-out", desk.base)).form(&[("csrf", "")]).send().await;
    assert_eq!(sign_out.unwrap().status(), 403);
    assert_eq!(desk.detail().await, before);

    // The session still works, and the right token still does.
    let page = desk.decide(&[("move", "accept")]).await;
    assert_eq!(shown_status(&page), "accepted");
}

async fn a_citizen_cannot_sign_in_to_the_office(backend: Backend) {
    let desk = Desk::new(backend, "desk-citizen").await;
    let citizen = browser();
    let refused = desk.sign_in_as(&citizen, "citizen", &next_code(CITIZEN_TOTP)).await;
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().get("set-cookie").is_none());
    let as_citizen = refused.text().await.unwrap();
    let wrong_password = citizen
        .post(format!("{}/office/sign-in", desk.base))
        .form(&[("username", "officer"), ("password", "guess"), ("code", "123456")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_password.status(), 401);
    // Told exactly what a wrong password is told, so the form does not reveal who is an officer.
    let marker = "id=\"error\">";
    let message = |page: &str| page[page.find(marker).unwrap()..].split('<').next().unwrap().to_owned();
    assert_eq!(message(&as_citizen), message(&wrong_password.text().await.unwrap()));
    assert!(as_citizen.contains("The user name, password or code is wrong."), "{as_citizen}");
    let queue = citizen.get(format!("{}/office", desk.base)).send().await.unwrap();
    assert_eq!(queue.status(), 303);
    assert_eq!(queue.headers()["location"], "/office/sign-in");

    // Nor can another site sign a browser in, even with an officer's credentials.
    let cross_site = citizen
        .post(format!("{}/office/sign-in", desk.base))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("username", "officer"), ("password", "hoso-demo-2026"), ("code", &current_code(OFFICER_TOTP))])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert!(cross_site.headers().get("set-cookie").is_none());
}

async fn pages_without_a_session_send_the_browser_to_sign_in(backend: Backend) {
    let desk = Desk::new(backend, "desk-anonymous").await;
    for path in ["/office".to_owned(), "/office?status=submitted".to_owned(), desk.dossier_page()] {
        let page = desk.get(&path).await;
        assert_eq!(page.status(), 303, "{path}");
        assert_eq!(page.headers()["location"], "/office/sign-in", "{path}");
    }
    let posted = desk.post_move(Some("anything"), &[("move", "accept")]).await;
    assert_eq!(posted.status(), 303);
    assert_eq!(posted.headers()["location"], "/office/sign-in");
    let form = desk.page("/office/sign-in").await;
    assert!(form.contains("action=\"/office/sign-in\"") && form.contains("name=\"code\""), "{form}");

    // Signing out ends the session in the database: the old cookie opens nothing.
    let cookie = desk.sign_in().await;
    let token = cookie.split(';').next().unwrap().to_owned();
    let csrf = csrf_of(&desk.page("/office").await);
    let signed_out = desk.browser.post(format!("{}/office/sign-out", desk.base)).form(&[("csrf", &csrf)]).send().await;
    let signed_out = signed_out.unwrap();
    assert_eq!(signed_out.status(), 303);
    assert_eq!(signed_out.headers()["location"], "/office/sign-in?msg=signed_out");
    assert!(signed_out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let replayed = no_redirects().get(format!("{}/office", desk.base)).header("Cookie", token).send().await.unwrap();
    assert_eq!(replayed.status(), 303);
    assert_eq!(replayed.headers()["location"], "/office/sign-in");
    let page = desk.page("/office/sign-in?msg=signed_out").await;
    assert!(page.contains("Signed out."), "{page}");
}

async fn a_session_opened_on_one_portal_works_on_another_on_the_same_database(backend: Backend) {
    let desk = Desk::new(backend, "desk-shared").await;
    desk.sign_in().await;
    let other = start_on(&desk._test._database, true).await;
    // Cookies are not kept apart by port, so the browser presents the same session to both.
    let queue = desk.browser.get(format!("{}/office", other.url())).send().await.unwrap();
    assert_eq!(queue.status(), 200);
    let queue = queue.text().await.unwrap();
    assert!(queue.contains(&desk.code), "{queue}");
    let signed_out =
        desk.browser.post(format!("{}/office/sign-out", other.url())).form(&[("csrf", csrf_of(&queue))]).send().await;
    assert_eq!(signed_out.unwrap().status(), 303);
    let first = desk.get("/office").await;
    assert_eq!(first.status(), 303, "signed out on the other portal, signed out here");
    other.shutdown().await.unwrap();
}

async fn a_move_the_lifecycle_does_not_allow_shows_the_refusal_and_changes_nothing(backend: Backend) {
    let desk = Desk::new(backend, "desk-stale").await;
    desk.sign_in().await;
    let stale = csrf_of(&desk.page(&desk.dossier_page()).await);
    desk.decide(&[("move", "accept")]).await;
    let before = desk.detail().await;
    // A second officer pressing "accept" on a page opened before the first one did.
    for fields in [
        &[("move", "accept")][..],
        &[("move", "return_result")][..],
        &[("move", "refuse"), ("reason", "Thiếu giấy tờ")][..],
    ] {
        let refused = desk.post_move(Some(&stale), fields).await;
        assert_eq!(refused.status(), 303);
        let location = refused.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, format!("{}?msg=not_allowed", desk.dossier_page()));
        let page = desk.page(&location).await;
        assert!(page.contains("id=\"flash\" data-kind=\"refused\""), "{page}");
        assert!(page.contains("not allowed from the dossier&#39;s current status"), "{page}");
        assert_eq!(shown_status(&page), "accepted");
    }
    // Input the officer API refuses is reported too, and nothing moves.
    desk.decide(&[("move", "start_processing")]).await;
    let before_payment = desk.detail().await;
    for fields in [
        &[("move", "request_payment"), ("amount_vnd", "0"), ("description", "Phí")][..],
        &[("move", "request_payment"), ("amount_vnd", "miễn phí"), ("description", "Phí")][..],
        &[("move", "stop"), ("reason", "   ")][..],
    ] {
        let page = desk.decide(fields).await;
        assert!(page.contains("id=\"flash\" data-kind=\"refused\""), "{fields:?}: {page}");
        assert_eq!(shown_status(&page), "processing");
    }
    // A result that is not of a type agencies issue is refused the same way.
    let csrf = csrf_of(&desk.page(&desk.dossier_page()).await);
    let text = desk.upload_typed(Some(&csrf), "ket-qua.txt", "text/plain", b"not a result").await;
    assert_eq!(text.headers()["location"].to_str().unwrap(), format!("{}?msg=media_type", desk.dossier_page()));
    let page = desk.page(&format!("{}?msg=media_type", desk.dossier_page())).await;
    assert!(page.contains("PDF, PNG, JPEG or XML"), "{page}");
    assert_eq!(desk.detail().await, before_payment);
    assert_ne!(before, before_payment);
}

async fn hostile_answers_are_escaped_on_the_dossier_page(backend: Backend) {
    let hostile = "<script>alert('hồ sơ')</script>";
    let desk =
        Desk::with_answers(backend, "desk-hostile", |data| data["child"]["place_of_birth"] = hostile.into()).await;
    desk.sign_in().await;
    let page = desk.page(&desk.dossier_page()).await;
    assert!(!page.contains("<script"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(&#39;hồ sơ&#39;)&lt;/script&gt;"), "{page}");
    assert!(page.contains("child.place_of_birth"), "{page}");
    // A crafted message parameter puts no words of its own on the page.
    let crafted = desk.page(&format!("{}?msg=%3Cscript%3E", desk.dossier_page())).await;
    assert!(!crafted.contains("<script") && !crafted.contains("id=\"flash\""), "{crafted}");
}

contract![
    an_officer_signs_in_and_moves_a_dossier_through_intake_supplement_and_payment,
    an_officer_issues_the_result_through_the_upload_form_and_the_citizen_downloads_it,
    a_post_without_the_sessions_csrf_token_is_refused_and_changes_nothing,
    a_citizen_cannot_sign_in_to_the_office,
    pages_without_a_session_send_the_browser_to_sign_in,
    a_session_opened_on_one_portal_works_on_another_on_the_same_database,
    a_move_the_lifecycle_does_not_allow_shows_the_refusal_and_changes_nothing,
    hostile_answers_are_escaped_on_the_dossier_page,
];
