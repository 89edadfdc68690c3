//! Moments for people: "3 minutes ago (14:03, 22/11/2026)", refreshed as
//! the shared clock ticks, with the machine time in `<time datetime>`.

use leptos::prelude::*;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::i18n::t;
use crate::state::{ctx, local_offset};
use crate::vm::time::{date_time, relative_text};

/// A moment, relative then exact.
#[component]
pub fn Moment(moment: OffsetDateTime) -> impl IntoView {
    let state = ctx();
    let machine = moment.format(&Rfc3339).unwrap_or_default();
    view! {
        <time datetime=machine>
            {move || format!(
                "{} ({})",
                relative_text(state.lang.get(), state.now.get(), moment),
                date_time(moment, local_offset()),
            )}
        </time>
    }
}

/// "Saved 3 minutes ago (14:03, 22/11/2026)": when a draft last became
/// durable on the device. Nothing shows before the first save.
#[component]
pub fn LastSaved(#[prop(into)] saved_at: Signal<Option<OffsetDateTime>>) -> impl IntoView {
    let state = ctx();
    view! {
        {move || saved_at.get().map(|moment| {
            let machine = moment.format(&Rfc3339).unwrap_or_default();
            let lang = state.lang.get();
            let when = format!(
                "{} ({})",
                relative_text(lang, state.now.get(), moment),
                date_time(moment, local_offset()),
            );
            view! {
                <p class="last-saved" data-testid="last-saved">
                    <time datetime=machine>{t(lang, "common.last_saved").replace("{when}", &when)}</time>
                </p>
            }
        })}
    }
}
