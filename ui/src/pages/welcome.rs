//! Welcome and sign-in: one button that asks the app to sign in through the
//! system browser (never a password field in the app, RFC 8252); in demo
//! mode, the demo identities with their roles. Signed in, it goes on to
//! where the person was headed, or home.

use hoso_protocol::api::{DemoIdentity, DemoRole};
use hoso_protocol::command::{DemoIdentities, SignIn, SignInDemo, SignInDemoArgs};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::components::{ErrorNotice, Notice, NoticeTone};
use crate::i18n::t;
use crate::route::Route;
use crate::state::{Ctx, ctx, go};
use crate::transport::call;

/// Where the sign-in stands on this screen.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    Idle,
    /// Waiting for the person to finish in the browser (or the demo portal).
    Waiting,
    /// The app answered without a session: the browser was closed or the
    /// sign-in abandoned.
    NotCompleted,
    Failed(ErrorEnvelope),
}

#[component]
pub fn WelcomePage() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let progress = RwSignal::new(Progress::Idle);
    let identities = LocalResource::new(move || async move {
        // The list exists only on a demo portal; live mode shows none.
        if state.is_demo() { call::<DemoIdentities>(&()).await.ok() } else { None }
    });

    let sign_in = move |_| {
        progress.set(Progress::Waiting);
        leptos::task::spawn_local(async move { finish(state, progress, call::<SignIn>(&()).await) });
    };
    let sign_in_as = move |username: String| {
        progress.set(Progress::Waiting);
        leptos::task::spawn_local(async move {
            finish(state, progress, call::<SignInDemo>(&SignInDemoArgs { username }).await)
        });
    };
    let waiting = move || progress.get() == Progress::Waiting;

    view! {
        <h1>{move || t(lang.get(), "welcome.heading")}</h1>
        <Show when=move || state.signed_in()>
            <Notice tone=NoticeTone::Success testid="signed-in">
                <p>{move || t(lang.get(), "welcome.signed_in")}</p>
                <a class="button" href=Route::Home.fragment() data-testid="continue-home">
                    {move || t(lang.get(), "common.continue")}
                </a>
            </Notice>
        </Show>
        <Show when=move || !state.signed_in()>
            <p class="lead">{move || t(lang.get(), "welcome.lead")}</p>
            {move || match progress.get() {
                Progress::Failed(error) => Some(view! { <ErrorNotice error /> }.into_any()),
                Progress::Waiting => Some(view! {
                    <Notice testid="sign-in-waiting">
                        <p>{move || t(lang.get(), "welcome.waiting")}</p>
                    </Notice>
                }.into_any()),
                Progress::NotCompleted => Some(view! {
                    <Notice tone=NoticeTone::Warning testid="sign-in-not-completed">
                        <p>{move || t(lang.get(), "welcome.not_completed")}</p>
                    </Notice>
                }.into_any()),
                Progress::Idle => None,
            }}
            <button type="button" class="button button--start" data-testid="sign-in"
                disabled=waiting on:click=sign_in>
                {move || t(lang.get(), "welcome.sign_in")}
            </button>
            <p class="hint">{move || t(lang.get(), "welcome.sign_in_hint")}</p>
            {move || identities.get().flatten().filter(|list| !list.is_empty()).map(|list| view! {
                <h2>{move || t(lang.get(), "welcome.demo_heading")}</h2>
                <p class="hint">{move || t(lang.get(), "welcome.demo_hint")}</p>
                <ul class="identity-list" data-testid="demo-identities">
                    {list.into_iter().map(|identity| identity_button(identity, sign_in_as, waiting)).collect_view()}
                </ul>
            })}
            <h2>{move || t(lang.get(), "welcome.browse_heading")}</h2>
            <p>
                <a href=Route::Catalogue { query: String::new() }.fragment() data-testid="browse-catalogue">
                    {move || t(lang.get(), "welcome.browse")}
                </a>
            </p>
        </Show>
    }
}

fn identity_button(
    identity: DemoIdentity,
    sign_in_as: impl Fn(String) + Copy + 'static,
    waiting: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = ctx().lang;
    let role = role_key(identity.role);
    let username = identity.username.clone();
    view! {
        <li>
            <button type="button" class="identity" data-testid="demo-identity" data-username=identity.username.clone()
                disabled=waiting on:click=move |_| sign_in_as(username.clone())>
                <span class="identity__name">{identity.full_name}</span>
                <span class="identity__role">{move || t(lang.get(), role)}</span>
            </button>
        </li>
    }
}

fn role_key(role: DemoRole) -> &'static str {
    match role {
        DemoRole::Citizen => "welcome.role.citizen",
        DemoRole::BusinessRepresentative => "welcome.role.business_representative",
        DemoRole::SupportOfficer => "welcome.role.support_officer",
    }
}

/// Keeps the new session and moves on, or says why not.
fn finish(
    state: Ctx,
    progress: RwSignal<Progress>,
    answer: Result<hoso_protocol::command::SessionState, ErrorEnvelope>,
) {
    match answer {
        Ok(session) if session.signed_in => {
            state.session.set(Some(session));
            let _ = progress.try_set(Progress::Idle);
            go(state.return_to.get_untracked().unwrap_or(Route::Home));
            state.return_to.set(None);
        }
        Ok(session) => {
            state.session.set(Some(session));
            let _ = progress.try_set(Progress::NotCompleted);
        }
        // `try_`: the person may have left the page while waiting.
        Err(error) => {
            let _ = progress.try_set(Progress::Failed(error));
        }
    }
}
