//! Passkey assertion verification (goal G14 of `cargo xtask bench`): what the
//! portal does with a passkey sign-in's answer once it has its ceremony and
//! the stored key, timed alone: parse the browser's JSON, name the user and
//! credential (`identify_discoverable_authentication`), verify the assertion
//! (`finish_discoverable_authentication`: client data, origin, RP id hash,
//! flags, counter and the ES256 signature). The relying party is built as
//! `passkeys::relying_party::for_issuer` builds it for a loopback issuer.
//!
//! The peer, `openssl speed ecdsap256`, is run by the runner between calls of
//! this one (A B A B…). Prints one JSON object: verifications per second.
//! `cargo bench -p hoso-portal --bench passkey_verify -- [--seconds S]`.

use std::time::{Duration, Instant};

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::{
    DiscoverableKey, PublicKeyCredential, RequestChallengeResponse, Url, Uuid, WebauthnBuilder,
};

fn seconds() -> anyhow::Result<f64> {
    let mut args = std::env::args().skip(1);
    let mut seconds = 3.0;
    while let Some(arg) = args.next() {
        if arg == "--seconds" {
            seconds = args.next().context("--seconds needs a number")?.parse()?;
        }
    }
    Ok(seconds)
}

fn main() -> anyhow::Result<()> {
    let seconds = seconds()?;
    let origin = Url::parse("http://localhost:8700")?;
    let webauthn = WebauthnBuilder::new("localhost", &origin)?.rp_name("Cổng Dịch vụ công (mẫu)").build()?;
    // `true`: the soft passkey claims user verification, which the portal requires.
    let mut device = WebauthnAuthenticator::new(SoftPasskey::new(true));

    let user = Uuid::from_bytes(*b"hoso-bench-user!");
    let (creation, registration) = webauthn.start_passkey_registration(user, "citizen", "Công dân", None)?;
    let registered = device.do_registration(origin.clone(), creation).context("the soft passkey registers")?;
    let passkey = webauthn.finish_passkey_registration(&registered, &registration)?;

    let (request, ceremony) = webauthn.start_discoverable_authentication()?;
    let mut options = serde_json::to_value(&request)?;
    // The device's own choice of its credential, as in the portal's tests.
    options["publicKey"]["allowCredentials"] =
        serde_json::json!([{ "type": "public-key", "id": URL_SAFE_NO_PAD.encode(passkey.cred_id()) }]);
    let options: RequestChallengeResponse = serde_json::from_value(options)?;
    let answer = device.do_authentication(origin, options).context("the soft passkey signs")?;
    let mut credential = serde_json::to_value(answer)?;
    credential["response"]["userHandle"] = URL_SAFE_NO_PAD.encode(user.as_bytes()).into();
    // As the request body brings it.
    let body = serde_json::to_vec(&credential)?;
    let keys = [DiscoverableKey::from(&passkey)];

    let verify = || -> anyhow::Result<()> {
        let credential: PublicKeyCredential = serde_json::from_slice(&body)?;
        let (handle, _credential_id) = webauthn.identify_discoverable_authentication(&credential)?;
        anyhow::ensure!(handle == user, "the user handle");
        webauthn.finish_discoverable_authentication(&credential, ceremony.clone(), &keys)?;
        Ok(())
    };
    verify()?;
    let deadline = Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed() < deadline {
        verify()?;
        done += 1;
    }
    let per_second = done as f64 / started.elapsed().as_secs_f64();
    println!("{}", serde_json::json!({ "verifications_per_second": per_second, "verifications": done }));
    Ok(())
}
