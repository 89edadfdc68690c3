//! Supplement drafts: a citizen's answer to a supplement request, kept on the
//! device while edited. When the portal moves the dossier on meanwhile, the
//! sync keeps the draft and flags it `conflict` instead of dropping it.

use crate::{Engine, EngineError};

/// A supplement draft as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplementDraft {
    pub data: serde_json::Value,
    /// The portal moved the dossier on while this was edited.
    pub conflict: bool,
}

impl Engine {
    /// Saves the citizen's supplement answers for dossier `code` durably.
    pub async fn save_supplement_draft(&self, code: &str, data: &serde_json::Value) -> Result<(), EngineError> {
        let text = serde_json::to_string(data).map_err(EngineError::Corrupt)?;
        if !super::dossier_table::save_supplement(self.store.pool(), code, &text).await? {
            return Err(EngineError::NotFound { what: "dossier", id: code.to_owned() });
        }
        Ok(())
    }

    pub async fn supplement_draft(&self, code: &str) -> Result<Option<SupplementDraft>, EngineError> {
        let Some((data, conflict)) = super::dossier_table::supplement(self.store.pool(), code).await? else {
            return Ok(None);
        };
        Ok(Some(SupplementDraft { data: serde_json::from_str(&data).map_err(EngineError::Corrupt)?, conflict }))
    }
}
