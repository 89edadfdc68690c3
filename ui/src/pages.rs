//! One file per screen, each a component the root view shows for its
//! [`crate::route::Route`].

pub mod bulk;
pub mod business;
pub mod catalogue;
pub mod demo;
pub mod dossier;
pub mod draft;
pub mod home;
pub mod procedure;
pub mod settings;
pub mod supplement;
pub mod welcome;
