//! The OpenAPI document: the one a running portal serves is the one committed
//! at `docs/api/openapi.json`, it describes what the API does, and what the
//! portal really answers conforms to the schemas it documents.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::*;

/// The demo business representative's one-time-code secret (see the README).
const BUSINESS_TOTP: &str = "KRSXG5DJNZTSA3LFONZWCZ3FEBQW4ZDB";
/// Set to 1 to rewrite the committed document from the served one.
const BLESS: &str = "HOSO_BLESS";

fn committed_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api/openapi.json"))
}

async fn served_document(base: &str) -> (reqwest::header::HeaderMap, String) {
    let response = reqwest::get(format!("{base}{}", path::OPENAPI)).await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap())
}

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let test = spawn_portal(Backend::Sqlite, false).await;
    let (headers, served) = served_document(&test.portal.url()).await;
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers["cache-control"].to_str().unwrap().contains("max-age="), "{headers:?}");

    // Facts first, so that blessing cannot make an empty document pass.
    let document: Value = serde_json::from_str(&served).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["version"], "1");
    let submit = &document["paths"][path::DOSSIERS]["post"];
    for status in ["201", "422", "429"] {
        assert!(submit["responses"][status].is_object(), "submit documents no {status}: {submit}");
    }
    assert_eq!(
        submit["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorEnvelope"
    );
    assert!(submit["responses"]["429"]["headers"]["Retry-After"].is_object(), "{submit}");
    assert_eq!(submit["security"], json!([{"bearer": []}]));
    let envelope = &document["components"]["schemas"]["ErrorEnvelope"];
    assert_eq!(envelope["required"], json!(["kind", "message"]), "{envelope}");
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let procedure_code = &document["components"]["schemas"]["ProcedureCode"];
    assert_eq!(procedure_code["type"], "string", "{procedure_code}");
    assert!(procedure_code["pattern"].is_string(), "{procedure_code}");

    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    if served == committed {
        return;
    }
    if std::env::var(BLESS).is_ok_and(|bless| bless == "1") {
        std::fs::create_dir_all(committed_path().parent().unwrap()).unwrap();
        std::fs::write(committed_path(), &served).unwrap();
        eprintln!("{BLESS}=1: rewrote {} from the served document; commit it", committed_path().display());
        return;
    }
    let first_difference = served.lines().zip(committed.lines()).position(|(s, c)| s != c).map_or_else(
        || format!("line {}", served.lines().count().min(committed.lines().count()) + 1),
        |at| format!("line {}", at + 1),
    );
    panic!(
        "the served OpenAPI document differs from docs/api/openapi.json (first at {first_difference}). \
         If the change is intended, refresh it with `{BLESS}=1 cargo test -p hoso-portal --test api openapi` \
         and commit the file."
    );
}

