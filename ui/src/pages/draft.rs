//! The form wizard: one layout page per screen (`wizard`), "check your
//! answers" and submission (`check`), drawing questions (`fields`), saving
//! and judging as people type (`autosave`), and what the screens share
//! (`cache`, `session`, `io`). The supplement screen reuses the same pieces.

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
use hoso_protocol::command::{Draft, DraftId, DraftOpen};
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
            Some(Ok(loaded)) => match step {
                DraftStep::Page(page) => view! { <wizard::Wizard loaded page /> }.into_any(),
                DraftStep::Check => view! { <check::CheckAnswers loaded /> }.into_any(),
            },
        }}
    }
}
