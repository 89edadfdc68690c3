//! How a headless Chromium is asked for through chromedriver
//! (`goog:chromeOptions`): written once for the browser test and for
//! `cargo xtask bench`'s goal G5, which share no crate. `xtask` includes this
//! file by its path: depending on `hoso-tests` would build fantoccini,
//! reqwest and tokio into every `cargo xtask` command. So it uses nothing but
//! `serde_json`, which both crates have.

use serde_json::{Value, json};

/// A headless Chromium whose page is `width` × `height` CSS pixels, a phone's
/// (touch, the viewport meta applied) when `mobile`, with `extra` arguments
/// after the common ones. The size is set by device emulation: under
/// chromedriver a window cannot be narrower than 500 px. The caller adds the
/// browser's `binary` when it knows it.
pub fn chrome_options(width: u32, height: u32, mobile: bool, extra: &[&str]) -> Value {
    let mut args: Vec<String> = [
        "--headless=new",
        // The sandbox needs user namespaces, which containers and root lack.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
    ]
    .into_iter()
    .chain(extra.iter().copied())
    .map(str::to_owned)
    .collect();
    args.push(format!("--window-size={},{}", width.max(500), height));
    json!({
        "args": args,
        "mobileEmulation": {
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1, "mobile": mobile, "touch": mobile }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_is_emulated_at_its_size_in_a_window_chromedriver_allows() {
        let options = chrome_options(390, 844, true, &["--force-color-profile=srgb"]);
        let args: Vec<&str> = options["args"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(args.first(), Some(&"--headless=new"));
        assert!(args.contains(&"--no-sandbox"));
        assert_eq!(&args[args.len() - 2..], ["--force-color-profile=srgb", "--window-size=500,844"]);
        let metrics = &options["mobileEmulation"]["deviceMetrics"];
        assert_eq!((metrics["width"].as_u64(), metrics["height"].as_u64()), (Some(390), Some(844)));
        assert_eq!((metrics["mobile"].as_bool(), metrics["touch"].as_bool()), (Some(true), Some(true)));
    }
}
