//! The sender: one pass over the due outbox items. Each uploads its
//! attachments (resumably, see `tus.rs`), then posts the dossier with its
//! client id as `Idempotency-Key`, so a replay after a lost answer gets the
//! same dossier code. Network failures wait with exponential backoff and
//! jitter, `429`/`503` wait as long as `Retry-After` says, and any other
//! refusal stops the item with the portal's error for the citizen to act on.
//! The pass never sleeps: the shell calls it again at `next_attempt_at`.
//! Supplement answers (`supplement_outbox`) go out in the same pass, with the
//! same backoff, under their own client ids.

use std::time::Duration;

use hoso_protocol::api::dossier::{DossierSummary, SubmitDossier, SubmitSupplement, Submitted};
use hoso_protocol::api::upload::AttachmentRef;
use hoso_protocol::api::{ACTING_AS_HEADER, IDEMPOTENCY_KEY_HEADER, path};
use hoso_protocol::command::OutboxState;
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use reqwest::{RequestBuilder, Response, StatusCode, Url};
use time::OffsetDateTime;

use super::attachments::AttachmentSource;
use super::backoff::{backoff, os_jitter};
use super::supplement_table::{self, DueSupplement};
use super::table::{Entries, EntryKey, NextAttempt};
use super::{table, tus};
use crate::portal_client::PortalClient;
use crate::{Engine, EngineError};

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Acknowledged by the portal in this pass.
    pub sent: usize,
    /// Left to retry later (no network, portal busy).
    pub waiting: usize,
    /// Refused by the portal; the citizen must act.
    pub needs_action: usize,
}

/// Why an attempt did not reach an acknowledgement.
pub(crate) enum Failure {
    /// Transient: no connection, or the portal failed; back off and retry.
    Offline(String),
    /// The portal asked to wait (`429`/`503`), for `Retry-After` if it said.
    RetryAfter(Option<Duration>),
    /// The portal refused; retrying the same request cannot help.
    Refused(ErrorEnvelope),
    /// The token was not accepted: the item waits for a new sign-in.
    Unauthenticated,
    /// Something on this device failed.
    Local(EngineError),
}

impl Failure {
    pub(crate) fn contract(message: &str) -> Self {
        Self::Refused(ErrorEnvelope::new(ErrorKind::Portal, message))
    }

    pub(crate) async fn from_response(response: Response) -> Self {
        let status = response.status();
        match response.json::<ErrorEnvelope>().await {
            Ok(envelope) => Self::Refused(envelope),
            Err(_) => Self::contract(&format!("{status} without an error envelope")),
        }
    }
}

/// An authorised request context: the bearer token and the acting profile.
pub(crate) struct Request<'a> {
    portal: &'a PortalClient,
    bearer: &'a str,
    acting: String,
}

impl Request<'_> {
    pub(crate) fn client(&self) -> &reqwest::Client {
        self.portal.http()
    }

    pub(crate) fn url(&self, path: &str) -> Result<Url, Failure> {
        self.portal.url(path).map_err(Failure::Local)
    }

    /// Sends with the token and profile; transient answers become failures.
    pub(crate) async fn send(&self, builder: RequestBuilder) -> Result<Response, Failure> {
        let builder = builder.bearer_auth(self.bearer).header(ACTING_AS_HEADER, &self.acting);
        // reqwest's error names the URL, never the headers: safe to keep.
        let response = builder.send().await.map_err(|e| Failure::Offline(e.to_string()))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            let header = response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok());
            return Err(Failure::RetryAfter(retry_after(header)));
        }
        if status == StatusCode::UNAUTHORIZED {
            return Err(Failure::Unauthenticated);
        }
        if status.is_server_error() {
            return Err(Failure::Offline(format!("the portal answered {status}")));
        }
        Ok(response)
    }
}

/// `Retry-After` in seconds. The HTTP-date form is not used by the portal;
/// it falls back to the backoff rather than trusting this device's clock.
fn retry_after(header: Option<&str>) -> Option<Duration> {
    header.and_then(|v| v.trim().parse::<u64>().ok()).map(Duration::from_secs)
}

fn percent(done: u64, total: u64) -> u8 {
    u8::try_from(done.saturating_mul(100).checked_div(total).unwrap_or(100).min(100)).unwrap_or(100)
}

impl Engine {
    /// Sends every due outbox item now; see [`Engine::send_outbox_at`].
    pub async fn send_outbox(&self, attachments: &dyn AttachmentSource) -> Result<SendReport, EngineError> {
        self.send_outbox_at(attachments, OffsetDateTime::now_utc(), os_jitter()).await
    }

