//! Playing scenarios: filing a scenario's dossier and playing its steps when
//! the virtual clock reaches them. Every action goes through the same route
//! handlers a citizen's app or an officer uses, with the same checks, so the
//! simulator can show nothing the real portal would not do.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hoso_domain::catalogue::ChannelKind;
use hoso_domain::identity::TaxCode;
use hoso_domain::profile::ActingAs;
use hoso_protocol::api::IDEMPOTENCY_KEY_HEADER;
use hoso_protocol::api::demo::{Run, RunState};
use hoso_protocol::api::dossier::{SubmitDossier, SubmitSupplement, Submitted};
use hoso_protocol::api::payment::PaymentStarted;
use hoso_protocol::api::upload::{AttachmentRef, TUS_VERSION, header};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::Simulator;
use super::scenario::{Action, Scenario};
use crate::caller::Caller;
use crate::dossiers::{self, owner_key};
use crate::http::AppState;
use crate::json_body::JsonBody;
use crate::{PortalError, accounts, catalogue, forms, gateway, office, payments, results, supplement, uploads};

/// A run as stored.
#[derive(sqlx::FromRow)]
pub struct RunRow {
    pub id: String,
    pub scenario: String,
    pub code: String,
    pub subject: String,
    pub acting_as: String,
    pub next_step: i64,
    pub next_at: Option<i64>,
    pub state: String,
    pub note: Option<String>,
}

impl RunRow {
    pub fn to_wire(&self, simulator: &Simulator) -> Run {
        let steps = simulator.scenario(&self.scenario).map_or(0, |s| s.steps.len());
        let state = match self.state.as_str() {
            "playing" => RunState::Playing,
            "finished" => RunState::Finished,
            _ => RunState::Stopped,
        };
        Run {
            id: self.id.clone(),
            scenario: self.scenario.clone(),
            code: self.code.clone(),
            state,
            played: u32::try_from(self.next_step).unwrap_or(0),
            steps: u32::try_from(steps).unwrap_or(u32::MAX),
            next_at: self.next_at.and_then(|at| OffsetDateTime::from_unix_timestamp(at).ok()),
            note: self.note.clone(),
        }
    }
}

/// Reads a handler's answer as `T` when it has `status`, else as the refusal it is.
async fn answer<T: DeserializeOwned>(response: Response, status: StatusCode) -> Result<T, PortalError> {
    let answered = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1024 * 1024)
        .await
        .map_err(|_| PortalError::CorruptRecord("an unreadable answer".to_owned()))?;
    if answered != status {
        let message = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|envelope| envelope["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| answered.to_string());
        return Err(PortalError::CorruptRecord(message));
    }
    serde_json::from_slice(&bytes).map_err(PortalError::Corrupt)
}

fn header_value(text: &str) -> Result<HeaderValue, PortalError> {
    HeaderValue::from_str(text).map_err(|_| PortalError::CorruptRecord(format!("not a header value: {text}")))
}

