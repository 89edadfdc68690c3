//! The desktop redirect of RFC 8252 §7.3: a one-shot HTTP listener on
//! `127.0.0.1` at a port the system picks, waiting for the browser to come
//! back to `http://127.0.0.1:{port}/callback`.
//!
//! It answers every request with a small page and ends at the first callback
//! whose `state` is this sign-in's; any other request (a wrong state, another
//! path, a browser's speculative connection) is answered and does not end the
//! wait, so a page another site points at the port cannot cancel a sign-in.
//! The socket closes when the wait ends, by callback or by timeout.

use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::AuthError;

/// The largest request head read; a callback's is well under 4 KiB.
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What the provider sent back, for this sign-in's `state`.
#[derive(Debug)]
pub struct Callback {
    pub code: Option<String>,
    pub error: Option<String>,
    pub iss: Option<String>,
}

pub struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
}

impl Loopback {
    pub async fn bind() -> Result<Self, AuthError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(AuthError::Loopback)?;
        let port = listener.local_addr().map_err(AuthError::Loopback)?.port();
        Ok(Self { listener, redirect_uri: format!("http://127.0.0.1:{port}/callback") })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the callback carrying `state`, at most `timeout`; the
    /// listener is closed when this returns.
    pub async fn wait(self, state: &str, timeout: Duration) -> Result<Callback, AuthError> {
        let (found, mut callbacks) = mpsc::channel(1);
        let mut connections = JoinSet::new();
        let accepting = async {
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted.map_err(AuthError::Loopback)?;
                        connections.spawn(answer(stream, state.to_owned(), found.clone()));
                    }
                    Some(callback) = callbacks.recv() => return Ok(callback),
                }
            }
        };
        let outcome = tokio::time::timeout(timeout, accepting).await.unwrap_or(Err(AuthError::TimedOut));
        // Dropping the set aborts connections still being read; `self` drops
        // the listener with it.
        connections.abort_all();
        outcome
    }
}

/// Reads one request and answers it; reports the callback if its state is ours.
async fn answer(mut stream: TcpStream, state: String, found: mpsc::Sender<Callback>) {
    let Ok(Ok(Some(target))) = tokio::time::timeout(READ_TIMEOUT, request_target(&mut stream)).await else {
        return;
    };
    let (status, page, callback) = judge(&target, &state);
    let body = format!("<!doctype html><meta charset=utf-8><title>Hồ sơ</title><p>{page}</p>");
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    // The person sees the page or not; the sign-in goes on either way.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    if let Some(callback) = callback {
        let _ = found.send(callback).await;
    }
}

/// The request target of `GET <target> HTTP/1.1`, once the head is read.
async fn request_target(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await?;
        if read == 0 || head.len() + read > MAX_HEAD {
            return Ok(None);
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.lines().next().unwrap_or_default().split(' ');
    match (words.next(), words.next()) {
        (Some("GET"), Some(target)) => Ok(Some(target.to_owned())),
        _ => Ok(None),
    }
}

/// Status line, page text, and the callback if this request is ours.
fn judge(target: &str, state: &str) -> (&'static str, &'static str, Option<Callback>) {
    const NOT_OURS: (&str, &str) = ("400 Bad Request", "Không phải yêu cầu đăng nhập này. / Not this sign-in.");
    let Ok(url) = Url::parse("http://127.0.0.1").and_then(|base| base.join(target)) else {
        return (NOT_OURS.0, NOT_OURS.1, None);
    };
    if url.path() != "/callback" {
        return ("404 Not Found", "Không tìm thấy. / Not found.", None);
    }
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    if param("state").as_deref() != Some(state) {
        return (NOT_OURS.0, NOT_OURS.1, None);
    }
    let callback = Callback { code: param("code"), error: param("error"), iss: param("iss") };
    let page = if callback.error.is_some() {
        "Đăng nhập không thành công; hãy quay lại ứng dụng. / Sign-in did not succeed; return to the app."
    } else {
        "Đã đăng nhập; bạn có thể đóng trang này. / Signed in; you may close this page."
    };
    ("200 OK", page, Some(callback))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_with_another_state_is_not_ours() {
        let (status, _, callback) = judge("/callback?code=c&state=other", "mine");
        assert_eq!(status, "400 Bad Request");
        assert!(callback.is_none());
    }

    #[test]
    fn a_callback_with_our_state_carries_the_code_and_issuer() {
        let (status, _, callback) = judge("/callback?code=c-1&state=mine&iss=http%3A%2F%2Fportal", "mine");
        assert_eq!(status, "200 OK");
        let callback = callback.unwrap();
        assert_eq!(callback.code.as_deref(), Some("c-1"));
        assert_eq!(callback.iss.as_deref(), Some("http://portal"));
    }

    #[test]
    fn another_path_is_not_found() {
        assert_eq!(judge("/favicon.ico", "mine").0, "404 Not Found");
    }
}