    /// One pass of the sender at `now`, with `jitter` in `[0, 1)` for the
    /// backoff of items that fail on the network: the signed-in person's
    /// items only, with their token. Fails only when nobody is signed in or
    /// the local store fails; each item's fate is in its state.
    pub async fn send_outbox_at(
        &self,
        attachments: &dyn AttachmentSource,
        now: OffsetDateTime,
        jitter: f64,
    ) -> Result<SendReport, EngineError> {
        // One pass at a time: two would upload the same bytes side by side,
        // and the loser's chunk would be refused for a stale offset.
        let _one_pass = self.link.sending.lock().await;
        let credentials = self.credentials().await?;
        let (subject, bearer) = (credentials.subject.as_str(), credentials.bearer.as_str());
        let pool = self.store.pool();
        let mut report = SendReport::default();
        let source = super::attachments::Either { first: attachments, then: self.stored_attachments() };
        for due in table::due(pool, subject, now).await? {
            let client_id = due.request.client_id.clone();
            let key = EntryKey { entries: Entries::Submissions, subject, client_id: &client_id };
            let outcome = self.send_one(&due.request, due.attempts, &source, key, bearer).await;
            let outcome = match outcome {
                Ok(submitted) => {
                    table::mark_sent(pool, subject, &submitted).await?;
                    Ok(())
                }
                Err(failure) => Err(failure),
            };
            self.record(key, due.attempts, outcome, now, jitter, &mut report).await?;
        }
        // Supplement answers go the same way, under their own client ids.
        for due in supplement_table::due(pool, subject, now).await? {
            let key = EntryKey { entries: Entries::Supplements, subject, client_id: &due.client_id };
            let outcome = match self.send_supplement(&due, &source, key, bearer).await {
                Ok(summary) => {
                    supplement_table::mark_sent(pool, subject, &due.client_id, &summary).await?;
                    Ok(())
                }
                Err(failure) => Err(failure),
            };
            self.record(key, due.attempts, outcome, now, jitter, &mut report).await?;
        }
        Ok(report)
    }

