//! `hoso validate` and `hoso bulk submit`: the engine's bulk filing with a
//! progress bar and a per-row report written next to the input; the draft of
//! an invalid row, or of one the portal refused, is printed, to fix and
//! submit like any draft.

use std::path::{Path, PathBuf};

use hoso_domain::profile::ActingAs;
use hoso_engine::Engine;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Prints each invalid row's errors; returns whether every row is valid.
pub async fn validate(engine: &Engine, procedure: &str, file: &Path) -> anyhow::Result<bool> {
    let checks = engine.validate_file(procedure, file).await?;
    let mut valid = true;
    for check in &checks {
        for error in &check.errors {
            valid = false;
            println!("row {}\t{}\t{}", check.row, error.pointer, error.code);
        }
    }
    let invalid = checks.iter().filter(|c| !c.errors.is_empty()).count();
    eprintln!("{} rows, {invalid} invalid", checks.len());
    Ok(valid)
}

/// `input.csv` → `input.report.csv`, beside it.
fn default_report(file: &Path) -> PathBuf {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("bulk");
    file.with_file_name(format!("{stem}.report.csv"))
}

pub async fn submit(
    engine: &Engine,
    procedure: &str,
    acting_as: ActingAs,
    file: &Path,
    report: Option<PathBuf>,
) -> anyhow::Result<bool> {
    if !engine.is_signed_in()? {
        anyhow::bail!("not signed in; run `hoso login`");
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    // Drawn only on a terminal, so scripts and logs get the report alone.
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        bar.set_draw_target(ProgressDrawTarget::stdout());
    }
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} rows").unwrap_or(ProgressStyle::default_bar()));
    let result = engine
        .bulk_submit(procedure, acting_as, file, &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await?;
    bar.finish_and_clear();
    let report = report.unwrap_or_else(|| default_report(file));
    std::fs::write(&report, hoso_engine::bulk::report_csv(&result.rows)?)?;
    let (mut invalid, mut refused) = (0, 0);
    for row in &result.rows {
        match &row.status {
            hoso_engine::bulk::RowStatus::Invalid { draft, .. } => {
                invalid += 1;
                println!("row {}\tdraft {draft}", row.row);
            }
            hoso_engine::bulk::RowStatus::Refused { error, draft } => {
                refused += 1;
                println!("row {}\tdraft {draft}\trefused {}", row.row, error.kind.as_str());
            }
            _ => {}
        }
    }
    eprintln!(
        "{} rows: {} queued now, {invalid} invalid and {refused} refused by the portal (kept as drafts: fix with `hoso draft set`, then `hoso submit DRAFT`); report in {}",
        result.rows.len(),
        result.queued,
        report.display()
    );
    Ok(invalid == 0)
}
