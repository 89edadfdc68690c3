// Hồ sơ sign-in page: passkeys first. Served by the portal as /passkey.js,
// a same-origin file so the page's CSP needs no inline script. Without this
// script, or without WebAuthn, the page is the password form alone.
"use strict";
(function () {
  var area = document.getElementById("passkey-area");
  var button = document.getElementById("passkey");
  var failed = document.getElementById("passkey-error");
  // Browsers refuse IP literals as relying-party ids: on such a page only
  // the password form can work.
  var ipLiteral = /^[0-9.]+$/.test(location.hostname) || location.hostname.indexOf(":") >= 0;
  if (!area || !button || !window.PublicKeyCredential || !navigator.credentials || ipLiteral) {
    return;
  }

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function signIn() {
    var requestId = button.getAttribute("data-request");
    button.disabled = true;
    failed.hidden = true;
    post("/login/passkey/start", { request_id: requestId })
      .then(function (started) {
        var options = started.options.publicKey;
        options.challenge = toBytes(options.challenge);
        (options.allowCredentials || []).forEach(function (c) {
          c.id = toBytes(c.id);
        });
        // A button press asks in a dialog, not through autofill.
        return navigator.credentials.get({ publicKey: options }).then(function (credential) {
          return post("/login/passkey/finish", {
            request_id: requestId,
            ceremony: started.ceremony,
            credential: {
              id: credential.id,
              rawId: toText(credential.rawId),
              type: credential.type,
              extensions: credential.getClientExtensionResults(),
              response: {
                authenticatorData: toText(credential.response.authenticatorData),
                clientDataJSON: toText(credential.response.clientDataJSON),
                signature: toText(credential.response.signature),
                userHandle: toText(credential.response.userHandle),
              },
            },
          });
        });
      })
      .then(function (finished) {
        location.assign(finished.redirect_to);
      })
      .catch(function () {
        button.disabled = false;
        failed.hidden = false;
      });
  }

  button.addEventListener("click", signIn);
  area.hidden = false;
})();
