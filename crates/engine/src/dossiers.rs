//! Following a dossier after submission: the cards of a profile and the
//! filings of every profile from the device's store (each one query served
//! by an index), a dossier in full from the portal with the last copy kept
//! encrypted for offline, withdrawing and rating (online only), and putting
//! an outbox entry the portal refused back in line once the cause is fixed.

mod table;

#[cfg(test)]
pub(crate) use table::{ACTING_OF, KEPT_DETAIL};
#[cfg(test)]
pub(crate) use table::{cards_query, filings_query};

use hoso_domain::profile::ActingAs;
use hoso_protocol::api::dossier::{DossierDetail, DossierSummary, Rating, Withdraw};
use hoso_protocol::api::{ACTING_AS_HEADER, path};
use hoso_protocol::command::{DossierCard, DossierView, Filing, OutboxItem, OutboxState, RateArgs, WithdrawArgs};
use hoso_protocol::error::ErrorKind;
use reqwest::Url;

use crate::outbox::table::{Entries, acting_key};
use crate::portal_client::PortalClient;
use crate::{Engine, EngineError};

/// Whether a failed read of the portal may fall back to the copy the device
/// kept: the portal was not reached, was busy, or the session needs a new
/// sign-in. A refusal about the dossier itself (gone, forbidden) does not.
fn may_show_kept_copy(error: &EngineError) -> bool {
    match error {
        EngineError::PortalRefused { status, .. } if *status >= 500 => true,
        _ => matches!(error.kind(), ErrorKind::Network | ErrorKind::Unauthenticated | ErrorKind::RateLimited),
    }
}

/// Refusals the citizen can clear without changing the answers: the network,
/// a busy portal, a sign-in, a mandate restored, a scan put back on the
/// device. A judged refusal (invalid answers, a conflicting state) cannot
/// change by sending the same request again.
pub(crate) fn may_retry(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Network
            | ErrorKind::RateLimited
            | ErrorKind::Unauthenticated
            | ErrorKind::Forbidden
            | ErrorKind::Portal
            | ErrorKind::Store
            | ErrorKind::Internal
    )
}

/// A dossier code as a path segment: codes are letters, digits, dots and
/// dashes, so anything else is refused rather than escaped into another path.
pub(crate) fn checked_code(code: &str) -> Result<&str, EngineError> {
    let fine = !code.is_empty()
        && code.len() <= 64
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if fine { Ok(code) } else { Err(EngineError::InvalidInput(format!("{code:?} is not a dossier code"))) }
}

impl Engine {
    /// `path` (with `{code}`) on the portal, and the `X-Acting-As` of the
    /// profile the dossier was filed for (`myself` when the device does not
    /// hold it).
    pub(crate) async fn dossier_route(&self, route: &str, code: &str) -> Result<(Url, String), EngineError> {
        let code = checked_code(code)?;
        let subject = self.owner().await?;
        let acting = table::acting_of(self.store.pool(), &subject, code).await?.unwrap_or_else(|| "myself".to_owned());
        Ok((self.portal.url(&route.replace("{code}", code))?, acting))
    }

