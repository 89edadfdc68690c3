//! Tidy checks: the Architecture Invariants of ARCHITECTURE.md, enforced as
//! ordinary tests so a forbidden dependency or an undocumented file fails CI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cargo_metadata::{DependencyKind, Metadata, MetadataCommand, PackageId};
use hoso_domain::form::{ATTACHMENT_ERROR_CODES, FIELD_ERROR_CODES, LIMIT_CODES};
use hoso_protocol::error::ErrorKind;
use hoso_tests::workspace_root;

fn metadata() -> Metadata {
    MetadataCommand::new().manifest_path(workspace_root().join("Cargo.toml")).exec().expect("cargo metadata")
}

/// Dependency edges not followed. jsonschema's hash maps (`ahash`) take a
/// random seed against hash flooding, and jsonschema and its parts depend on
/// `getrandom` directly only to give it a wasm backend. The seed changes no
/// result the domain returns (validation output is sorted), so it is not the
/// domain drawing randomness; any other path to `getrandom` still fails.
const SEED_ONLY_EDGES: &[(&str, &str)] = &[
    ("ahash", "getrandom"),
    ("jsonschema", "getrandom"),
    ("jsonschema-value", "getrandom"),
    ("referencing", "getrandom"),
];

/// Every package name a package reaches through normal (non-dev, non-build)
/// dependencies, on any target, not following [`SEED_ONLY_EDGES`].
fn normal_closure(metadata: &Metadata, package: &str) -> BTreeSet<String> {
    let resolve = metadata.resolve.as_ref().expect("a resolved graph");
    let nodes: BTreeMap<&PackageId, _> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let names: BTreeMap<&PackageId, &str> = metadata.packages.iter().map(|p| (&p.id, p.name.as_str())).collect();
    let start = metadata
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == package)
        .unwrap_or_else(|| panic!("{package} is not a workspace member"));
    let mut seen = BTreeSet::new();
    let mut stack = vec![&start.id];
    while let Some(id) = stack.pop() {
        for dep in &nodes[id].deps {
            let normal = dep.dep_kinds.iter().any(|k| k.kind == DependencyKind::Normal);
            let edge = (names[id], names[&dep.pkg]);
            if normal && !SEED_ONLY_EDGES.contains(&edge) && seen.insert(edge.1.to_owned()) {
                stack.push(&dep.pkg);
            }
        }
    }
    seen
}

fn assert_reaches_none(metadata: &Metadata, package: &str, forbidden: &[&str], why: &str) {
    let closure = normal_closure(metadata, package);
    let found: Vec<&&str> = forbidden.iter().filter(|f| closure.contains(**f)).collect();
    assert!(found.is_empty(), "{package} must not depend on {found:?}: {why}");
}

/// Crates that do IO, read the clock or draw randomness.
const IO_CRATES: &[&str] =
    &["tokio", "mio", "reqwest", "hyper", "sqlx", "axum", "rusqlite", "libsqlite3-sys", "getrandom", "keyring"];

#[test]
fn domain_and_protocol_depend_on_no_io_crate() {
    let metadata = metadata();
    for package in ["hoso-domain", "hoso-protocol"] {
        assert_reaches_none(&metadata, package, IO_CRATES, "they are pure and build for wasm32");
    }
}

#[test]
fn the_engine_knows_nothing_of_tauri_leptos_or_the_portal() {
    let metadata = metadata();
    let forbidden = ["tauri", "wry", "leptos", "hoso-portal", "hoso-ui"];
    assert_reaches_none(&metadata, "hoso-engine", &forbidden, "it is the app without a window");
}

#[test]
fn the_ui_never_links_the_engine_the_store_or_the_keychain() {
    let metadata = metadata();
    let forbidden = ["hoso-engine", "hoso-portal", "sqlx", "keyring", "tauri"];
    assert_reaches_none(&metadata, "hoso-ui", &forbidden, "it talks to the app only through commands");
}

#[test]
fn the_ui_does_not_link_the_form_validator() {
    // Linking jsonschema grows the UI from 106 KB to 541 KB brotli (measured
    // 2026-11-22); the UI asks the engine to validate instead.
    let metadata = metadata();
    let ui = metadata.workspace_packages().into_iter().find(|p| p.name.as_str() == "hoso-ui").unwrap();
    let domain = ui.dependencies.iter().find(|d| d.name == "hoso-domain").expect("the UI uses the domain");
    assert!(!domain.uses_default_features, "the UI must take hoso-domain without default features");
    assert!(!domain.features.iter().any(|f| f == "validation"), "the UI must not enable validation");
}

