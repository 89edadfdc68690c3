//! The run's outcome as `report.md` (a table a person reads, pasted into
//! `docs/benchmarks.md` for the reference run) and `report.json` (everything,
//! every round included).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use super::Plan;
use super::machine::Facts;
use super::stats::Stats;

/// Which side of the goal's figure the median ratio must fall on.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    AtLeast(f64),
    AtMost(f64),
    /// The issue sets no bound on this ratio (only on the figures in
    /// `checks`, such as a size budget): it is shown for comparison.
    Informative,
}

impl Target {
    pub fn holds(self, value: f64) -> bool {
        match self {
            Target::AtLeast(goal) => value >= goal,
            Target::AtMost(goal) => value <= goal,
            Target::Informative => true,
        }
    }

    fn text(self) -> String {
        match self {
            Target::AtLeast(goal) => format!("≥ {goal}"),
            Target::AtMost(goal) => format!("≤ {goal}"),
            Target::Informative => "no bound".to_owned(),
        }
    }
}

/// One measured goal (or one half of it, e.g. G12 on SQLite).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub goal: &'static str,
    pub what: String,
    pub ours: String,
    pub peer: String,
    /// What the ratio divides, e.g. "submit ÷ plaintext".
    pub ratio_label: String,
    pub ratio: Stats,
    pub target: Target,
    /// Further conditions of the goal, each with whether it held.
    pub checks: Vec<(String, bool)>,
    pub limits: String,
    pub raw: serde_json::Value,
}

impl Outcome {
    /// Whether the goal was met; `None` for a row the issue sets no bound on
    /// (an informative ratio with no checks, such as the `.deb`'s size),
    /// which has nothing to meet.
    pub fn met(&self) -> Option<bool> {
        if matches!(self.target, Target::Informative) && self.checks.is_empty() {
            return None;
        }
        Some(self.target.holds(self.ratio.median) && self.checks.iter().all(|(_, held)| *held))
    }

    /// `met()` as the report's Met column puts it.
    fn verdict(&self) -> &'static str {
        match self.met() {
            Some(true) => "met",
            Some(false) => "**not met**",
            None => "—",
        }
    }

    pub fn summary_line(&self) -> String {
        format!(
            "{} {}: {} ({}) median {:.3} [IQR {:.3}–{:.3}], goal {} → {}",
            self.goal,
            self.what,
            self.ratio_label,
            self.ours,
            self.ratio.median,
            self.ratio.q1,
            self.ratio.q3,
            self.target.text(),
            match self.met() {
                Some(true) => "met",
                Some(false) => "not met",
                None => "no bound",
            }
        )
    }
}

/// Goals this runner does not measure, and why.
pub const NOT_MEASURED: &[(&str, &str)] =
    &[("Android/iOS", "size and start on phones cannot be measured on this Linux machine.")];

pub fn write(
    dir: &Path,
    plan: Plan,
    facts: &Facts,
    outcomes: &[Outcome],
    failures: &[(String, String)],
    elapsed: Duration,
) -> anyhow::Result<PathBuf> {
    let mut md = String::new();
    writeln!(
        md,
        "| Goal | What | Ours | Peer | Ratio | Median [IQR] (min–max, rounds) | Goal | Met | What limits it |"
    )?;
    writeln!(md, "|---|---|---|---|---|---|---|---|---|")?;
    for o in outcomes {
        let checks: Vec<String> =
            o.checks.iter().map(|(what, held)| format!("{what}: {}", if *held { "yes" } else { "no" })).collect();
        let goal =
            if checks.is_empty() { o.target.text() } else { format!("{}; {}", o.target.text(), checks.join("; ")) };
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | **{:.3}** [{:.3}–{:.3}] ({:.3}–{:.3}, {}) | {} | {} | {} |",
            o.goal,
            o.what,
            o.ours,
            o.peer,
            o.ratio_label,
            o.ratio.median,
            o.ratio.q1,
            o.ratio.q3,
            o.ratio.min,
            o.ratio.max,
            o.ratio.rounds,
            goal,
            o.verdict(),
            o.limits
        )?;
    }
    writeln!(md)?;
    writeln!(
        md,
        "Run: `cargo xtask bench{}` ({} rounds per goal, {:.0} s in all).",
        if plan.quick { " --quick" } else { "" },
        plan.rounds,
        elapsed.as_secs_f64()
    )?;
    writeln!(md, "Machine: {facts}.")?;
    writeln!(md)?;
    writeln!(md, "Not measured:")?;
    writeln!(md)?;
    for (goal, error) in failures {
        writeln!(md, "- {goal}: the run failed: {}", error.replace('\n', " "))?;
    }
    for (goal, why) in NOT_MEASURED {
        writeln!(md, "- {goal}: {why}")?;
    }
    let path = dir.join("report.md");
    std::fs::write(&path, &md)?;
    let report = json!({
        "quick": plan.quick,
        "rounds": plan.rounds,
        "seconds": elapsed.as_secs_f64(),
        "machine": facts.to_json(),
        "goals": outcomes.iter().map(|o| json!({
            "goal": o.goal, "what": o.what, "ours": o.ours, "peer": o.peer, "ratio_label": o.ratio_label,
            "ratio": o.ratio.to_json(), "target": o.target.text(), "checks": o.checks, "met": o.met(),
            "limits": o.limits, "raw": o.raw,
        })).collect::<Vec<_>>(),
        "failed": failures.iter().map(|(goal, error)| json!({ "goal": goal, "error": error })).collect::<Vec<_>>(),
        "not_measured": NOT_MEASURED.iter().map(|(goal, why)| json!({ "goal": goal, "why": why })).collect::<Vec<_>>(),
    });
    std::fs::write(dir.join("report.json"), serde_json::to_vec_pretty(&report)?)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn outcome(target: Target, checks: Vec<(String, bool)>) -> Outcome {
        Outcome {
            goal: "G3",
            what: "size".into(),
            ours: "12.70 MB".into(),
            peer: "1.39 MB".into(),
            ratio_label: "ours ÷ hello".into(),
            ratio: Stats::of(&[9.15]),
            target,
            checks,
            limits: String::new(),
            raw: json!({}),
        }
    }

    #[test]
    fn a_row_with_no_bound_is_neither_met_nor_missed() {
        let deb = outcome(Target::Informative, vec![]);
        assert_eq!(deb.met(), None);
        assert_eq!(deb.verdict(), "—");
        assert!(deb.summary_line().ends_with("→ no bound"));
    }

    #[test]
    fn an_informative_ratio_with_a_budget_is_judged_by_the_budget() {
        assert_eq!(outcome(Target::Informative, vec![("16.22 MB ≤ 10 MB".into(), false)]).verdict(), "**not met**");
        assert_eq!(outcome(Target::Informative, vec![("9.80 MB ≤ 10 MB".into(), true)]).verdict(), "met");
        assert_eq!(outcome(Target::AtMost(1.0), vec![]).verdict(), "**not met**");
        assert_eq!(outcome(Target::AtMost(10.0), vec![]).met(), Some(true));
    }
}
