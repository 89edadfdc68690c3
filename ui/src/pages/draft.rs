//! The form wizard: one layout page per screen (`wizard`), "check your
//! answers" and submission (`check`), drawing questions (`fields`), saving
//! and judging as people type (`autosave`), and what the screens share
//! (`cache`, `session`, `io`). The supplement screen reuses the same pieces.
//! A draft already submitted is shown read-only (`check::SubmittedDraft`).

pub mod attach;
pub mod autosave;
pub mod cache;
pub mod check;
pub mod fields;
pub mod io;
pub mod session;
pub mod wizard;

use std::sync::Arc;

use hoso_domain::catalogue::Procedure;
use hoso_domain::form::FormDefinition;
use hoso_protocol::command::{Draft, DraftId, DraftOpen, OutboxItem};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::components::ErrorNotice;
use crate::i18n::t;
use crate::route::{DraftStep, Route};
use crate::state::ctx;
use crate::transport::call;

/// A draft with its form and procedure, as every wizard screen needs it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub draft: Draft,
    pub form: Arc<FormDefinition>,
    /// `None` when the local catalogue no longer lists the procedure (files
    /// then cannot be checked, and attachment questions say so).
    pub procedure: Option<Procedure>,
}

async fn load(id: String) -> Result<Loaded, ErrorEnvelope> {
    let draft = call::<DraftOpen>(&DraftId { id }).await?;
    let form = cache::form(&draft.summary.form).await?;
    let procedure = cache::procedure(draft.summary.procedure.as_str()).await;
    Ok(Loaded { draft, form, procedure })
}

/// What a draft's address shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Screen {
    Page(usize),
    Check,
    /// Read-only, whatever the step asked for: the draft was submitted.
    Submitted(OutboxItem),
}

/// The screen for `draft` at `step`: a draft whose submission is on its way
/// or filed is shown read-only at any step (opened by its address, say), so
/// nobody changes answers or files the portal has or is about to get; a
/// draft whose submission the portal refused is open to fix.
fn screen(draft: &Draft, step: DraftStep) -> Screen {
    match (&draft.submitted, step) {
        (Some(item), _) => Screen::Submitted(item.clone()),
        (None, DraftStep::Page(page)) => Screen::Page(page),
        (None, DraftStep::Check) => Screen::Check,
    }
}

#[component]
pub fn DraftPage(id: String, step: DraftStep) -> impl IntoView {
    let lang = ctx().lang;
    let loaded = {
        let id = id.clone();
        LocalResource::new(move || load(id.clone()))
    };
    view! {
        {move || match loaded.get() {
            None => view! {
                <p class="loading" role="status" data-testid="loading">{move || t(lang.get(), "common.loading")}</p>
            }.into_any(),
            Some(Err(error)) => view! {
                <a class="back-link" href=Route::Home.fragment()>{move || t(lang.get(), "common.back")}</a>
                <h1>{move || t(lang.get(), "nav.draft")}</h1>
                <ErrorNotice error retry=Callback::new(move |()| loaded.refetch()) />
            }.into_any(),
            Some(Ok(loaded)) => match screen(&loaded.draft, step) {
                Screen::Page(page) => view! { <wizard::Wizard loaded page /> }.into_any(),
                Screen::Check => view! { <check::CheckAnswers loaded /> }.into_any(),
                Screen::Submitted(item) => view! { <check::SubmittedDraft loaded item /> }.into_any(),
            },
        }}
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::catalogue::{FormRef, Localized, ProcedureCode};
    use hoso_domain::profile::ActingAs;
    use hoso_protocol::command::{DraftSummary, OutboxState};

    use super::*;

    fn draft(submitted: Option<OutboxItem>) -> Draft {
        let procedure = ProcedureCode::parse("1.001193").unwrap();
        let procedure_name = Localized { vi: "Đăng ký khai sinh".into(), en: "Birth registration".into() };
        let summary = DraftSummary {
            id: "d-1".into(),
            procedure,
            procedure_name,
            acting_as: ActingAs::Myself,
            form: FormRef { id: "ho-tich.khai-sinh".into(), version: 1 },
            saved_at: time::OffsetDateTime::UNIX_EPOCH,
            conflict: false,
        };
        Draft { summary, data: serde_json::json!({}), orphaned: Vec::new(), attachments: Vec::new(), submitted }
    }

    fn submission(state: OutboxState) -> OutboxItem {
        let summary = draft(None).summary;
        OutboxItem {
            client_id: summary.id,
            procedure: summary.procedure,
            procedure_name: summary.procedure_name,
            acting_as: summary.acting_as,
            queued_at: summary.saved_at,
            state,
        }
    }

    #[test]
    fn a_submitted_draft_is_read_only_at_every_step_and_any_other_is_edited() {
        for state in [OutboxState::WaitingForNetwork, OutboxState::Sent { code: "H01".into() }] {
            let item = submission(state);
            let submitted = draft(Some(item.clone()));
            assert_eq!(screen(&submitted, DraftStep::Page(2)), Screen::Submitted(item.clone()));
            assert_eq!(screen(&submitted, DraftStep::Check), Screen::Submitted(item));
        }
        assert_eq!(screen(&draft(None), DraftStep::Page(2)), Screen::Page(2));
        assert_eq!(screen(&draft(None), DraftStep::Check), Screen::Check);
    }
}
