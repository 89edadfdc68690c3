// Loads the wasm UI. Kept out of index.html so the CSP needs no 'unsafe-inline'.
// If the wasm cannot start, translations are not loaded yet, so the one
// message shown is written here in both languages rather than left blank.
import init from "./hoso_ui.js";

init().catch((error) => {
  console.error("Hồ sơ could not start", error);
  document.body.setAttribute("data-boot-error", String(error));
  const message = document.createElement("p");
  message.setAttribute("role", "alert");
  message.textContent = "Không khởi động được ứng dụng. / The app could not start.";
  document.body.append(message);
});
