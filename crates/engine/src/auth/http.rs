//! The OpenID Connect client's HTTP over the workspace's reqwest.
//! `openidconnect` ships an adapter only for the reqwest it depends on (an
//! older major), so this small one avoids linking two HTTP stacks.

use std::future::Future;
use std::pin::Pin;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

/// reqwest without redirects: a provider endpoint that redirects is refused
/// rather than followed, so a code or token is never sent somewhere else.
#[derive(Clone)]
pub struct OidcHttp {
    client: reqwest::Client,
}

impl OidcHttp {
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OidcHttpError {
    #[error("cannot reach the identity provider: {0}")]
    Network(#[from] reqwest::Error),
    #[error("the identity provider's answer is not HTTP: {0}")]
    Http(#[from] http::Error),
}

impl<'c> AsyncHttpClient<'c> for OidcHttp {
    type Error = OidcHttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let response = self.client.execute(request).await?;
            let mut answer = http::Response::builder().status(response.status());
            if let Some(headers) = answer.headers_mut() {
                headers.extend(response.headers().iter().map(|(name, value)| (name.clone(), value.clone())));
            }
            let body = response.bytes().await?;
            Ok(answer.body(body.to_vec())?)
        })
    }
}
