//! The scripted scenarios of `assets/demo/scenarios.json`: what they file and
//! the steps they play. They are data, so support staff can add one without
//! touching code; a broken file stops a demo portal at start-up, not mid-demo.

use std::collections::BTreeSet;

use hoso_domain::catalogue::{Localized, ProcedureCode};
use hoso_protocol::api::demo::{ScenarioInfo, StepInfo};
use hoso_protocol::api::office::OfficeMove;
use serde::Deserialize;

use crate::PortalError;
use crate::forms;

const SCENARIOS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/scenarios.json"));

#[derive(Deserialize)]
struct ScenarioFile {
    scenarios: Vec<Scenario>,
}

/// One scripted journey.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    pub procedure: ProcedureCode,
    /// The file in `assets/forms/examples` whose answers are filed.
    pub example: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Virtual minutes after the step before (after the submission, for the first).
    pub after_minutes: u32,
    pub label: Localized,
    pub action: Action,
}

/// What a step does, through the same doors an officer or a citizen uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// An officer's decision, as the officer API takes it.
    Officer(OfficeMove),
    /// The officer issues a result document the simulator makes up.
    IssueResult { name: String, media_type: String },
    /// The citizen sends the dossier's answers again as the supplement.
    AnswerSupplement,
    /// The citizen pays what is due on the simulated gateway.
    Pay,
}

impl Scenario {
    pub fn info(&self) -> ScenarioInfo {
        ScenarioInfo {
            id: self.id.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            procedure: self.procedure.clone(),
            steps: self
                .steps
                .iter()
                .map(|step| StepInfo { after_minutes: step.after_minutes, label: step.label.clone() })
                .collect(),
        }
    }
}

/// The shipped scenarios, checked: unique ids, examples that exist, at least one step.
pub fn load() -> Result<Vec<Scenario>, PortalError> {
    let file: ScenarioFile = serde_json::from_str(SCENARIOS)
        .map_err(|error| PortalError::CorruptRecord(format!("assets/demo/scenarios.json: {error}")))?;
    let mut ids = BTreeSet::new();
    for scenario in &file.scenarios {
        let problem = if !ids.insert(scenario.id.as_str()) {
            Some("its id is used twice")
        } else if forms::example(&scenario.example).is_none() {
            Some("its example is not in assets/forms/examples")
        } else if scenario.steps.is_empty() {
            Some("it has no steps")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(PortalError::CorruptRecord(format!("demo scenario `{}`: {problem}", scenario.id)));
        }
    }
    Ok(file.scenarios)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_scenarios_load_and_name_examples_that_exist() {
        let scenarios = load().unwrap();
        assert!(scenarios.len() >= 5, "{}", scenarios.len());
        assert!(scenarios.iter().any(|s| s.id == "khai-sinh-tron-ven"));
        // Between them, the scenarios reach every status an officer can set.
        let actions: Vec<&Action> = scenarios.iter().flat_map(|s| s.steps.iter().map(|step| &step.action)).collect();
        for wanted in
            ["accept", "refuse", "start_processing", "request_supplement", "request_payment", "stop", "return_result"]
        {
            let shown = actions.iter().any(|action| match action {
                Action::Officer(office_move) => serde_json::to_value(office_move).unwrap()["move"] == wanted,
                _ => false,
            });
            assert!(shown, "no scenario shows `{wanted}`");
        }
        assert!(actions.iter().any(|a| matches!(a, Action::IssueResult { .. })));
        assert!(actions.iter().any(|a| matches!(a, Action::AnswerSupplement)));
        assert!(actions.iter().any(|a| matches!(a, Action::Pay)));
    }
}