#[test]
fn the_ui_does_not_compile_the_openapi_generator() {
    // utoipa derives the portal's OpenAPI schemas; the UI has no use for them
    // and would pay in build time and, were anything referenced, in wasm size.
    let metadata = metadata();
    let package = |name: &str| metadata.workspace_packages().into_iter().find(|p| p.name.as_str() == name).unwrap();
    let ui = package("hoso-ui");
    assert!(!ui.dependencies.iter().any(|d| d.name.starts_with("utoipa")), "the UI must not depend on utoipa");
    for crate_name in ["hoso-domain", "hoso-protocol"] {
        let dependency = ui.dependencies.iter().find(|d| d.name == crate_name).expect("the UI uses it");
        assert!(!dependency.features.iter().any(|f| f == "openapi"), "the UI must not enable {crate_name}/openapi");
        let defaults = package(crate_name).features.get("default").cloned().unwrap_or_default();
        assert!(!defaults.iter().any(|f| f.contains("openapi")), "{crate_name} must not enable openapi by default");
        let utoipa = package(crate_name).dependencies.iter().find(|d| d.name == "utoipa");
        assert!(utoipa.is_none_or(|d| d.optional), "{crate_name} must take utoipa only behind its openapi feature");
    }
}

#[test]
fn the_portal_shares_only_domain_and_protocol_with_the_app() {
    let metadata = metadata();
    let forbidden = ["hoso-engine", "hoso-ui", "hoso-app", "tauri", "leptos"];
    assert_reaches_none(&metadata, "hoso-portal", &forbidden, "it stands for a system we do not own");
}

#[test]
fn the_desktop_app_does_not_link_the_portal() {
    // Its demo portal is the `hoso-portal` binary it starts beside itself;
    // linking it made the app 19.93 MB against a 10 MB goal. Only phone
    // builds, which cannot start a process, link it (`demo-in-process`).
    // (Not utoipa: `cargo metadata` resolves features for the whole
    // workspace, where the portal turns on the protocol's `openapi`.)
    let metadata = metadata();
    let forbidden = ["hoso-portal", "axum", "webauthn-rs", "argon2"];
    assert_reaches_none(&metadata, "hoso-app", &forbidden, "its demo portal is a separate process on desktop");
    let app = metadata.workspace_packages().into_iter().find(|p| p.name.as_str() == "hoso-app").unwrap();
    let portal = app.dependencies.iter().find(|d| d.name == "hoso-portal").expect("phone builds link the portal");
    assert!(portal.optional, "hoso-app must take hoso-portal only behind a feature");
    let defaults = app.features.get("default").cloned().unwrap_or_default();
    assert!(!defaults.iter().any(|f| f == "demo-in-process"), "desktop builds must start the sidecar");
}

#[test]
fn only_the_portal_turns_on_a_postgresql_driver() {
    // `cargo metadata` resolves features for the whole workspace at once, so
    // the graph cannot show what the app's own build gets; what each package
    // asks of sqlx can. The app and the engine (and everything else) ask only
    // for SQLite, so a build of the app alone links no PostgreSQL driver.
    let metadata = metadata();
    for package in metadata.workspace_packages() {
        for dependency in package.dependencies.iter().filter(|d| d.name == "sqlx") {
            let server = dependency.features.iter().filter(|f| matches!(f.as_str(), "postgres" | "any" | "mysql"));
            let server: Vec<&String> = server.collect();
            if package.name.as_str() != "hoso-portal" {
                assert!(
                    server.is_empty(),
                    "{} asks sqlx for {server:?}: only the portal speaks PostgreSQL",
                    package.name
                );
            }
        }
    }
}

