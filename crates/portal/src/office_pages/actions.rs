//! The forms' POST handlers: check the session's CSRF token (403 without
//! it, and nothing done), turn the form into the officer API's decision,
//! make it through the same function the API uses, and send the browser back
//! to the dossier page (303) with a message saying what happened.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hoso_protocol::api::office::OfficeMove;
use serde::Deserialize;

use super::flash::Flash;
use super::render::{dossier_path, failure, forbidden, see_other};
use super::session::OfficerSession;
use crate::http::AppState;
use crate::{PortalError, office, results};

/// A decision form as posted: every field optional, so a form without its
/// CSRF token is still read and answered 403 rather than refused as malformed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    csrf: String,
    #[serde(rename = "move")]
    kind: String,
    reason: String,
    fields: String,
    documents: String,
    amount_vnd: String,
    description: String,
    grant: String,
    note: String,
}

/// One item a line, blank lines dropped.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect()
}

/// An amount as an officer types it: `8000`, `8.000` or `8 000` đồng.
fn amount(text: &str) -> Option<u64> {
    let digits: String = text.chars().filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}')).collect();
    digits.parse().ok()
}

/// The officer API's decision a form stands for; `None` when the form is
/// not one the pages send, or its amount is not a number.
fn to_move(form: &MoveForm) -> Option<OfficeMove> {
    Some(match form.kind.as_str() {
        "accept" => OfficeMove::Accept,
        "refuse" => OfficeMove::Refuse { reason: form.reason.clone() },
        "start_processing" => OfficeMove::StartProcessing,
        "request_supplement" => OfficeMove::RequestSupplement {
            reason: form.reason.clone(),
            fields: lines(&form.fields),
            documents: lines(&form.documents),
        },
        "request_payment" => {
            OfficeMove::RequestPayment { amount_vnd: amount(&form.amount_vnd)?, description: form.description.clone() }
        }
        "stop" => OfficeMove::Stop { reason: form.reason.clone() },
        "return_result" => OfficeMove::ReturnResult,
        "decide_withdrawal" => OfficeMove::DecideWithdrawal {
            grant: match form.grant.as_str() {
                "yes" => true,
                "no" => false,
                _ => return None,
            },
            note: Some(form.note.trim()).filter(|note| !note.is_empty()).map(str::to_owned),
        },
        _ => return None,
    })
}

/// Back to the dossier page, saying how `outcome` went.
fn outcome(code: &str, done: Flash, outcome: Result<(), PortalError>) -> Response {
    match outcome {
        Ok(()) => see_other(&dossier_path(code, Some(done))),
        Err(error) => match Flash::for_refusal(&error) {
            Some(refused) => see_other(&dossier_path(code, Some(refused))),
            None => failure(&error),
        },
    }
}

/// `POST /office/dossiers/{code}/moves`: one decision from the page.
pub async fn make_move(
    State(state): State<AppState>,
    session: OfficerSession,
    Path(code): Path<String>,
    form: Result<Form<MoveForm>, FormRejection>,
) -> Response {
    // A body that is not a form carries no token either.
    let Form(form) = form.unwrap_or_default();
    if !session.csrf_matches(&form.csrf) {
        return forbidden();
    }
    let Some(decision) = to_move(&form) else {
        return see_other(&dossier_path(&code, Some(Flash::Invalid)));
    };
    let decided = office::decide(&state, &code, &decision).await.map(|_| ());
    outcome(&code, Flash::Moved, decided)
}

/// `POST /office/dossiers/{code}/result`: the result upload form
/// (multipart: the `csrf` field first, then the `file`). The token is
/// checked before the file is read, so a forged upload costs no more than its
/// first part.
pub async fn issue_result(
    State(state): State<AppState>,
    session: OfficerSession,
    Path(code): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(mut multipart) = multipart else {
        return forbidden();
    };
    let csrf = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("csrf") => field.text().await.unwrap_or_default(),
        _ => return forbidden(),
    };
    if !session.csrf_matches(&csrf) {
        return forbidden();
    }
    let file = loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let media_type = field.content_type().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) => break Some((name, media_type, bytes)),
                    Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return see_other(&dossier_path(&code, Some(Flash::TooLarge)));
                    }
                    Err(_) => break None,
                }
            }
            // Fields the form does not send are skipped.
            Ok(Some(_)) => {}
            Ok(None) => break None,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return see_other(&dossier_path(&code, Some(Flash::TooLarge)));
            }
            Err(_) => break None,
        }
    };
    let Some((name, media_type, bytes)) = file else {
        return see_other(&dossier_path(&code, Some(Flash::Invalid)));
    };
    let issued = results::issue_result(&state, &code, &name, &media_type, &bytes).await.map(|_| ());
    outcome(&code, Flash::ResultIssued, issued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str) -> MoveForm {
        MoveForm { kind: kind.to_owned(), ..MoveForm::default() }
    }

    #[test]
    fn amounts_are_read_with_or_without_thousands_separators() {
        assert_eq!(amount("8000"), Some(8000));
        assert_eq!(amount("8.000"), Some(8000));
        assert_eq!(amount(" 1 250 000 "), Some(1_250_000));
        assert_eq!(amount("tám nghìn"), None);
        assert_eq!(amount(""), None);
    }

    #[test]
    fn a_supplement_form_lists_one_pointer_or_document_a_line() {
        let posted = MoveForm {
            reason: "Bản chụp mờ".to_owned(),
            fields: "/child/full_name\r\n\r\n /mother/citizen_id \n".to_owned(),
            documents: "giay-chung-sinh".to_owned(),
            ..form("request_supplement")
        };
        assert_eq!(
            to_move(&posted),
            Some(OfficeMove::RequestSupplement {
                reason: "Bản chụp mờ".to_owned(),
                fields: vec!["/child/full_name".to_owned(), "/mother/citizen_id".to_owned()],
                documents: vec!["giay-chung-sinh".to_owned()],
            })
        );
    }

    #[test]
    fn a_withdrawal_decision_says_yes_or_no_and_an_empty_note_is_no_note() {
        let granted = MoveForm { grant: "yes".to_owned(), note: "  ".to_owned(), ..form("decide_withdrawal") };
        assert_eq!(to_move(&granted), Some(OfficeMove::DecideWithdrawal { grant: true, note: None }));
        let unclear = MoveForm { grant: "maybe".to_owned(), ..form("decide_withdrawal") };
        assert_eq!(to_move(&unclear), None);
    }

    #[test]
    fn an_unknown_move_or_an_amount_that_is_not_a_number_is_no_decision() {
        assert_eq!(to_move(&form("delete_everything")), None);
        assert_eq!(to_move(&MoveForm { amount_vnd: "free".to_owned(), ..form("request_payment") }), None);
        assert_eq!(to_move(&form("accept")), Some(OfficeMove::Accept));
    }
}
