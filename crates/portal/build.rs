//! Build script: embeds every form definition under `assets/forms/` so the
//! portal serves the forms this build was made with (and their valid
//! examples, which the demo simulator files), and rebuilds when one
//! changes or a migration is added.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // `sqlx::migrate!` embeds the migrations but cannot tell cargo about a
    // new file; watching the directories makes an added migration rebuild.
    println!("cargo:rerun-if-changed=migrations");
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/forms");
    println!("cargo:rerun-if-changed={}", forms.display());
    let mut files: Vec<_> = std::fs::read_dir(&forms)
        .expect("assets/forms exists")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut source = String::from("/// Every form definition shipped in `assets/forms`, as (file name, JSON).\n");
    source.push_str("pub const FORMS: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).expect("UTF-8 file names");
        let absolute = path.canonicalize().expect("form file");
        writeln!(source, "    ({name:?}, include_str!({:?})),", absolute.display().to_string()).unwrap();
    }
    source.push_str("];\n");
    // The valid example answers, from which the demo simulator files its dossiers.
    let examples = forms.join("examples");
    println!("cargo:rerun-if-changed={}", examples.display());
    let mut files: Vec<_> = std::fs::read_dir(&examples)
        .expect("assets/forms/examples exists")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_str().is_some_and(|p| p.ends_with(".valid.json")))
        .collect();
    files.sort();
    source.push_str("/// Every valid example of `assets/forms/examples`, as (file name, JSON).\n");
    source.push_str("pub const EXAMPLES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).expect("UTF-8 file names");
        let absolute = path.canonicalize().expect("example file");
        writeln!(source, "    ({name:?}, include_str!({:?})),", absolute.display().to_string()).unwrap();
    }
    source.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("forms.rs");
    std::fs::write(out, source).expect("writing forms.rs");
}
