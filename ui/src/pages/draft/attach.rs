//! Attaching files to a draft (or a supplement answer): a picked file is
//! checked against its document's types and size before it is read, read
//! as base64, stored by the engine (which checks again), and the answer then
//! names it; a replaced file is removed, and "remove" removes it.

use hoso_domain::catalogue::RequiredDocument;
use hoso_protocol::command::{AddAttachment, AttachmentAdd, AttachmentRemove, RemoveAttachment};
use hoso_protocol::error::{ErrorEnvelope, ErrorKind};
use leptos::prelude::*;
use serde_json::Value;

use super::fields::{Edit, Files};
use super::io;
use crate::i18n::error_text;
use crate::model::attachment;
use crate::model::form::attachment_answer;
use crate::state::ctx;
use crate::transport::call;

/// The file handlers of the questions of draft `draft_id`.
pub fn files(draft_id: String, documents: Vec<RequiredDocument>, data: RwSignal<Value>, edit: Callback<Edit>) -> Files {
    let lang = ctx().lang;
    let documents = StoredValue::new(documents);
    let busy = RwSignal::new(None::<String>);
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let on_pick = {
        let id = draft_id.clone();
        Callback::new(move |(document, pointer, file): (String, String, web_sys::File)| {
            problems.update(|p| p.retain(|(q, _)| *q != pointer));
            let Some(doc) = documents.with_value(|d| d.iter().find(|d| d.id == document).cloned()) else { return };
            let media_type = attachment::media_type(&file.name(), &file.type_());
            if let Err(problem) = attachment::check(&doc, &media_type, file.size() as u64) {
                problems.update(|p| p.push((pointer.clone(), problem.text(lang.get_untracked(), &doc))));
                return;
            }
            busy.set(Some(pointer.clone()));
            let draft_id = id.clone();
            leptos::task::spawn_local(async move {
                let added = async {
                    let content_base64 =
                        io::read_base64(&file).await.map_err(|e| ErrorEnvelope::new(ErrorKind::Internal, e))?;
                    let args = AddAttachment {
                        draft_id: draft_id.clone(),
                        document,
                        name: file.name(),
                        media_type,
                        content_base64,
                    };
                    call::<AttachmentAdd>(&args).await
                }
                .await;
                busy.try_set(None);
                match added {
                    Ok(info) => {
                        let replaced = data.try_with_untracked(|d| {
                            d.pointer(&pointer).and_then(|v| v.get("sha256")).and_then(Value::as_str).map(str::to_owned)
                        });
                        edit.try_run(Edit::Answer(pointer.clone(), Some(attachment_answer(&info))));
                        edit.try_run(Edit::Left(pointer));
                        if let Some(old) = replaced.flatten().filter(|old| *old != info.sha256) {
                            let _ = call::<AttachmentRemove>(&RemoveAttachment { draft_id, sha256: old }).await;
                        }
                    }
                    Err(error) => {
                        let text = error_text(lang.get_untracked(), error.kind);
                        problems.try_update(|p| p.push((pointer, text)));
                    }
                }
            });
        })
    };
    let on_remove = {
        let id = draft_id;
        Callback::new(move |pointer: String| {
            let sha = data.with_untracked(|d| {
                d.pointer(&pointer).and_then(|v| v.get("sha256")).and_then(Value::as_str).map(str::to_owned)
            });
            let draft_id = id.clone();
            leptos::task::spawn_local(async move {
                let removed = match sha {
                    Some(sha256) => call::<AttachmentRemove>(&RemoveAttachment { draft_id, sha256 }).await,
                    None => Ok(()),
                };
                match removed {
                    Ok(()) => {
                        edit.try_run(Edit::Answer(pointer, None));
                    }
                    Err(error) => {
                        let text = error_text(lang.get_untracked(), error.kind);
                        problems.try_update(|p| p.push((pointer, text)));
                    }
                }
            });
        })
    };
    Files { documents, on_pick, on_remove, busy, problems }
}