/// Each package (name, version) the app's binary links on this machine's
/// target, resolved for the app alone as its release build is (`cargo tree
/// -p hoso-app`); `cargo metadata` would unify the whole workspace's features,
/// where the tests turn on reqwest's aws-lc.
fn app_links() -> BTreeSet<(String, String)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(workspace_root())
        .args(["tree", "--package", "hoso-app", "--edges", "normal", "--prefix", "none", "--format", "{p}"])
        .output()
        .expect("running cargo tree");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .expect("cargo tree prints UTF-8")
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?.to_owned(), words.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn the_app_links_one_tls_library_one_dbus_library_and_no_log_regex() {
    // Each of these is code the app's binary does not need, against a 10 MB
    // goal (docs/benchmarks.md, "Session 6"): aws-lc
    // beside ring (the engine's TLS and cryptography are ring's), a second
    // zbus (notify-rust is held at 4.18 for it, src-tauri/Cargo.toml), and
    // env-filter's regex DFA builder (the app filters its log by targets).
    let links = app_links();
    let names: BTreeSet<&str> = links.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names.contains("ring") && names.contains("rustls"), "the app's TLS is rustls on ring");
    let found: Vec<&&str> = ["aws-lc-rs", "aws-lc-sys", "matchers"].iter().filter(|n| names.contains(**n)).collect();
    assert!(found.is_empty(), "hoso-app must not link {found:?}");
    let zbus: Vec<&String> = links.iter().filter(|(name, _)| name == "zbus").map(|(_, version)| version).collect();
    assert_eq!(zbus.len(), 1, "hoso-app links more than one zbus: {zbus:?}");
}

#[test]
fn the_windows_may_call_only_the_apps_own_commands() {
    // `.cargo/config.toml` sets REMOVE_UNUSED_COMMANDS, so Tauri's and each
    // plugin's build script compile out every command no capability allows;
    // they look for capabilities beside `tauri.conf.json`, not in
    // `src-tauri/capabilities`, so a core or plugin permission granted there
    // would be granted to a command that is no longer in the binary. Grant one
    // by moving the capabilities beside `tauri.conf.json` first.
    let dir = workspace_root().join("src-tauri/capabilities");
    for entry in std::fs::read_dir(&dir).expect("src-tauri/capabilities") {
        let path = entry.unwrap().path();
        let capability: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for permission in capability["permissions"].as_array().expect("a list of permissions") {
            let name = permission.as_str().or_else(|| permission["identifier"].as_str()).unwrap_or_default();
            assert!(
                name.starts_with("allow-") && !name.contains(':'),
                "{}: {name} is not one of the app's own commands",
                path.display()
            );
        }
    }
}

#[test]
fn the_wasm_bindgen_library_xtask_links_equals_the_uis_wasm_bindgen() {
    // A mismatch builds fine and fails only when the UI is bound, with an
    // obscure schema error; catch it here instead.
    let metadata = metadata();
    let version_of = |name: &str| -> Vec<String> {
        metadata.packages.iter().filter(|p| p.name.as_str() == name).map(|p| p.version.to_string()).collect()
    };
    let runtime = version_of("wasm-bindgen");
    let tooling = version_of("wasm-bindgen-cli-support");
    assert_eq!(runtime.len(), 1, "more than one wasm-bindgen in Cargo.lock: {runtime:?}");
    assert_eq!(runtime, tooling);
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !matches!(name.to_str(), Some("target" | "dist" | "gen" | ".git" | "node_modules")) {
                rust_files(&path, found);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri", "ui", "tests", "xtask"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "found only {} files: is the walk broken?", files.len());
    let undocumented: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("//!"))
        })
        .map(|path| path.strip_prefix(&root).unwrap_or(path).display().to_string())
        .collect();
    assert!(undocumented.is_empty(), "files without a `//!` module doc on their first line: {undocumented:#?}");
}

#[test]
fn the_code_map_names_every_workspace_member() {
    let metadata = metadata();
    let map = std::fs::read_to_string(workspace_root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let root = workspace_root();
    for package in metadata.workspace_packages() {
        let dir = package.manifest_path.parent().expect("a manifest has a directory");
        let relative = dir.strip_prefix(&root).expect("members live under the root").to_string();
        assert!(map.contains(&format!("`{relative}/`")), "ARCHITECTURE.md's code map does not mention `{relative}/`");
    }
}

/// A language's translations: `assets/i18n/{lang}.json` and every file of
/// `assets/i18n/{lang}/`, merged; a key in two files fails.
fn translations(lang: &str) -> BTreeMap<String, String> {
    let dir = workspace_root().join("assets").join("i18n");
    let mut merged = BTreeMap::new();
    for path in translation_files(lang) {
        let table: BTreeMap<String, String> =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("translation file")).expect("valid JSON");
        for (key, text) in table {
            let file = path.strip_prefix(&dir).unwrap_or(&path).display().to_string();
            assert!(merged.insert(key.clone(), text).is_none(), "{key} is translated twice ({file})");
        }
    }
    merged
}

