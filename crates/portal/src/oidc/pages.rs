//! The provider's HTML pages: the sign-in form (plain HTML that works
//! without JavaScript) and the error page shown when a request cannot be
//! trusted enough to redirect. Vietnamese first, English beside it. Every
//! page forbids framing, scripts and caching.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_FRAME_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// Escapes text for HTML element content and double-quoted attributes.
/// The pages are two small forms; a template engine would add more than it saves.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title></head><body><main>{body}</main></body></html>\n",
        escape(title)
    );
    let headers = [
        (
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; form-action 'self'; frame-ancestors 'none'"),
        ),
        (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
    ];
    (status, headers, Html(html)).into_response()
}

/// The sign-in form for a pending authorization request.
pub fn login(request_id: &str, username: &str, error: Option<&str>) -> Response {
    let status = if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    let error = error.map(|e| format!("<p role=\"alert\" id=\"error\">{}</p>", escape(e))).unwrap_or_default();
    let body = format!(
        "<h1>Đăng nhập / Sign in</h1>{error}\
         <form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"request_id\" value=\"{request}\">\
         <p><label for=\"username\">Tên đăng nhập / User name</label><br>\
         <input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"{username}\"></p>\
         <p><label for=\"password\">Mật khẩu / Password</label><br>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><label for=\"code\">Mã xác thực một lần / One-time code</label><br>\
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{{6}}\" required></p>\
         <p><button type=\"submit\">Đăng nhập / Sign in</button></p></form>",
        request = escape(request_id),
        username = escape(username),
    );
    page(status, "Đăng nhập — Hồ sơ", &body)
}

/// A request the provider will not act on and will not redirect anywhere.
pub fn refused(status: StatusCode, reason: &str) -> Response {
    let body = format!(
        "<h1>Không thể đăng nhập / Cannot sign in</h1><p id=\"reason\">{}</p>\
         <p>Vui lòng quay lại ứng dụng và thử lại. / Please go back to the app and try again.</p>",
        escape(reason)
    );
    page(status, "Không thể đăng nhập — Hồ sơ", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(escape(r#"<script>"x"&'y'</script>"#), "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;");
    }
}
