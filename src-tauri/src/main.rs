//! `hoso-app`: the desktop entry point; everything happens in the library.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    hoso_app::run();
}
