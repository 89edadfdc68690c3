//! The forms the portal serves and judges submissions with: every definition
//! in `assets/forms`, embedded at build time, parsed and compiled once at
//! start-up, so a broken form stops the portal instead of a citizen's filing.

use std::collections::BTreeMap;
use std::sync::Arc;

use hoso_domain::form::{FormDefinition, FormValidator};

use crate::PortalError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/forms.rs"));
}

/// A shipped form version with its compiled validator.
pub struct Form {
    pub definition: FormDefinition,
    pub validator: FormValidator,
}

/// All shipped forms by (id, version).
#[derive(Clone, Default)]
pub struct Forms(Arc<BTreeMap<(String, u32), Form>>);

/// The valid example answers `name` of `assets/forms/examples`, as shipped.
pub fn example(name: &str) -> Option<&'static str> {
    embedded::EXAMPLES.iter().find(|(file, _)| *file == name).map(|(_, json)| *json)
}

impl Forms {
    pub fn load() -> Result<Self, PortalError> {
        let mut forms = BTreeMap::new();
        for (file, json) in embedded::FORMS {
            let definition: FormDefinition =
                serde_json::from_str(json).map_err(|e| PortalError::Form(format!("{file}: {e}")))?;
            let validator = FormValidator::new(&definition).map_err(|e| PortalError::Form(format!("{file}: {e:?}")))?;
            forms.insert((definition.id.clone(), definition.version), Form { definition, validator });
        }
        Ok(Self(Arc::new(forms)))
    }

    pub fn get(&self, id: &str, version: u32) -> Option<&Form> {
        self.0.get(&(id.to_owned(), version))
    }
}
