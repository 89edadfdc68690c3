//! The forms the portal serves: every definition in `assets/forms`, embedded
//! at build time, parsed and its schema compiled once at start-up, so a broken
//! form stops the portal instead of a citizen's filing.

use std::collections::BTreeMap;
use std::sync::Arc;

use hoso_domain::form::{FormDefinition, FormValidator};

use crate::PortalError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/forms.rs"));
}

/// All shipped forms by (id, version).
#[derive(Clone, Default)]
pub struct Forms(Arc<BTreeMap<(String, u32), FormDefinition>>);

impl Forms {
    pub fn load() -> Result<Self, PortalError> {
        let mut forms = BTreeMap::new();
        for (file, json) in embedded::FORMS {
            let definition: FormDefinition =
                serde_json::from_str(json).map_err(|e| PortalError::Form(format!("{file}: {e}")))?;
            FormValidator::new(&definition).map_err(|e| PortalError::Form(format!("{file}: {e:?}")))?;
            forms.insert((definition.id.clone(), definition.version), definition);
        }
        Ok(Self(Arc::new(forms)))
    }

    pub fn get(&self, id: &str, version: u32) -> Option<&FormDefinition> {
        self.0.get(&(id.to_owned(), version))
    }
}