    /// Records one attempt's outcome in its entry: sent, waiting (backoff or
    /// `Retry-After`) or needing the citizen. An access token the portal
    /// refuses stops the pass: the entry stays queued for the next sign-in.
    async fn record(
        &self,
        key: EntryKey<'_>,
        before: u32,
        outcome: Result<(), Failure>,
        now: OffsetDateTime,
        jitter: f64,
        report: &mut SendReport,
    ) -> Result<(), EngineError> {
        let pool = self.store.pool();
        let attempts = before.saturating_add(1);
        let (wait, portal_asked) = match outcome {
            Ok(()) => {
                report.sent += 1;
                return Ok(());
            }
            Err(Failure::Offline(reason)) => {
                tracing::info!(client_id = %key.client_id, %reason, "outbox item not sent; will retry");
                (backoff(attempts, jitter), false)
            }
            Err(Failure::RetryAfter(Some(wait))) => (wait, true),
            Err(Failure::RetryAfter(None)) => (backoff(attempts, jitter), false),
            Err(Failure::Unauthenticated) => {
                // Not the item's fault: it stays queued, due at once
                // after the next sign-in, and the pass stops here.
                table::set_state(pool, key, &OutboxState::Queued, before, NextAttempt::NOW).await?;
                return Err(EngineError::NotSignedIn);
            }
            Err(Failure::Refused(error)) => {
                let state = OutboxState::NeedsAction { error };
                table::set_state(pool, key, &state, attempts, NextAttempt::NOW).await?;
                report.needs_action += 1;
                return Ok(());
            }
            Err(Failure::Local(error @ EngineError::Attachment { .. })) => {
                let state = OutboxState::NeedsAction { error: error.to_envelope() };
                table::set_state(pool, key, &state, attempts, NextAttempt::NOW).await?;
                report.needs_action += 1;
                return Ok(());
            }
            Err(Failure::Local(error)) => return Err(error),
        };
        let at = now.unix_timestamp().saturating_add(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX));
        let next = NextAttempt { at, portal_asked };
        table::set_state(pool, key, &OutboxState::WaitingForNetwork, attempts, next).await?;
        report.waiting += 1;
        Ok(())
    }

    /// When the sender next has something of the signed-in person's to try,
    /// if anything is pending; `None` signed out.
    pub async fn next_attempt_at(&self) -> Result<Option<OffsetDateTime>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(None) };
        let next = table::next_due(self.store.pool(), &subject).await?;
        Ok(next.and_then(|at| OffsetDateTime::from_unix_timestamp(at).ok()))
    }

    /// The portal is reachable again (the live stream opened): the signed-in
    /// person's pending items waiting on a backoff of ours are due at once,
    /// rather than up to its ten-minute cap later. A wait the portal asked
    /// for (`Retry-After`) stands. Answers how many items were moved.
    pub async fn outbox_due_now(&self) -> Result<u64, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(0) };
        table::due_now(self.store.pool(), &subject, OffsetDateTime::now_utc().unix_timestamp()).await
    }

    async fn send_one(
        &self,
        submission: &SubmitDossier,
        attempts: u32,
        attachments: &dyn AttachmentSource,
        key: EntryKey<'_>,
        bearer: &str,
    ) -> Result<Submitted, Failure> {
        let request = Request { portal: &self.portal, bearer, acting: table::acting_key(&submission.acting_as) };
        let progress = Progress { key, attempts };
        self.upload_all(&request, &submission.attachments, submission.procedure.as_str(), attachments, progress)
            .await?;
        let post = request.client().post(request.url(path::DOSSIERS)?);
        let answer = request.send(post.header(IDEMPOTENCY_KEY_HEADER, &submission.client_id).json(submission)).await?;
        if !answer.status().is_success() {
            return Err(Failure::from_response(answer).await);
        }
        answer.json::<Submitted>().await.map_err(|e| Failure::contract(&e.to_string()))
    }

    /// Uploads what the portal does not hold yet of `references`, showing
    /// progress in the entry. An attachment the portal already holds whole
    /// (a supplement keeping the first submission's scans) needs no bytes here.
    async fn upload_all(
        &self,
        request: &Request<'_>,
        references: &[AttachmentRef],
        procedure: &str,
        attachments: &dyn AttachmentSource,
        progress: Progress<'_>,
    ) -> Result<(), Failure> {
        let pool = self.store.pool();
        let total: u64 = references.iter().map(|a| a.bytes).sum();
        let mut done = 0;
        for attachment in references {
            let unreadable =
                |reason: String| Failure::Local(EngineError::Attachment { sha256: attachment.sha256.clone(), reason });
            let mut offset = tus::offset(request, attachment, procedure).await?;
            if offset < attachment.bytes {
                let bytes = attachments
                    .bytes(&attachment.sha256)
                    .map_err(|e| unreadable(e.to_string()))?
                    .ok_or_else(|| unreadable("not held on this device".to_owned()))?;
                if u64::try_from(bytes.len()).ok() != Some(attachment.bytes) {
                    return Err(unreadable("its size differs from the one submitted".to_owned()));
                }
                while offset < attachment.bytes {
                    let state = OutboxState::Uploading { percent: percent(done + offset, total) };
                    table::set_state(pool, progress.key, &state, progress.attempts, NextAttempt::NOW)
                        .await
                        .map_err(Failure::Local)?;
                    offset = tus::patch(request, &attachment.sha256, &bytes, offset).await?;
                }
            }
            done += attachment.bytes;
        }
        Ok(())
    }

    /// Uploads a supplement answer's new scans, then posts the answer under
    /// its client id, the exact body first queued.
    async fn send_supplement(
        &self,
        due: &DueSupplement,
        attachments: &dyn AttachmentSource,
        key: EntryKey<'_>,
        bearer: &str,
    ) -> Result<DossierSummary, Failure> {
        let request = Request { portal: &self.portal, bearer, acting: due.acting.clone() };
        let body: SubmitSupplement = table::from_json(&due.request).map_err(Failure::Local)?;
        let progress = Progress { key, attempts: due.attempts };
        self.upload_all(&request, &body.attachments, &due.procedure, attachments, progress).await?;
        let url = request.url(&path::DOSSIER_SUPPLEMENT.replace("{code}", &due.code))?;
        let post = request
            .client()
            .post(url)
            .header(IDEMPOTENCY_KEY_HEADER, &due.client_id)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(due.request.clone());
        let answer = request.send(post).await?;
        if !answer.status().is_success() {
            return Err(Failure::from_response(answer).await);
        }
        answer.json::<DossierSummary>().await.map_err(|e| Failure::contract(&e.to_string()))
    }
}

/// Where upload progress is shown.
struct Progress<'a> {
    key: EntryKey<'a>,
    attempts: u32,
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{percent, retry_after};

    #[test]
    fn retry_after_is_read_in_seconds_and_anything_else_falls_back() {
        assert_eq!(retry_after(Some("42")), Some(Duration::from_secs(42)));
        assert_eq!(retry_after(Some(" 7 ")), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(retry_after(None), None);
    }

    #[test]
    fn progress_is_a_whole_percentage_of_all_attachments() {
        assert_eq!(percent(0, 200), 0);
        assert_eq!(percent(199, 200), 99);
        assert_eq!(percent(200, 200), 100);
        assert_eq!(percent(0, 0), 100);
    }
}
