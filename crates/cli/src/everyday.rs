//! `hoso catalogue search`, `draft …`, `submit`, `status`, `sync`: each one
//! engine call, printed as tab-separated lines for scripts.

use anyhow::Context;
use hoso_domain::profile::ActingAs;
use hoso_engine::Engine;
use hoso_protocol::command::{OutboxItem, OutboxState};

pub async fn search(engine: &Engine, query: &str) -> anyhow::Result<()> {
    if let Err(error) = engine.sync_catalogue().await {
        eprintln!("searching the offline copy: {error}");
    }
    for procedure in engine.search_procedures(query).await? {
        println!("{}\t{}", procedure.code, procedure.name.vi);
    }
    Ok(())
}

pub async fn draft_new(engine: &Engine, acting_as: ActingAs, procedure: &str) -> anyhow::Result<()> {
    if let Err(error) = engine.sync_catalogue().await {
        eprintln!("using the offline catalogue: {error}");
    }
    let draft = engine.create_draft(acting_as, procedure).await?;
    println!("{}", draft.id);
    Ok(())
}

/// `VALUE` as JSON when it parses (`42`, `true`, `{"a": 1}`), else as text,
/// so names need no quoting.
pub async fn draft_set(engine: &Engine, id: &str, pointer: &str, value: &str) -> anyhow::Result<()> {
    let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    engine.save_field(id, pointer, value).await?;
    Ok(())
}

pub async fn draft_show(engine: &Engine, id: &str) -> anyhow::Result<()> {
    let draft = engine.draft(id).await?;
    println!("{}\t{}\t{}", draft.summary.id, draft.summary.procedure, draft.summary.procedure_name.vi);
    println!("{}", serde_json::to_string_pretty(&draft.data)?);
    Ok(())
}

pub async fn draft_list(engine: &Engine, acting_as: &ActingAs) -> anyhow::Result<()> {
    for draft in engine.drafts(acting_as).await? {
        println!("{}\t{}\t{}", draft.id, draft.procedure, draft.procedure_name.vi);
    }
    Ok(())
}

fn state(item: &OutboxItem) -> String {
    match &item.state {
        OutboxState::Queued => "queued".into(),
        OutboxState::Uploading { percent } => format!("uploading {percent}%"),
        OutboxState::WaitingForNetwork => "waiting for the network".into(),
        OutboxState::NeedsAction { error } => format!("needs action: {}", error.message),
        OutboxState::Sent { code } => format!("sent {code}"),
    }
}

/// Returns whether the draft was queued (a refusal prints every error).
pub async fn submit(engine: &Engine, draft: &str) -> anyhow::Result<bool> {
    match engine.submit_draft(draft).await? {
        Ok(item) => {
            println!("{}\t{}", item.client_id, state(&item));
            Ok(true)
        }
        Err(validation) => {
            for error in validation.errors {
                eprintln!("{}\t{}", error.pointer, error.code);
            }
            Ok(false)
        }
    }
}

pub async fn status(engine: &Engine, acting_as: &ActingAs) -> anyhow::Result<()> {
    println!("outbox:");
    for item in engine.outbox().await?.iter().filter(|item| &item.acting_as == acting_as) {
        println!("  {}\t{}\t{}", item.client_id, item.procedure, state(item));
    }
    println!("dossiers:");
    for dossier in engine.dossiers(acting_as).await? {
        let code = dossier.code.unwrap_or_else(|| "-".into());
        println!("  {code}\t{}\t{:?}", dossier.procedure, dossier.status);
    }
    Ok(())
}

pub async fn sync(engine: &Engine, acting_as: &ActingAs) -> anyhow::Result<()> {
    let sent = engine.send_outbox(engine.stored_attachments()).await.context("sending the outbox")?;
    let synced = engine.sync_dossiers(acting_as).await.context("syncing dossiers")?;
    eprintln!(
        "sent {}, waiting {}, needing action {}; {} changes, {} status changes",
        sent.sent, sent.waiting, sent.needs_action, synced.changes, synced.status_changes
    );
    Ok(())
}
