//! Saving and judging answers while people type: every change is saved
//! (debounced, then made durable by the engine, which answers when) and
//! judged by the one validator through `form_validate` (debounced, since the
//! UI does not link it). A change waiting to be saved is saved when the
//! screen goes away, and the wizard waits for it before moving on.

use std::time::Duration;

use hoso_domain::catalogue::FormRef;
use hoso_domain::form::FieldError;
use hoso_protocol::command::{
    DraftSave, DraftSaved, FormValidate, SaveDraft, SaveSupplement, SupplementSave, ValidateForm,
};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use leptos::prelude::*;
use serde_json::Value;
use time::OffsetDateTime;

use crate::i18n::{error_text, t};
use crate::state::{ctx, local_offset};
use crate::transport::call;

/// How long typing must pause before a save.
const SAVE_AFTER: Duration = Duration::from_millis(700);
/// How long typing must pause before the answers are judged.
const VALIDATE_AFTER: Duration = Duration::from_millis(350);

/// What is saved: a draft, or the answer to a dossier's supplement request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveTarget {
    Draft(String),
    Supplement(String),
}

async fn save(target: SaveTarget, data: Value) -> Result<DraftSaved, ErrorEnvelope> {
    match target {
        SaveTarget::Draft(id) => call::<DraftSave>(&SaveDraft { id, data }).await,
        SaveTarget::Supplement(code) => call::<SupplementSave>(&SaveSupplement { code, data }).await,
    }
}

/// Where the saving stands, for the "saved at" line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStatus {
    /// Nothing saved in this visit yet; the draft's own `saved_at`.
    Idle(Option<OffsetDateTime>),
    Saving,
    Saved(OffsetDateTime),
    Failed(ErrorKind),
}

/// The debounced saver of one screen; `Copy`, so handlers share it.
#[derive(Debug, Clone, Copy)]
pub struct Autosave {
    target: StoredValue<SaveTarget>,
    pending: StoredValue<Option<Value>>,
    generation: StoredValue<u64>,
    pub status: RwSignal<SaveStatus>,
}

impl Autosave {
    /// A saver for `target`, last saved at `saved_at`. Whatever is still
    /// waiting when the screen goes away is saved then.
    pub fn new(target: SaveTarget, saved_at: Option<OffsetDateTime>) -> Self {
        let autosave = Self {
            target: StoredValue::new(target),
            pending: StoredValue::new(None),
            generation: StoredValue::new(0),
            status: RwSignal::new(SaveStatus::Idle(saved_at)),
        };
        on_cleanup(move || {
            let waiting = autosave.pending.try_update_value(Option::take).flatten();
            if let (Some(data), Some(target)) = (waiting, autosave.target.try_get_value()) {
                leptos::task::spawn_local(async move {
                    let _ = save(target, data).await;
                });
            }
        });
        autosave
    }

    /// Records `data` as the answers to save, and saves once typing pauses.
    pub fn changed(self, data: Value) {
        let Some(generation) = self.generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            // The screen is gone; its clean-up saved what was waiting.
            return;
        };
        let _ = self.pending.try_update_value(|p| *p = Some(data));
        set_timeout(
            move || {
                if self.generation.try_get_value() == Some(generation) {
                    leptos::task::spawn_local(async move {
                        let _ = self.flush().await;
                    });
                }
            },
            SAVE_AFTER,
        );
    }

    /// Saves what is waiting now; `Ok` when nothing waits any more.
    pub async fn flush(self) -> Result<(), ErrorEnvelope> {
        let Some(data) = self.pending.try_update_value(Option::take).flatten() else { return Ok(()) };
        let Some(target) = self.target.try_get_value() else { return Ok(()) };
        self.status.try_set(SaveStatus::Saving);
        match save(target, data.clone()).await {
            Ok(saved) => {
                self.status.try_set(SaveStatus::Saved(saved.saved_at));
                Ok(())
            }
            Err(error) => {
                // Keep the answers for the next try, unless newer ones arrived.
                let _ = self.pending.try_update_value(|p| {
                    if p.is_none() {
                        *p = Some(data);
                    }
                });
                self.status.try_set(SaveStatus::Failed(error.kind));
                Err(error)
            }
        }
    }
}

/// "Saved at 14:05", "Saving…" or why saving failed (with "try again"), as
/// a polite live region so it is announced without taking focus.
#[component]
pub fn SaveLine(autosave: Autosave) -> impl IntoView {
    let lang = ctx().lang;
    let hh_mm = |moment: OffsetDateTime| {
        let local = moment.to_offset(local_offset());
        format!("{:02}:{:02}", local.hour(), local.minute())
    };
    view! {
        <div class="save-status" role="status" aria-live="polite" data-testid="save-status">
            {move || match autosave.status.get() {
                SaveStatus::Idle(None) => ().into_any(),
                SaveStatus::Idle(Some(at)) | SaveStatus::Saved(at) => view! {
                    <span data-testid="saved-at">{t(lang.get(), "form.save.saved_at").replace("{time}", &hh_mm(at))}</span>
                }.into_any(),
                SaveStatus::Saving => view! { <span>{t(lang.get(), "form.save.saving")}</span> }.into_any(),
                SaveStatus::Failed(kind) => view! {
                    <span class="save-status--failed">
                        {t(lang.get(), "form.save.failed")} " " {error_text(lang.get(), kind)} " "
                    </span>
                    <button type="button" class="link-button" data-testid="save-retry" on:click=move |_| {
                        leptos::task::spawn_local(async move { let _ = autosave.flush().await; });
                    }>{t(lang.get(), "common.try_again")}</button>
                }.into_any(),
            }}
        </div>
    }
}

/// Judging answers as people type, with the one validator in the engine.
#[derive(Debug, Clone, Copy)]
pub struct LiveValidation {
    form: StoredValue<FormRef>,
    generation: StoredValue<u64>,
    /// Every error of the last judgement, whatever page it is on.
    pub errors: RwSignal<Vec<FieldError>>,
}

impl LiveValidation {
    pub fn new(form: FormRef) -> Self {
        Self { form: StoredValue::new(form), generation: StoredValue::new(0), errors: RwSignal::new(Vec::new()) }
    }

    /// Judges `data` once typing pauses (`data` already without hidden answers).
    pub fn changed(self, data: Value) {
        let Some(generation) = self.generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        set_timeout(
            move || {
                if self.generation.try_get_value() == Some(generation) {
                    leptos::task::spawn_local(async move { self.judge(data, generation).await });
                }
            },
            VALIDATE_AFTER,
        );
    }

    /// Judges `data` now and waits for the answer.
    pub async fn now(self, data: Value) -> Vec<FieldError> {
        let generation = self.generation.try_update_value(|g| {
            *g += 1;
            *g
        });
        if let Some(generation) = generation {
            self.judge(data, generation).await;
        }
        self.errors.try_get_untracked().unwrap_or_default()
    }

    async fn judge(self, data: Value, generation: u64) {
        let Some(form) = self.form.try_get_value() else { return };
        // A failed judgement keeps the last one: the engine judges again at submission.
        if let Ok(validation) = call::<FormValidate>(&ValidateForm { form, data }).await
            && self.generation.try_get_value() == Some(generation)
        {
            self.errors.try_set(validation.errors);
        }
    }
}
