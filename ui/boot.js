// Loads the wasm UI. Kept out of index.html so the CSP needs no 'unsafe-inline'.
import init from "./hoso_ui.js";

init();
