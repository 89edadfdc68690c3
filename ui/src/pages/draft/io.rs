//! Files in and out of the page: reading a picked file's bytes (as base64,
//! the commands' encoding) and saving bytes as a download through a Blob
//! link. The encoding itself is [`crate::model::base64`], tested natively.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::model::base64;

/// The bytes of a picked file, as standard base64.
pub async fn read_base64(file: &web_sys::File) -> Result<String, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
    Ok(base64::encode(&Uint8Array::new(&buffer).to_vec()))
}

/// A download link's address for `bytes` (an object URL the page keeps
/// until it is reloaded, so the link keeps working).
pub fn object_url(bytes: &[u8], media_type: &str) -> Result<String, String> {
    let parts = Array::new();
    parts.push(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))
}

/// Saves `bytes` as the file `name` by clicking a temporary download link.
pub fn save_as(url: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(element) = document.create_element("a") else { return };
    let Ok(link) = element.dyn_into::<web_sys::HtmlAnchorElement>() else { return };
    link.set_href(url);
    link.set_download(name);
    if let Some(body) = document.body() {
        let _ = body.append_child(&link);
        link.click();
        let _ = body.remove_child(&link);
    }
}