fn translation_files(lang: &str) -> Vec<PathBuf> {
    let dir = workspace_root().join("assets").join("i18n");
    let mut files = vec![dir.join(format!("{lang}.json"))];
    let mut areas: Vec<PathBuf> = std::fs::read_dir(dir.join(lang))
        .expect("a directory of translation areas")
        .map(|entry| entry.expect("a readable entry").path())
        .collect();
    areas.sort();
    files.extend(areas);
    files
}

#[test]
fn the_ui_loads_every_translation_file() {
    let i18n = std::fs::read_to_string(workspace_root().join("ui/src/i18n.rs")).expect("ui/src/i18n.rs");
    for path in translation_files("vi") {
        let area = path.file_name().expect("a file name").to_string_lossy().into_owned();
        let included = if area == "vi.json" { "$lang, \".json\"".to_owned() } else { format!("\"/{area}\"") };
        assert!(i18n.contains(&included), "ui/src/i18n.rs does not include the translation file {area}");
    }
}

#[test]
fn vietnamese_and_english_translate_the_same_keys() {
    let vi = translations("vi");
    let en = translations("en");
    let vi_keys: BTreeSet<_> = vi.keys().collect();
    let en_keys: BTreeSet<_> = en.keys().collect();
    assert_eq!(vi_keys.symmetric_difference(&en_keys).collect::<Vec<_>>(), Vec::<&&String>::new());
    let empty: Vec<_> = vi.iter().chain(en.iter()).filter(|(_, text)| text.trim().is_empty()).collect();
    assert!(empty.is_empty(), "empty translations: {empty:?}");
}

#[test]
fn every_error_kind_has_a_translation() {
    let vi = translations("vi");
    for kind in ErrorKind::ALL {
        assert!(vi.contains_key(&format!("error.{}", kind.as_str())), "no translation for error.{}", kind.as_str());
    }
}

/// A machine code: lowercase words (letters, digits) joined by dots or
/// underscores, such as `mst.check_digit`; prose and `{field}` templates are not.
fn is_machine_code(text: &str) -> bool {
    text.split(['.', '_'])
        .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// The texts of the `#[error("…")]` attributes in the domain's source, each
/// with the file it is in; `#[error(transparent)]` has no text of its own.
fn domain_error_texts() -> Vec<(String, String)> {
    let root = workspace_root();
    let mut files = Vec::new();
    rust_files(&root.join("crates").join("domain").join("src"), &mut files);
    assert!(files.len() > 10, "found only {} domain files: is the walk broken?", files.len());
    let mut texts = Vec::new();
    for path in files {
        let source = std::fs::read_to_string(&path).expect("a readable source file");
        let file = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
        for (start, _) in source.match_indices("#[error(\"") {
            let rest = &source[start + "#[error(\"".len()..];
            let end = rest.find("\")]").unwrap_or_else(|| panic!("{file}: an #[error(\"…\")] that does not end"));
            texts.push((rest[..end].to_owned(), file.clone()));
        }
    }
    texts
}

#[test]
fn every_domain_error_code_has_a_translation() {
    // ARCHITECTURE.md: errors are machine codes the UI translates. A parser's
    // code can reach a person as a field error (`cccd.shape` under a form
    // answer) or as a message of its own (`transition.not_allowed`).
    let texts = domain_error_texts();
    let prose: Vec<_> = texts.iter().filter(|(text, _)| !is_machine_code(text)).collect();
    assert!(prose.is_empty(), "domain errors must be machine codes, not prose: {prose:?}");
    let codes: BTreeSet<&str> = texts.iter().map(|(text, _)| text.as_str()).collect();
    assert!(codes.len() > 20, "found only {} codes: is the scan broken? {codes:?}", codes.len());
    for lang in ["vi", "en"] {
        let table = translations(lang);
        let missing: Vec<_> = codes
            .iter()
            .filter(|code| {
                !table.contains_key(&format!("error_code.{code}"))
                    && !table.contains_key(&format!("field_error.{code}"))
            })
            .collect();
        assert!(missing.is_empty(), "{lang}.json has neither error_code.<code> nor field_error.<code> for {missing:?}");
    }
}

#[test]
fn every_field_error_code_has_a_translation() {
    for lang in ["vi", "en"] {
        let table = translations(lang);
        let missing: Vec<_> = FIELD_ERROR_CODES
            .iter()
            .chain(ATTACHMENT_ERROR_CODES)
            .filter(|code| !table.contains_key(&format!("field_error.{code}")))
            .collect();
        assert!(missing.is_empty(), "{lang}.json has no field_error.<code> for {missing:?}");
        // The UI puts the bound in with `t_n`, so a text that leaves `{n}` out
        // would not say what the limit is.
        let unbounded: Vec<_> = LIMIT_CODES
            .iter()
            .filter(|code| table.get(&format!("field_error.{code}")).is_some_and(|text| !text.contains("{n}")))
            .collect();
        assert!(
            unbounded.is_empty(),
            "{lang}.json: these field errors have a limit but their text has no {{n}}: {unbounded:?}"
        );
    }
}

#[test]
fn every_error_translation_belongs_to_a_code_the_domain_gives() {
    // The other way round: a key for a code that was renamed or removed, or
    // misspelt, would never be shown.
    let domain: BTreeSet<String> = domain_error_texts().into_iter().map(|(text, _)| text).collect();
    let fields: BTreeSet<&str> = FIELD_ERROR_CODES.iter().chain(ATTACHMENT_ERROR_CODES).copied().collect();
    let orphans: Vec<String> = translations("vi")
        .into_keys()
        .filter(|key| match (key.strip_prefix("field_error."), key.strip_prefix("error_code.")) {
            (Some(code), _) => !fields.contains(code) && !domain.contains(code),
            (_, Some(code)) => !domain.contains(code),
            _ => false,
        })
        .collect();
    assert!(orphans.is_empty(), "translations for codes nothing gives: {orphans:?}");
}

/// The `{name}` placeholders in a text, such as `{n}`.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name).collect()
}

