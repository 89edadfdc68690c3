//! Desktop notifications of dossier status changes: the shell listens to the
//! engine's status events (`Engine::subscribe`) and shows each as a system
//! notification, its text from the translation files (Vietnamese, the app's
//! default language, since the shell does not know the UI's choice). The
//! event names the dossier and its new status only: nothing else personal.

use hoso_domain::dossier::DossierStatus;
use hoso_engine::DossierEvent;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

use crate::session::Session;

const VI: &str = include_str!("../../assets/i18n/vi.json");

/// Listens for status changes until the app ends; after the local data is
/// deleted (the engine replaced, its channel closed) it listens to the new
/// engine.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    let texts: serde_json::Map<String, serde_json::Value> = serde_json::from_str(VI).unwrap_or_default();
    tauri::async_runtime::spawn(async move {
        loop {
            let Some(session) = app.try_state::<Session>() else { return };
            // Without an engine (the demo portal did not start) no status
            // changes; while it starts, this waits for it. The engine is not
            // held past subscribing: once it is replaced its channel must close.
            let Ok(mut events) = session.engine().await.map(|engine| engine.subscribe()) else { return };
            loop {
                match events.recv().await {
                    Ok(event) => show(&app, &texts, &event),
                    // Missed events are still in the store; nothing to catch up.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                }
            }
        }
    });
}

/// The title and body of the notification for `event`, if it is worth one:
/// the device's own steps (a draft, a queued submission) are not.
pub fn text(texts: &serde_json::Map<String, serde_json::Value>, event: &DossierEvent) -> Option<(String, String)> {
    if matches!(event.to, DossierStatus::Draft | DossierStatus::Queued) {
        return None;
    }
    let status = serde_json::to_value(event.to).ok()?;
    let lookup = |key: &str| texts.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let title = lookup("notification.title")?.replace("{code}", &event.code);
    let body = lookup(&format!("notification.status.{}", status.as_str()?))?;
    Some((title, body))
}

fn show<R: Runtime>(app: &AppHandle<R>, texts: &serde_json::Map<String, serde_json::Value>, event: &DossierEvent) {
    let Some((title, body)) = text(texts, event) else { return };
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::info!(%error, "a status notification could not be shown");
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::profile::ActingAs;

    use super::*;

    fn event(to: DossierStatus) -> DossierEvent {
        DossierEvent {
            client_id: "c1".to_owned(),
            code: "G01.123-260101-0001".to_owned(),
            acting_as: ActingAs::Myself,
            from: Some(DossierStatus::Processing),
            to,
        }
    }

    #[test]
    fn every_status_the_portal_moves_a_dossier_to_has_a_notification_text() {
        let texts = serde_json::from_str(VI).unwrap();
        for status in DossierStatus::ALL {
            let shown = text(&texts, &event(status));
            if matches!(status, DossierStatus::Draft | DossierStatus::Queued) {
                assert_eq!(shown, None);
            } else {
                let (title, body) = shown.unwrap_or_else(|| panic!("no text for {status:?}"));
                assert_eq!(title, "Hồ sơ G01.123-260101-0001");
                assert!(!body.is_empty());
            }
        }
    }
}