/// A small, valid PDF whose text names what it stands for, so every demo
/// document is distinct and opens in any viewer.
pub fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = title.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect();
    let stream = format!("BT /F1 14 Tf 72 720 Td (HO SO DEMO - {text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}

/// Uploads `content` as the caller through the tus routes, for `document`.
async fn upload(
    state: &AppState,
    caller: &Caller,
    procedure: &str,
    document: &str,
    name: &str,
    media_type: &str,
    content: Vec<u8>,
) -> Result<String, PortalError> {
    let sha256: String = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
    let metadata = [("sha256", sha256.as_str()), ("media_type", media_type), ("name", name)]
        .into_iter()
        .chain([("procedure", procedure), ("document", document)])
        .map(|(key, value)| format!("{key} {}", STANDARD.encode(value)))
        .collect::<Vec<_>>()
        .join(",");
    let mut headers = HeaderMap::new();
    headers.insert(header::TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    headers.insert(header::UPLOAD_LENGTH, content.len().into());
    headers.insert(header::UPLOAD_METADATA, header_value(&metadata)?);
    let created = uploads::create(State(state.clone()), caller.clone(), headers.clone()).await?;
    if created.status() != StatusCode::CREATED {
        return Err(PortalError::CorruptRecord(format!("the demo upload was answered {}", created.status())));
    }
    headers.remove(header::UPLOAD_LENGTH);
    headers.remove(header::UPLOAD_METADATA);
    headers.insert(header::UPLOAD_OFFSET, HeaderValue::from_static("0"));
    headers.insert("content-type", HeaderValue::from_static("application/offset+octet-stream"));
    let patched =
        uploads::patch(State(state.clone()), caller.clone(), Path(sha256.clone()), headers, Body::from(content))
            .await?;
    if patched.status() != StatusCode::NO_CONTENT {
        return Err(PortalError::CorruptRecord(format!("the demo upload was answered {}", patched.status())));
    }
    Ok(sha256)
}

/// Files `scenario`'s dossier for the caller: its example answers, with a
/// made-up scan uploaded for each attachment. Answers the dossier code.
pub async fn file(state: &AppState, caller: &Caller, scenario: &Scenario, run_id: &str) -> Result<String, PortalError> {
    let example = forms::example(&scenario.example).ok_or(PortalError::NotFound)?;
    let mut data: serde_json::Value = serde_json::from_str(example).map_err(PortalError::Corrupt)?;
    let procedure = catalogue::procedure(&state.pool, &scenario.procedure).await?.ok_or(PortalError::NotFound)?;
    let form = procedure.form.clone().ok_or(PortalError::NotFound)?;
    let mut attachments = Vec::new();
    if let Some(declared) = data.get_mut("attachments").and_then(|a| a.as_object_mut()) {
        for (document, meta) in declared.iter_mut() {
            let name = meta["name"].as_str().unwrap_or("tai-lieu.pdf").to_owned();
            let media_type = meta["media_type"].as_str().unwrap_or("application/pdf").to_owned();
            let content = demo_pdf(&format!("{document} {run_id}"));
            let bytes = u64::try_from(content.len()).unwrap_or(u64::MAX);
            let sha256 =
                upload(state, caller, scenario.procedure.as_str(), document, &name, &media_type, content).await?;
            meta["sha256"] = sha256.clone().into();
            meta["bytes"] = bytes.into();
            attachments.push(AttachmentRef { document: document.clone(), sha256, bytes, media_type, name });
        }
    }
    let body = SubmitDossier {
        client_id: run_id.to_owned(),
        procedure: scenario.procedure.clone(),
        form,
        acting_as: caller.acting_as.clone(),
        channel: ChannelKind::Online,
        data,
        attachments,
    };
    let mut headers = HeaderMap::new();
    headers.insert(IDEMPOTENCY_KEY_HEADER, header_value(run_id)?);
    let response = dossiers::submit(State(state.clone()), caller.clone(), headers, JsonBody(body)).await?;
    let submitted: Submitted = answer(response, StatusCode::CREATED).await?;
    Ok(submitted.code)
}

/// The caller a run acts as when the scenario plays the citizen's part.
async fn caller_of(state: &AppState, run: &RunRow) -> Result<Caller, PortalError> {
    let profile = accounts::profile(&state.pool, &run.subject).await?.ok_or(PortalError::Unauthenticated)?;
    let acting_as = match run.acting_as.as_str() {
        "myself" => ActingAs::Myself,
        tax_code => ActingAs::Enterprise(TaxCode::parse(tax_code).map_err(|_| PortalError::Forbidden)?),
    };
    Ok(Caller { profile, acting_as })
}

/// Plays one step of `run` on its dossier.
async fn play_step(state: &AppState, run: &RunRow, action: &Action, step: usize) -> Result<(), PortalError> {
    let code = run.code.clone();
    match action {
        Action::Officer(office_move) => office::decide(state, &code, office_move).await.map(drop),
        Action::IssueResult { name, media_type } => {
            let content = demo_pdf(&format!("{name} {}", run.code));
            results::issue_result(state, &code, name, media_type, &content).await.map(drop)
        }
        Action::AnswerSupplement => {
            let caller = caller_of(state, run).await?;
            let Json(detail) = dossiers::detail(State(state.clone()), caller.clone(), Path(code.clone())).await?;
            let client_id = format!("{}-{step}", run.id);
            let body = SubmitSupplement {
                client_id: client_id.clone(),
                data: detail.data,
                attachments: detail.attachments,
                note: Some("Đã kiểm tra và gửi lại. / Checked and sent again.".to_owned()),
            };
            let mut headers = HeaderMap::new();
            headers.insert(IDEMPOTENCY_KEY_HEADER, header_value(&client_id)?);
            let response =
                supplement::answer(State(state.clone()), caller, Path(code), headers, JsonBody(body)).await?;
            if !response.status().is_success() {
                return answer::<serde_json::Value>(response, StatusCode::CREATED).await.map(drop);
            }
            Ok(())
        }
        Action::Pay => {
            let caller = caller_of(state, run).await?;
            let response = payments::start(State(state.clone()), caller, Path(code)).await?;
            let status = response.status();
            let started: PaymentStarted = answer(response, status).await?;
            if !status.is_success() {
                return Err(PortalError::CorruptRecord(format!("starting the payment was answered {status}")));
            }
            let choice = axum::Form(gateway::Choice { choice: "pay".to_owned() });
            gateway::choose(State(state.clone()), Path(started.payment_id), choice).await.map(drop)
        }
    }
}

/// Plays every step due by `until` on the virtual clock, oldest first, each
/// at its own time (the clock is walked forward to it), so a jump of two
/// days leaves a timeline with the steps hours apart as scripted. Answers how
/// many steps were played.
pub async fn play_due(state: &AppState, simulator: &Simulator, until: OffsetDateTime) -> Result<u32, PortalError> {
    let _one_at_a_time = simulator.playing.lock().await;
    let mut played = 0;
    // Bounded, so a scenario file with zero-minute loops cannot spin forever.
    for _ in 0..10_000 {
        let due: Option<RunRow> = sqlx::query_as(
            "SELECT id, scenario, code, subject, acting_as, next_step, next_at, state, note FROM demo_run
             WHERE state = 'playing' AND next_at <= $1 ORDER BY next_at, id LIMIT 1",
        )
        .bind(until.unix_timestamp())
        .fetch_optional(&state.pool)
        .await?;
        let Some(run) = due else { break };
        let scheduled = OffsetDateTime::from_unix_timestamp(run.next_at.unwrap_or_default()).unwrap_or(until);
        simulator.clock.move_to(scheduled);
        let scenario = simulator.scenario(&run.scenario);
        let step = usize::try_from(run.next_step).unwrap_or(usize::MAX);
        let outcome = match scenario.and_then(|s| s.steps.get(step)) {
            Some(current) => play_step(state, &run, &current.action, step).await,
            None => Err(PortalError::NotFound),
        };
        match outcome {
            Ok(()) => {
                played += 1;
                let next = scenario.and_then(|s| s.steps.get(step + 1));
                let next_at =
                    next.map(|n| (scheduled + Duration::minutes(i64::from(n.after_minutes))).unix_timestamp());
                sqlx::query("UPDATE demo_run SET next_step = next_step + 1, next_at = $1, state = $2 WHERE id = $3")
                    .bind(next_at)
                    .bind(if next.is_some() { "playing" } else { "finished" })
                    .bind(&run.id)
                    .execute(&state.pool)
                    .await?;
            }
            Err(error) => {
                // The dossier was moved on by hand or withdrawn: say so and
                // leave it there rather than fight the person demonstrating.
                let note = match &error {
                    PortalError::CorruptRecord(message) => message.clone(),
                    other => other.to_string(),
                };
                tracing::info!(run = %run.id, code = %run.code, %note, "demo scenario stopped");
                sqlx::query("UPDATE demo_run SET state = 'stopped', next_at = NULL, note = $1 WHERE id = $2")
                    .bind(note)
                    .bind(&run.id)
                    .execute(&state.pool)
                    .await?;
            }
        }
    }
    Ok(played)
}

/// Files the scenario's dossier for the caller and schedules its first step.
pub async fn start(
    state: &AppState,
    simulator: &Simulator,
    caller: &Caller,
    scenario: &Scenario,
) -> Result<Run, PortalError> {
    let run_id = payments::new_id("demo-");
    let code = file(state, caller, scenario, &run_id).await?;
    let first = scenario.steps.first().map_or(0, |step| step.after_minutes);
    let next_at = (state.clock.now() + Duration::minutes(i64::from(first))).unix_timestamp();
    sqlx::query(
        "INSERT INTO demo_run (id, scenario, code, subject, acting_as, owner, next_step, next_at, state, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, 'playing', $8)",
    )
    .bind(&run_id)
    .bind(&scenario.id)
    .bind(&code)
    .bind(caller.subject())
    .bind(caller.acting_as_header())
    .bind(owner_key(caller))
    .bind(next_at)
    .bind(state.clock.now().unix_timestamp())
    .execute(&state.pool)
    .await?;
    let row: RunRow = sqlx::query_as(
        "SELECT id, scenario, code, subject, acting_as, next_step, next_at, state, note FROM demo_run WHERE id = $1",
    )
    .bind(&run_id)
    .fetch_one(&state.pool)
    .await?;
    Ok(row.to_wire(simulator))
}
