//! Demo controls for support staff (demo mode only): the scripted scenarios
//! with "play" (filed for the acting profile), the runs so far with links to
//! their dossiers, the virtual clock with "advance 1 hour / 1 day / 1 week",
//! and "reset everything" behind a confirmation.

use std::time::Duration;

use hoso_protocol::api::demo::{AdvanceClock, DemoClock, Run, RunState, ScenarioInfo};
use hoso_protocol::command::{DemoAdvance, DemoClockGet, DemoPlay, DemoPlayArgs, DemoReset, DemoRuns, DemoScenarios};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::components::{Confirm, ErrorNotice, Notice, NoticeTone};
use crate::i18n::{Lang, pick, t, t_n};
use crate::route::Route;
use crate::state::{ctx, local_offset};
use crate::transport::call;
use crate::vm::time::date_time;

/// What the last button did, said politely.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Played(Run),
    Advanced { played: u32 },
    Reset,
    Failed(ErrorEnvelope),
}

#[component]
pub fn DemoPage() -> impl IntoView {
    let state = ctx();
    let lang = state.lang;
    let scenarios = LocalResource::new(|| call::<DemoScenarios>(&()));
    let runs = RwSignal::new(None::<Result<Vec<Run>, ErrorEnvelope>>);
    let clock = RwSignal::new(None::<Result<DemoClock, ErrorEnvelope>>);
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);

    let refresh = move || {
        leptos::task::spawn_local(async move {
            let (r, c) = (Some(call::<DemoRuns>(&()).await), Some(call::<DemoClockGet>(&()).await));
            // Only a change redraws, so the keyboard focus stays where it was.
            if runs.try_with_untracked(|current| current != &r) == Some(true) {
                let _ = runs.try_set(r);
            }
            if clock.try_with_untracked(|current| current != &c) == Some(true) {
                let _ = clock.try_set(c);
            }
        });
    };
    refresh();
    // Runs move on by themselves as the simulator plays what comes due.
    if let Ok(timer) = set_interval_with_handle(refresh, Duration::from_secs(5)) {
        on_cleanup(move || timer.clear());
    }

    let play = move |scenario: String| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = match call::<DemoPlay>(&DemoPlayArgs { scenario }).await {
                Ok(run) => Outcome::Played(run),
                Err(e) => Outcome::Failed(e),
            };
            let _ = outcome.try_set(Some(done));
            let _ = busy.try_set(false);
            refresh();
        });
    };
    let advance = move |minutes: u32| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = match call::<DemoAdvance>(&AdvanceClock { minutes }).await {
                Ok(advanced) => {
                    let _ = clock.try_set(Some(Ok(advanced.clock)));
                    Outcome::Advanced { played: advanced.played }
                }
                Err(e) => Outcome::Failed(e),
            };
            let _ = outcome.try_set(Some(done));
            let _ = busy.try_set(false);
            refresh();
        });
    };
    let reset = Callback::new(move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = match call::<DemoReset>(&()).await {
                Ok(()) => Outcome::Reset,
                Err(e) => Outcome::Failed(e),
            };
            let _ = outcome.try_set(Some(done));
            let _ = busy.try_set(false);
            let _ = confirming.try_set(false);
            refresh();
        });
    });

    view! {
        <h1>{move || t(lang.get(), "nav.demo")}</h1>
        <Show when=move || !state.is_demo()>
            <Notice testid="not-demo"><p>{move || t(lang.get(), "demo.only")}</p></Notice>
        </Show>
        <Show when=move || state.is_demo()>
            <p class="lead">{move || t(lang.get(), "demo.lead")}</p>
            {move || outcome.get().map(|o| outcome_view(lang.get(), o))}

            <section aria-labelledby="clock-heading" data-testid="demo-clock">
                <h2 id="clock-heading">{move || t(lang.get(), "demo.clock_heading")}</h2>
                {move || match clock.get() {
                    None => view! { <p>{t(lang.get(), "common.loading")}</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                    Some(Ok(clock)) => view! {
                        <p class="clock" data-testid="demo-clock-now">{date_time(clock.now, local_offset())}</p>
                        <p class="muted">{ahead_text(lang.get(), clock.ahead_seconds)}</p>
                    }.into_any(),
                }}
                <div class="button-group">
                    {[(60u32, "demo.advance_hour", "advance-hour"), (1_440, "demo.advance_day", "advance-day"),
                      (10_080, "demo.advance_week", "advance-week")].into_iter().map(|(minutes, key, testid)| view! {
                        <button type="button" class="button button--secondary" data-testid=testid
                            disabled=move || busy.get() on:click=move |_| advance(minutes)>
                            {move || t(lang.get(), key)}
                        </button>
                    }).collect_view()}
                </div>
            </section>

            <section aria-labelledby="scenarios-heading">
                <h2 id="scenarios-heading">{move || t(lang.get(), "demo.scenarios_heading")}</h2>
                {move || match scenarios.get() {
                    None => view! { <p>{t(lang.get(), "common.loading")}</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t(lang.get(), "demo.no_scenarios")}</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <ul class="card-list" data-testid="demo-scenarios">
                            {list.into_iter().map(|s| scenario_card(lang.get(), s, play, busy)).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </section>

            <section aria-labelledby="runs-heading">
                <h2 id="runs-heading">{move || t(lang.get(), "demo.runs_heading")}</h2>
                {move || match runs.get() {
                    None => view! { <p>{t(lang.get(), "common.loading")}</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t(lang.get(), "demo.no_runs")}</p> }.into_any(),
                    Some(Ok(list)) => {
                        let titles = scenarios.get().and_then(Result::ok).unwrap_or_default();
                        view! {
                            <ul class="card-list" data-testid="demo-runs">
                                {list.into_iter().map(|run| run_card(lang.get(), run, &titles)).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </section>

            <section aria-labelledby="reset-heading">
                <h2 id="reset-heading">{move || t(lang.get(), "demo.reset_heading")}</h2>
                <Show when=move || !confirming.get()>
                    <button type="button" class="button button--warning" data-testid="demo-reset"
                        on:click=move |_| confirming.set(true)>
                        {move || t(lang.get(), "demo.reset")}
                    </button>
                </Show>
                <Show when=move || confirming.get()>
                    <Confirm title="demo.reset_confirm_title" confirm="demo.reset" on_confirm=reset
                        on_cancel=Callback::new(move |_| confirming.set(false)) busy=busy testid="confirm-reset">
                        <p>{move || t(lang.get(), "demo.reset_confirm")}</p>
                    </Confirm>
                </Show>
            </section>
        </Show>
    }
}

fn outcome_view(lang: Lang, outcome: Outcome) -> AnyView {
    match outcome {
        Outcome::Failed(error) => view! { <ErrorNotice error /> }.into_any(),
        Outcome::Played(run) => view! {
            <Notice tone=NoticeTone::Success testid="demo-outcome">
                <p>{t(lang, "demo.played").replace("{code}", &run.code)} " "
                    <a href=Route::Dossier { code: run.code.clone() }.fragment()>{t(lang, "demo.open_dossier")}</a>
                </p>
            </Notice>
        }
        .into_any(),
        Outcome::Advanced { played } => view! {
            <Notice tone=NoticeTone::Success testid="demo-outcome"><p>{t_n(lang, "demo.advanced", played)}</p></Notice>
        }
        .into_any(),
        Outcome::Reset => view! {
            <Notice tone=NoticeTone::Success testid="demo-outcome"><p>{t(lang, "demo.reset_done")}</p></Notice>
        }
        .into_any(),
    }
}

/// "2 days 3 hours ahead of real time", in whole hours.
fn ahead_text(lang: Lang, seconds: i64) -> String {
    let hours = seconds.max(0) / 3_600;
    t(lang, "demo.ahead").replace("{days}", &(hours / 24).to_string()).replace("{hours}", &(hours % 24).to_string())
}

fn scenario_card(
    lang: Lang,
    scenario: ScenarioInfo,
    play: impl Fn(String) + Copy + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let id = scenario.id.clone();
    view! {
        <li class="card" data-testid="demo-scenario" data-scenario=scenario.id.clone()>
            <h3 class="card__title">{pick(lang, &scenario.title)}</h3>
            <p>{pick(lang, &scenario.summary)}</p>
            <p class="card__meta">{t(lang, "procedure.code")} ": " {scenario.procedure.as_str().to_owned()}</p>
            <details>
                <summary>{t_n(lang, "demo.steps", scenario.steps.len())}</summary>
                <ol class="steps">
                    {scenario.steps.iter().map(|step| view! {
                        <li>{pick(lang, &step.label)} " (" {t_n(lang, "demo.after_minutes", step.after_minutes)} ")"</li>
                    }).collect_view()}
                </ol>
            </details>
            <button type="button" class="button" data-testid="demo-play" disabled=move || busy.get()
                on:click=move |_| play(id.clone())>
                {t(lang, "demo.play")}
            </button>
        </li>
    }
}

fn run_card(lang: Lang, run: Run, scenarios: &[ScenarioInfo]) -> impl IntoView {
    let title =
        scenarios.iter().find(|s| s.id == run.scenario).map(|s| pick(lang, &s.title)).unwrap_or(run.scenario.clone());
    let (state_key, class) = match run.state {
        RunState::Playing => ("demo.run.playing", "tag tag--progress"),
        RunState::Finished => ("demo.run.finished", "tag tag--done"),
        RunState::Stopped => ("demo.run.stopped", "tag tag--ended"),
    };
    let progress = t(lang, "demo.run.progress")
        .replace("{played}", &run.played.to_string())
        .replace("{steps}", &run.steps.to_string());
    view! {
        <li class="card" data-testid="demo-run" data-code=run.code.clone()>
            <h3 class="card__title">
                <a href=Route::Dossier { code: run.code.clone() }.fragment()>{format!("{title} · {}", run.code)}</a>
            </h3>
            <p class="card__row"><strong class=class>{t(lang, state_key)}</strong> <span>{progress}</span></p>
            {run.next_at.map(|next| view! {
                <p class="card__meta">{t(lang, "demo.run.next_at").replace("{when}", &date_time(next, local_offset()))}</p>
            })}
            {run.note.map(|note| view! { <p class="card__meta">{note}</p> })}
        </li>
    }
}
