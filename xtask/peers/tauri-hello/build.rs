//! Build script: reads this peer's `tauri.conf.json`, as any Tauri app's does.

fn main() {
    tauri_build::build();
}
