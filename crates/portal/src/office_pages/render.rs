//! What every back-office page shares: the frame (navigation, sign-out
//! form, the flash message), error pages, redirects, and how dates, statuses
//! and dossier links are written. Pages are built with the identity
//! provider's `page` and `escape`, so they get its headers and its CSP (no
//! script, forms only to the portal itself, no framing).

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_domain::dossier::{DossierStatus, VIETNAM_OFFSET};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::flash::Flash;
use super::{QUEUE, SIGN_OUT};
use crate::PortalError;
use crate::oidc::pages::{escape, page};

/// A page for a signed-in officer: navigation, sign-out, then `body`.
pub fn signed_in(title: &str, csrf: &str, flash: Option<Flash>, body: &str) -> Response {
    let html = format!(
        "<header><nav><a href=\"{QUEUE}\">Hồ sơ chờ xử lý / Queue</a> \
         <form method=\"post\" action=\"{SIGN_OUT}\">{hidden}<button type=\"submit\">Đăng xuất / Sign out</button>\
         </form></nav></header>{flash}{body}",
        hidden = csrf_field(csrf),
        flash = flash_html(flash),
    );
    page(StatusCode::OK, &format!("{title} — Hồ sơ, bộ phận một cửa"), &html)
}

/// The hidden field every form of a signed-in page carries.
pub fn csrf_field(csrf: &str) -> String {
    format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", escape(csrf))
}

pub fn flash_html(flash: Option<Flash>) -> String {
    flash.map_or_else(String::new, |flash| {
        let kind = if flash.is_refusal() { "refused" } else { "done" };
        format!("<p role=\"alert\" id=\"flash\" data-kind=\"{kind}\">{}</p>", escape(flash.text()))
    })
}

/// 303 to `location`, a path of this portal.
pub fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
        Err(_) => failure(&PortalError::CorruptRecord("redirect location".to_owned())),
    }
}

/// The page for a POST without the session's CSRF token; nothing was done.
pub fn forbidden() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "Không được phép — Hồ sơ",
        "<h1>Không được phép / Forbidden</h1>\
         <p>Biểu mẫu này không thuộc phiên làm việc hiện tại; không có gì thay đổi. Hãy tải lại trang và thử lại. / \
         This form does not belong to your current session; nothing was changed. Reload the page and try again.</p>",
    )
}

/// An error page for a failure; internals are logged, never shown.
pub fn failure(error: &PortalError) -> Response {
    match error {
        PortalError::NotFound => page(
            StatusCode::NOT_FOUND,
            "Không tìm thấy — Hồ sơ",
            "<h1>Không tìm thấy / Not found</h1><p><a href=\"/office\">Hồ sơ chờ xử lý / Queue</a></p>",
        ),
        PortalError::RateLimited { retry_after } => {
            let mut response = page(
                StatusCode::TOO_MANY_REQUESTS,
                "Thử lại sau — Hồ sơ",
                "<h1>Quá nhiều lần thử / Too many attempts</h1><p>Vui lòng đợi một phút rồi thử lại. / \
                 Please wait a minute and try again.</p>",
            );
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, (*retry_after).into());
            response
        }
        error => {
            tracing::error!(%error, "back-office page failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Lỗi — Hồ sơ",
                "<h1>Đã xảy ra lỗi / Something went wrong</h1><p>Vui lòng thử lại sau. / Please try again later.</p>",
            )
        }
    }
}

/// The path of dossier `code`'s page, with a flash message.
pub fn dossier_path(code: &str, flash: Option<Flash>) -> String {
    let mut url = url::Url::parse("http://portal.invalid/office/dossiers/").expect("a valid base");
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(code);
    }
    if let Some(flash) = flash {
        url.query_pairs_mut().append_pair("msg", flash.name());
    }
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("{}{query}", url.path())
}

/// `dd/mm/yyyy`, as Vietnamese dates are written.
pub fn date(date: Date) -> String {
    date.format(format_description!("[day]/[month]/[year]")).unwrap_or_default()
}

/// `dd/mm/yyyy hh:mm`, in Vietnam's time.
pub fn moment(at: OffsetDateTime) -> String {
    at.to_offset(VIETNAM_OFFSET).format(format_description!("[day]/[month]/[year] [hour]:[minute]")).unwrap_or_default()
}

/// The label of record with the national number, e.g. `Mới đăng ký (1)`.
pub fn status(status: DossierStatus) -> String {
    match status.national_code() {
        Some(code) => format!("{} ({code})", status.label_vi()),
        None => status.label_vi().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_are_written_day_first_in_vietnam_time() {
        assert_eq!(date(date!(2026 - 03 - 05)), "05/03/2026");
        assert_eq!(moment(datetime!(2026-03-05 17:30 UTC)), "06/03/2026 00:30");
    }

    #[test]
    fn a_dossier_path_encodes_the_code_and_names_the_message() {
        assert_eq!(
            dossier_path("000.00.00.H30-260101-00000001", None),
            "/office/dossiers/000.00.00.H30-260101-00000001"
        );
        assert_eq!(dossier_path("a b/c?", Some(Flash::NotAllowed)), "/office/dossiers/a%20b%2Fc%3F?msg=not_allowed");
    }
}
