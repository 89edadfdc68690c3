//! Links the wasm with its relocations kept (`--emit-relocs`): `cargo xtask
//! ui` cuts the module at its split points (see `src/screens.rs`), and the
//! splitter needs the linker's relocations to move code and data between the
//! modules. Native builds (the view-model tests) are left alone.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-cdylib=--emit-relocs");
    }
}