/// Checks `body` against the schema the document gives for `method path`
/// answering `status` in JSON, with the document's components in reach.
fn assert_conforms(document: &Value, path: &str, method: &str, status: u16, body: &Value) {
    let operation = &document["paths"][path][method];
    let schema = &operation["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {path} documents no JSON body for {status}");
    let mut root = schema.clone();
    root["components"] = document["components"].clone();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("{method} {path} {status}: the documented schema does not compile: {e}"));
    let errors: Vec<String> =
        validator.iter_errors(body).map(|e| format!("{} at `{}`", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {path} {status}: the answer does not match the document: {errors:#?}");
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

#[tokio::test]
async fn what_the_portal_answers_conforms_to_the_schemas_it_documents() {
    let test = spawn_portal(Backend::Sqlite, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let document: Value = serde_json::from_str(&served_document(&base).await.1).unwrap();
    let url = |path: &str| format!("{base}{path}");

    let catalogue = json_of(client.get(url(path::CATALOGUE)).send().await.unwrap(), 200).await;
    assert_conforms(&document, path::CATALOGUE, "get", 200, &catalogue);
    let mut forms = 0;
    for form in catalogue["procedures"].as_array().unwrap().iter().map(|p| &p["form"]).filter(|f| !f.is_null()) {
        let form_path = format!("/api/v1/forms/{}/{}", form["id"].as_str().unwrap(), form["version"]);
        let definition = json_of(client.get(url(&form_path)).send().await.unwrap(), 200).await;
        assert_conforms(&document, path::FORM, "get", 200, &definition);
        forms += 1;
    }
    assert!(forms > 0, "no procedure has an online form");
    let identities = json_of(client.get(url(path::DEMO_IDENTITIES)).send().await.unwrap(), 200).await;
    assert_conforms(&document, path::DEMO_IDENTITIES, "get", 200, &identities);

    let anonymous = json_of(client.get(url(path::PROFILE)).send().await.unwrap(), 401).await;
    assert_conforms(&document, path::PROFILE, "get", 401, &anonymous);
    let (code, verifier) = sign_in_as(&base, &client, "openid profile enterprises", ("business", BUSINESS_TOTP)).await;
    let tokens = json_of(redeem(&base, &client, &code, &verifier).await, 200).await;
    assert_conforms(&document, "/token", "post", 200, &tokens);
    let business = tokens["access_token"].as_str().unwrap();
    let profile = get_json(&client, &url(path::PROFILE), business, None).await;
    assert!(!profile["enterprises"].as_array().unwrap().is_empty(), "{profile}");
    assert_conforms(&document, path::PROFILE, "get", 200, &profile);

    let token = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let scan = b"%PDF-1.7 giay chung sinh (openapi)".to_vec();
    upload_whole(&base, &client, &token, &scan).await;
    let mut invalid = birth_registration("openapi-0001", b"never uploaded");
    invalid["data"]["mother"]["citizen_id"] = "12345".into();
    let refused = json_of(submit(&base, &client, &token, &invalid).await, 422).await;
    assert!(!refused["fields"].as_array().unwrap().is_empty(), "{refused}");
    assert_conforms(&document, path::DOSSIERS, "post", 422, &refused);
    let submitted =
        json_of(submit(&base, &client, &token, &birth_registration("openapi-0002", &scan)).await, 201).await;
    assert_conforms(&document, path::DOSSIERS, "post", 201, &submitted);

    let dossier_code = submitted["code"].as_str().unwrap();
    let dossier_path = format!("/api/v1/dossiers/{dossier_code}");
    let list = get_json(&client, &url(path::DOSSIERS), &token, None).await;
    assert_conforms(&document, path::DOSSIERS, "get", 200, &list);
    let changes = get_json(&client, &format!("{}?since=0", url(path::DOSSIER_CHANGES)), &token, None).await;
    assert_conforms(&document, path::DOSSIER_CHANGES, "get", 200, &changes);
    let detail = get_json(&client, &url(&dossier_path), &token, None).await;
    assert_conforms(&document, path::DOSSIER, "get", 200, &detail);
    let missing = client.get(url("/api/v1/dossiers/no-such-code")).bearer_auth(&token).send().await.unwrap();
    assert_conforms(&document, path::DOSSIER, "get", 404, &json_of(missing, 404).await);
    let withdraw = client
        .post(url(&format!("{dossier_path}/withdraw")))
        .bearer_auth(&token)
        .json(&json!({"reason": "Nộp nhầm thủ tục."}))
        .send()
        .await
        .unwrap();
    let withdrawn = json_of(withdraw, 200).await;
    assert_conforms(&document, path::DOSSIER_WITHDRAW, "post", 200, &withdrawn);
    // The detail again, now with a timeline entry that has a `from` status and a note.
    let detail = get_json(&client, &url(&dossier_path), &token, None).await;
    assert_conforms(&document, path::DOSSIER, "get", 200, &detail);
}

/// Every `$ref` in `value`, with where it was found.
fn references<'a>(value: &'a Value, at: String, found: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => found.push((at.clone(), target)),
                    _ => references(inner, format!("{at}/{key}"), found),
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                references(inner, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn the_committed_document_is_well_formed_openapi_3_1() {
    let text = std::fs::read_to_string(committed_path()).expect("docs/api/openapi.json is committed");
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"), "the file ends with one newline after the JSON");
    let spec = oas3::from_json(&text).unwrap_or_else(|e| panic!("not an OpenAPI 3.1 document: {e}"));
    let version = spec.validate_version().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((version.major, version.minor), (3, 1));
    let mut operations = 0;
    for (path, method, operation) in spec.operations() {
        operation.parameters(&spec).unwrap_or_else(|e| panic!("{method} {path}: parameters: {e}"));
        operation.request_body(&spec).unwrap_or_else(|e| panic!("{method} {path}: request body: {e}"));
        assert!(!operation.responses(&spec).is_empty(), "{method} {path} documents no response");
        operations += 1;
    }
    assert!(operations >= 20, "only {operations} operations");
    // Every reference, schemas nested in schemas included, lands on something.
    let document: Value = serde_json::from_str(&text).unwrap();
    let mut found = Vec::new();
    references(&document, String::new(), &mut found);
    assert!(found.len() > 50, "only {} references", found.len());
    for (at, target) in found {
        let pointer = target.strip_prefix('#').unwrap_or_else(|| panic!("{at}: `{target}` is not local"));
        assert!(document.pointer(pointer).is_some(), "{at}: `{target}` points at nothing");
    }
}

/// The demo officer's one-time-code secret (see the README).
const OFFICER_TOTP: &str = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";

/// Sends `request` and checks its answer against the document: the status,
/// then the body against the schema documented for that status.
async fn answers_as_documented(
    document: &Value,
    (method, path): (&str, &str),
    request: reqwest::RequestBuilder,
    status: u16,
) -> Value {
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), status, "{method} {path}");
    let body: Value = response.json().await.unwrap();
    assert_conforms(document, path, method, status, &body);
    body
}

async fn the_dossier_lifecycle_officer_and_passkey_answers_conform_to_the_document(backend: Backend) {
    let test = spawn_portal(backend, true).await;
    let base = test.portal.url();
    let client = no_redirects();
    let document: Value = serde_json::from_str(&served_document(&base).await.1).unwrap();
    let url = |path: &str| format!("{base}{path}");
    let citizen = access_token_for(&base, &client, ("citizen", CITIZEN_TOTP)).await;
    let officer = access_token_for(&base, &client, ("officer", OFFICER_TOTP)).await;
    let scan = b"%PDF-1.7 giay chung sinh (openapi, lifecycle)".to_vec();
    upload_whole(&base, &client, &citizen, &scan).await;
    let submitted =
        json_of(submit(&base, &client, &citizen, &birth_registration("openapi-life-1", &scan)).await, 201).await;
    let code = submitted["code"].as_str().unwrap();
    let office_dossier = path::OFFICE_DOSSIER.replace("{code}", code);
    let dossier = path::DOSSIER.replace("{code}", code);
    let at = |template: &str| template.replace("{code}", code);

    // The officer API: the queue holds the new dossier; its detail; moves,
    // and a move the lifecycle refuses as a 409 envelope.
    let queue = client.get(url(path::OFFICE_DOSSIERS)).bearer_auth(&officer);
    let queue = answers_as_documented(&document, ("get", path::OFFICE_DOSSIERS), queue, 200).await;
    assert!(queue.as_array().unwrap().iter().any(|d| d["code"] == code), "{queue}");
    let refused = client.get(url(path::OFFICE_DOSSIERS)).query(&[("status", "no_such_status")]).bearer_auth(&officer);
    answers_as_documented(&document, ("get", path::OFFICE_DOSSIERS), refused, 400).await;
    let as_citizen = client.get(url(path::OFFICE_DOSSIERS)).bearer_auth(&citizen);
    answers_as_documented(&document, ("get", path::OFFICE_DOSSIERS), as_citizen, 403).await;
    let detail = client.get(url(&office_dossier)).bearer_auth(&officer);
    answers_as_documented(&document, ("get", path::OFFICE_DOSSIER), detail, 200).await;
    let moves = at(path::OFFICE_MOVE);
    let officer_move = |body: Value| client.post(url(&moves)).bearer_auth(&officer).json(&body);
    let accepted =
        answers_as_documented(&document, ("post", path::OFFICE_MOVE), officer_move(json!({"move": "accept"})), 200)
            .await;
    assert_eq!(accepted["status"], "accepted");
    let conflict =
        answers_as_documented(&document, ("post", path::OFFICE_MOVE), officer_move(json!({"move": "accept"})), 409)
            .await;
    assert_eq!(conflict["kind"], "conflict");
    answers_as_documented(
        &document,
        ("post", path::OFFICE_MOVE),
        officer_move(json!({"move": "start_processing"})),
        200,
    )
    .await;
    let request_payment = json!({"move": "request_payment", "amount_vnd": 8000, "description": "Lệ phí"});
    answers_as_documented(&document, ("post", path::OFFICE_MOVE), officer_move(request_payment), 200).await;

    // The citizen: no supplement is asked for and nothing is rated yet (409s),
    // no result yet (404), a stream cursor that is no number (400).
    let supplement = json!({"client_id": "openapi-supp-1", "data": submitted, "attachments": []});
    let supplement = client.post(url(&at(path::DOSSIER_SUPPLEMENT))).bearer_auth(&citizen).json(&supplement);
    answers_as_documented(&document, ("post", path::DOSSIER_SUPPLEMENT), supplement, 409).await;
    let rating = client.post(url(&at(path::DOSSIER_RATING))).bearer_auth(&citizen).json(&json!({"score": 5}));
    answers_as_documented(&document, ("post", path::DOSSIER_RATING), rating, 409).await;
    let result = client.get(url(&at(path::DOSSIER_RESULT))).bearer_auth(&citizen);
    answers_as_documented(&document, ("get", path::DOSSIER_RESULT), result, 404).await;
    let stream = client.get(url(path::EVENTS)).query(&[("since", "not-a-cursor")]).bearer_auth(&citizen);
    answers_as_documented(&document, ("get", path::EVENTS), stream, 400).await;
    // The stream sits outside the timeout, not outside the envelope every API failure answers.
    let wrong_method = client.post(url(path::EVENTS)).bearer_auth(&citizen).send().await.unwrap();
    assert_eq!(json_of(wrong_method, 405).await["kind"], "not_found");

    // Paying through the simulated gateway's page: afterwards the detail
    // carries the receipt. A forged notification is refused as documented.
    let payment = client.post(url(&at(path::DOSSIER_PAYMENT))).bearer_auth(&citizen);
    let started = answers_as_documented(&document, ("post", path::DOSSIER_PAYMENT), payment, 201).await;
    let paid = client.post(started["payment_url"].as_str().unwrap()).form(&[("choice", "pay")]).send().await.unwrap();
    assert_eq!(paid.status(), 303);
    let forged = json!({"payment_id": started["payment_id"], "outcome": "paid", "amount_vnd": 8000, "reference": "X"});
    let forged = client.post(url(path::PAYMENT_CALLBACK)).header("X-Gateway-Signature", "sha256=00").json(&forged);
    answers_as_documented(&document, ("post", path::PAYMENT_CALLBACK), forged, 401).await;
    let detail = client.get(url(&dossier)).bearer_auth(&citizen);
    let detail = answers_as_documented(&document, ("get", path::DOSSIER), detail, 200).await;
    assert!(detail["receipt"].is_object() && detail["payment"].is_object(), "{detail}");
    let detail = client.get(url(&office_dossier)).bearer_auth(&officer);
    answers_as_documented(&document, ("get", path::OFFICE_DOSSIER), detail, 200).await;

    // Passkeys: enrol one on a software authenticator, then list it.
    let started = client.post(url(path::PASSKEY_REGISTRATION_START)).bearer_auth(&citizen);
    let started = answers_as_documented(&document, ("post", path::PASSKEY_REGISTRATION_START), started, 200).await;
    let port = url::Url::parse(&base).unwrap().port().unwrap();
    let origin = webauthn_authenticator_rs::prelude::Url::parse(&format!("http://localhost:{port}")).unwrap();
    let mut authenticator = webauthn_authenticator_rs::WebauthnAuthenticator::new(
        webauthn_authenticator_rs::softpasskey::SoftPasskey::new(true),
    );
    let options = serde_json::from_value(started["options"].clone()).unwrap();
    let credential = authenticator.do_registration(origin, options).unwrap();
    let finish = json!({"ceremony": started["ceremony"], "name": "Điện thoại", "credential": credential});
    let finish = client.post(url(path::PASSKEY_REGISTRATION_FINISH)).bearer_auth(&citizen).json(&finish);
    answers_as_documented(&document, ("post", path::PASSKEY_REGISTRATION_FINISH), finish, 201).await;
    let listed = client.get(url(path::PASSKEYS)).bearer_auth(&citizen);
    let listed = answers_as_documented(&document, ("get", path::PASSKEYS), listed, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}

contract![the_dossier_lifecycle_officer_and_passkey_answers_conform_to_the_document];
