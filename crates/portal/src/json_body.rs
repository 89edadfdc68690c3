//! The JSON body extractor of API v1: axum's `Json`, with every rejection
//! (too large, not JSON, wrong shape, wrong content type) answered as our
//! envelope rather than axum's plain text, so clients handle one error shape.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use hoso_protocol::error::ErrorKind;
use serde::de::DeserializeOwned;

use crate::PortalError;

/// A request body read as JSON, within the route's body limit.
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PortalError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

fn refusal(rejection: &JsonRejection) -> PortalError {
    let (status, kind, message) = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorKind::InvalidInput, "send application/json")
        }
        JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "the body is not JSON"),
        JsonRejection::JsonDataError(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorKind::InvalidInput, "the body does not have the expected shape")
        }
        JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            (StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, "the body is larger than allowed")
        }
        _ => (StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, "the body could not be read"),
    };
    PortalError::Refused { status, kind, message }
}