    /// The acting profile's dossiers as the device holds them, newest change
    /// first, with what each waits on the citizen for; works offline.
    pub async fn dossier_cards(&self, acting: &ActingAs) -> Result<Vec<DossierCard>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(Vec::new()) };
        table::cards(self.store.pool(), &subject, &acting_key(acting)).await
    }

    /// A dossier in full from the portal, as the signed-in person acting for
    /// the dossier's profile. The answer is kept in the encrypted store; when
    /// the portal cannot be reached, the kept copy is answered with
    /// `offline` saying why (and the error itself when there is none).
    pub async fn dossier_view(&self, code: &str) -> Result<DossierView, EngineError> {
        // Signed out, there is no one's kept copy to show.
        let subject = self.owner().await?;
        let pool = self.store.pool();
        let (detail, offline) = match self.fetch_detail(code).await {
            Ok(detail) => (detail, None),
            Err(error) if may_show_kept_copy(&error) => match table::kept_detail(pool, &subject, code).await? {
                Some(body) => {
                    tracing::info!(%error, "showing the kept copy of a dossier");
                    let detail: DossierDetail = serde_json::from_str(&body).map_err(EngineError::Corrupt)?;
                    (detail, Some(error.to_envelope()))
                }
                None => return Err(error),
            },
            Err(error) => return Err(error),
        };
        let procedure = detail.summary.procedure.as_str().to_owned();
        let procedure_name = crate::outbox::table::procedure_name(pool, &procedure)
            .await?
            .unwrap_or_else(|| crate::outbox::unnamed(&procedure));
        let supplement_draft = table::has_supplement_draft(pool, &subject, code).await?;
        Ok(DossierView { detail, procedure_name, offline, supplement_draft })
    }

    /// `GET /api/v1/dossiers/{code}` now, kept in the store (and the dossier
    /// held, if the device did not hold it yet); no fallback.
    pub(crate) async fn fetch_detail(&self, code: &str) -> Result<DossierDetail, EngineError> {
        let pool = self.store.pool();
        let subject = self.owner().await?;
        let (url, acting) = self.dossier_route(path::DOSSIER, code).await?;
        let response = self.send_authorized(self.portal.http().get(url).header(ACTING_AS_HEADER, &acting)).await?;
        let detail: DossierDetail = PortalClient::read_json(response).await?;
        let body = serde_json::to_string(&detail).map_err(EngineError::Corrupt)?;
        table::keep_detail(pool, &subject, code, &body).await?;
        table::hold(pool, &subject, &acting, &detail.summary).await?;
        Ok(detail)
    }

    /// Withdraws dossier `code`: at once before intake, as a request the
    /// agency decides after. Online only; the dossier as it then stands.
    pub async fn withdraw(&self, args: WithdrawArgs) -> Result<DossierView, EngineError> {
        let (url, acting) = self.dossier_route(path::DOSSIER_WITHDRAW, &args.code).await?;
        let request =
            self.portal.http().post(url).header(ACTING_AS_HEADER, &acting).json(&Withdraw { reason: args.reason });
        let summary: DossierSummary = PortalClient::read_json(self.send_authorized(request).await?).await?;
        let subject = self.owner().await?;
        let mut conn = self.store.pool().acquire().await?;
        crate::outbox::supplement_table::set_status(&mut conn, &subject, &summary).await?;
        drop(conn);
        self.dossier_view(&args.code).await
    }

    /// Rates a completed dossier (1 to 5, with an optional comment). Online
    /// only; the dossier with its rating.
    pub async fn rate(&self, args: RateArgs) -> Result<DossierView, EngineError> {
        if !(1..=5).contains(&args.score) {
            return Err(EngineError::InvalidInput(format!("a score from 1 to 5, not {}", args.score)));
        }
        let (url, acting) = self.dossier_route(path::DOSSIER_RATING, &args.code).await?;
        let rating = Rating { score: args.score, comment: args.comment };
        let request = self.portal.http().post(url).header(ACTING_AS_HEADER, &acting).json(&rating);
        let _: Rating = PortalClient::read_json(self.send_authorized(request).await?).await?;
        self.dossier_view(&args.code).await
    }

    /// Keeps the names of the person's profiles (the person and every
    /// enterprise they act for), so the business table names them offline.
    pub(crate) async fn keep_profile_names(
        &self,
        profile: &hoso_protocol::api::account::Profile,
    ) -> Result<(), EngineError> {
        let mut names = vec![("myself".to_owned(), profile.person.full_name.clone())];
        for access in &profile.enterprises {
            names.push((access.enterprise.tax_code.as_str().to_owned(), access.enterprise.name.clone()));
        }
        table::set_profile_names(self.store.pool(), profile.person.subject.as_str(), &names).await
    }

    /// Every profile the signed-in person may follow: themselves and each
    /// enterprise of their last profile read, from the store (offline too).
    pub async fn profiles(&self) -> Result<Vec<ActingAs>, EngineError> {
        let Some(subject) = self.subject().await? else { return Ok(Vec::new()) };
        let mut profiles = vec![ActingAs::Myself];
        for key in table::profile_keys(self.store.pool(), &subject).await? {
            if key != "myself" {
                profiles.push(crate::outbox::table::parse_acting(&key)?);
            }
        }
        Ok(profiles)
    }

    /// Every dossier the device holds for the person and each enterprise of
    /// their profile, newest change first, with the profile's name: one query.
    /// The names come from the last profile read; the first time, the profile
    /// is read from the portal.
    pub async fn filings(&self) -> Result<Vec<Filing>, EngineError> {
        let subject = self.owner().await?;
        let pool = self.store.pool();
        if table::profile_keys(pool, &subject).await?.is_empty() {
            self.profile().await?;
        }
        Ok(table::filings(pool, &subject)
            .await?
            .into_iter()
            .map(|(dossier, profile_name)| Filing { profile_name, dossier })
            .collect())
    }

    /// Puts an outbox entry the portal refused (`needs_action`) back in
    /// line after the citizen fixed the cause, and tries a sender pass.
    /// Only a refusal that can change is retried (see [`may_retry`]); a
    /// judged one is `Conflict`: the answers must change, in the draft it
    /// came from, which is then submitted again.
    pub async fn retry_outbox_item(&self, client_id: &str) -> Result<OutboxItem, EngineError> {
        let subject = self.owner().await?;
        let pool = self.store.pool();
        let mut found = None;
        for entries in [Entries::Submissions, Entries::Supplements] {
            if let Some((phase, state)) = crate::outbox::table::state_of(pool, entries, &subject, client_id).await? {
                found = Some((entries, phase, state));
                break;
            }
        }
        let Some((entries, phase, state)) = found else {
            return Err(EngineError::NotFound { what: "outbox item", id: client_id.to_owned() });
        };
        match (phase.as_str(), &state) {
            ("needs_action", OutboxState::NeedsAction { error }) if may_retry(error.kind) => {
                crate::outbox::table::requeue(pool, entries, &subject, client_id).await?;
            }
            ("needs_action", OutboxState::NeedsAction { error }) => {
                return Err(EngineError::Conflict(format!(
                    "the portal's refusal ({}) does not change by sending the same again",
                    error.kind.as_str()
                )));
            }
            _ => return Err(EngineError::Conflict(format!("outbox item {client_id} is not waiting for action"))),
        }
        if let Err(error) = self.send_outbox(self.stored_attachments()).await {
            tracing::info!(%error, "the retried item waits in the outbox");
        }
        self.outbox()
            .await?
            .into_iter()
            .find(|item| item.client_id == client_id)
            .ok_or_else(|| EngineError::NotFound { what: "outbox item", id: client_id.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_code_is_letters_digits_dots_and_dashes_only() {
        assert!(checked_code("H01.2026.000001").is_ok());
        assert!(checked_code("../profile").is_err());
        assert!(checked_code("a/b").is_err());
        assert!(checked_code("").is_err());
    }

    #[test]
    fn a_network_failure_shows_the_kept_copy_and_a_missing_dossier_does_not() {
        let gone = EngineError::NotFound { what: "dossier", id: "x".into() };
        assert!(!may_show_kept_copy(&gone));
        assert!(may_show_kept_copy(&EngineError::NotSignedIn));
        let busy = EngineError::PortalRefused {
            status: 503,
            envelope: hoso_protocol::error::ErrorEnvelope::new(ErrorKind::Internal, "busy"),
        };
        assert!(may_show_kept_copy(&busy));
    }

    #[test]
    fn only_a_refusal_that_can_change_is_retried() {
        assert!(may_retry(ErrorKind::Forbidden));
        assert!(may_retry(ErrorKind::Network));
        assert!(!may_retry(ErrorKind::InvalidInput));
        assert!(!may_retry(ErrorKind::Conflict));
    }
}
