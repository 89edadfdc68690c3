//! The provider's HTML pages: the sign-in form (plain HTML that works
//! without JavaScript, offering a passkey first when the portal's own script
//! runs), the error page shown when a request cannot be trusted enough to
//! redirect, and the signed-out page. Vietnamese first, English beside it.
//! Every page forbids framing and caching; only the sign-in page runs a
//! script, the same-origin file `/passkey.js`, never an inline one.

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

/// No script at all.
const CSP_STATIC: &str = "default-src 'none'; form-action 'self'; frame-ancestors 'none'";
/// Scripts and requests only from the portal itself: the passkey script and
/// its calls to the passkey endpoints. The form may also lead to the client's
/// redirect URI, because browsers apply `form-action` to the redirect that
/// follows the form's post, and a signed-in person is sent back to the client.
fn sign_in_csp(redirect_uri: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'self'{}; frame-ancestors 'none'",
        form_action_source(redirect_uri).map(|source| format!(" {source}")).unwrap_or_default()
    )
}

/// The CSP source that admits a redirect to `redirect_uri`: its origin for
/// http(s), its scheme for an app's private-use scheme (RFC 8252 §7.1).
/// Redirect URIs are registered ones, but the source is rebuilt from the
/// parsed URL anyway, so nothing from outside can add a directive.
fn form_action_source(redirect_uri: &str) -> Option<String> {
    let url = url::Url::parse(redirect_uri).ok()?;
    let scheme = url.scheme();
    if !scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    match (scheme, url.host()) {
        ("http" | "https", Some(host)) => {
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let host = match host {
                url::Host::Domain(domain) => domain.to_owned(),
                url::Host::Ipv4(ip) => ip.to_string(),
                url::Host::Ipv6(ip) => format!("[{ip}]"),
            };
            Some(format!("{scheme}://{host}{port}"))
        }
        ("http" | "https", None) => None,
        _ => Some(format!("{scheme}:")),
    }
}

pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_with(status, title, "", body, HeaderValue::from_static(CSP_STATIC))
}

fn page_with(status: StatusCode, title: &str, head: &str, body: &str, csp: HeaderValue) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title>{head}</head><body><main>{body}</main></body></html>\n",
        escape(title)
    );
    let headers = [
        (CONTENT_SECURITY_POLICY, csp),
        (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
    ];
    (status, headers, Html(html)).into_response()
}

/// The sign-in form for a pending authorization request. The passkey
/// button stays hidden unless the script can use it, so without JavaScript
/// the page is the password form alone. `redirect_uri` is where the person
/// goes once signed in.
pub fn login(request_id: &str, redirect_uri: &str, username: &str, error: Option<&str>) -> Response {
    let status = if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    let error = error.map(|e| format!("<p role=\"alert\" id=\"error\">{}</p>", escape(e))).unwrap_or_default();
    let body = format!(
        "<h1>Đăng nhập / Sign in</h1>{error}\
         <section id=\"passkey-area\" hidden>\
         <p><button type=\"button\" id=\"passkey\" data-request=\"{request}\">\
         Đăng nhập bằng khóa truy cập / Sign in with a passkey</button></p>\
         <p role=\"alert\" id=\"passkey-error\" hidden>\
         Không đăng nhập được bằng khóa truy cập; hãy thử lại hoặc dùng mật khẩu. / \
         The passkey did not work; try again or use your password.</p>\
         <p>Hoặc / Or</p></section>\
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
    let script = format!("<script src=\"{PASSKEY_SCRIPT}\" defer></script>");
    let csp = HeaderValue::from_str(&sign_in_csp(redirect_uri)).unwrap_or(HeaderValue::from_static(CSP_STATIC));
    page_with(status, "Đăng nhập — Hồ sơ", &script, &body, csp)
}

/// Where the sign-in page's script is served.
pub const PASSKEY_SCRIPT: &str = "/passkey.js";

/// After end-session, when the client gave no address to return to.
pub fn signed_out() -> Response {
    let body = "<h1>Đã đăng xuất / Signed out</h1>\
                <p>Bạn có thể đóng trang này. / You may close this page.</p>";
    page(StatusCode::OK, "Đã đăng xuất — Hồ sơ", body)
}

/// An end-session request the provider will not act on; never redirected.
pub fn sign_out_refused(reason: &str) -> Response {
    let body = format!(
        "<h1>Không thể đăng xuất / Cannot sign out</h1><p id=\"reason\">{}</p>\
         <p>Vui lòng quay lại ứng dụng và thử lại. / Please go back to the app and try again.</p>",
        escape(reason)
    );
    page(StatusCode::BAD_REQUEST, "Không thể đăng xuất — Hồ sơ", &body)
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
