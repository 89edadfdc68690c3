//! What the journeys look up again and again, kept for the life of the page:
//! form definitions (a version never changes, so a copy cannot go stale) and
//! the catalogue's procedures (for their required documents), plus the
//! identity claims forms are prefilled from.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use hoso_domain::catalogue::{FormRef, Procedure};
use hoso_domain::form::{Claims, FormDefinition};
use hoso_protocol::command::{CatalogueList, FormDefinitionGet, SessionState};
use hoso_protocol::error::ErrorEnvelope;
use leptos::prelude::*;

use crate::state::{Catalogue, Ctx};
use crate::transport::call;

thread_local! {
    static FORMS: RefCell<HashMap<(String, u32), Arc<FormDefinition>>> = RefCell::new(HashMap::new());
    static PROCEDURES: RefCell<Option<Arc<Vec<Procedure>>>> = const { RefCell::new(None) };
}

/// A form definition, from the engine the first time.
pub async fn form(form: &FormRef) -> Result<Arc<FormDefinition>, ErrorEnvelope> {
    let key = (form.id.clone(), form.version);
    if let Some(found) = FORMS.with(|f| f.borrow().get(&key).cloned()) {
        return Ok(found);
    }
    let definition = Arc::new(call::<FormDefinitionGet>(form).await?);
    FORMS.with(|f| f.borrow_mut().insert(key, definition.clone()));
    Ok(definition)
}

/// The catalogue's procedures, from the engine the first time (offline, its
/// local copy: the listing reports a failed refresh rather than failing).
pub async fn procedures() -> Result<Arc<Vec<Procedure>>, ErrorEnvelope> {
    if let Some(found) = PROCEDURES.with(|p| p.borrow().clone()) {
        return Ok(found);
    }
    let listing = Arc::new(call::<CatalogueList>(&()).await?.procedures);
    PROCEDURES.with(|p| *p.borrow_mut() = Some(listing.clone()));
    Ok(listing)
}

/// One procedure by its code, if the catalogue holds it: from the catalogue
/// the screens share when it is loaded, else from the engine.
pub async fn procedure(code: &str) -> Option<Procedure> {
    let shared = use_context::<Ctx>().and_then(|state| {
        state.catalogue.with_untracked(|c| match c {
            Catalogue::Loaded { index, .. } => index.find(code).cloned(),
            _ => None,
        })
    });
    if shared.is_some() {
        return shared;
    }
    procedures().await.ok()?.iter().find(|p| p.code.as_str() == code).cloned()
}

/// The claims of the person signed in, for prefilling and for marking what
/// was prefilled; `None` before the profile is known.
pub fn claims(session: Option<&SessionState>) -> Option<Claims> {
    let profile = session?.profile.as_ref()?;
    let mut claims = Claims::from(&profile.person);
    claims.address = profile.address.clone();
    Some(claims)
}