#[test]
fn a_placeholder_in_one_language_is_in_the_other() {
    let vi = translations("vi");
    let en = translations("en");
    let differ: Vec<_> = vi
        .iter()
        .filter_map(|(key, text)| Some((key, placeholders(text), placeholders(en.get(key)?))))
        .filter(|(_, vi, en)| vi != en)
        .collect();
    assert!(differ.is_empty(), "keys whose placeholders differ between vi and en: {differ:?}");
}

/// The command names a front handles, as written in its source: the Tauri
/// shell's `generate_handler![commands::x, …]` and serve's `name::X =>` arms.
fn shell_commands(root: &Path) -> BTreeSet<String> {
    let lib = std::fs::read_to_string(root.join("src-tauri/src/lib.rs")).expect("src-tauri/src/lib.rs");
    let list = lib.split("generate_handler![").nth(1).and_then(|rest| rest.split(']').next()).expect("a handler list");
    list.split(',')
        .filter_map(|item| item.trim().rsplit("::").next())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

fn serve_commands(root: &Path) -> BTreeSet<String> {
    let protocol = std::fs::read_to_string(root.join("crates/protocol/src/command/mod.rs")).expect("command/mod.rs");
    // `    SessionGet = "session": () => SessionState;` → SessionGet ↦ session.
    let names: BTreeMap<&str, &str> = protocol
        .lines()
        .filter_map(|l| l.trim().split_once(" = \""))
        .filter(|(ty, _)| !ty.is_empty() && ty.chars().all(|c| c.is_ascii_alphanumeric()))
        .filter_map(|(ty, rest)| Some((ty, rest.split_once("\":")?.0)))
        .collect();
    let serve = std::fs::read_to_string(root.join("crates/cli/src/serve/commands.rs")).expect("serve/commands.rs");
    // Each command is an arm `<Type as Command>::NAME => …`.
    serve
        .split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once(" as Command>::NAME =>").map(|(ty, _)| ty.trim()))
        .map(|ty| names.get(ty).unwrap_or_else(|| panic!("no command type {ty}")).to_string())
        .collect()
}

#[test]
fn the_shell_and_serve_answer_exactly_the_commands_the_protocol_names() {
    let root = workspace_root();
    let named: BTreeSet<String> = hoso_protocol::command::name::ALL.iter().map(|n| n.to_string()).collect();
    assert!(!named.is_empty());
    assert_eq!(shell_commands(&root), named, "src-tauri's generate_handler! differs from command::name::ALL");
    assert_eq!(serve_commands(&root), named, "hoso serve's commands differ from command::name::ALL");
}
