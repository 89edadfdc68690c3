//! `GET /office`: the queue of dossiers awaiting an officer, the longest
//! waiting first, with a filter by status; each row links to its dossier.

use axum::extract::{Query, State};
use axum::response::Response;
use hoso_domain::dossier::DossierStatus;
use hoso_protocol::api::dossier::DossierSummary;
use serde::Deserialize;

use super::flash::Flash;
use super::render::{self, dossier_path, failure, signed_in};
use super::session::OfficerSession;
use crate::http::AppState;
use crate::office;
use crate::oidc::pages::escape;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    status: String,
    msg: String,
}

/// The statuses the filter offers: those the portal holds.
fn filterable() -> impl Iterator<Item = DossierStatus> {
    DossierStatus::ALL.into_iter().filter(|status| status.national_code().is_some())
}

pub async fn page(State(state): State<AppState>, session: OfficerSession, Query(query): Query<QueueQuery>) -> Response {
    // An unknown status in a hand-edited link shows the default queue.
    let status = filterable().find(|status| status.as_str() == query.status);
    match office::awaiting(&state, status).await {
        Ok(dossiers) => {
            let body = html(status, &dossiers);
            signed_in("Hồ sơ chờ xử lý", &session.csrf(), Flash::named(&query.msg), &body)
        }
        Err(error) => failure(&error),
    }
}

fn html(selected: Option<DossierStatus>, dossiers: &[DossierSummary]) -> String {
    let mut options = String::from("<option value=\"\">Tất cả hồ sơ chờ xử lý / Everything awaiting action</option>");
    for status in filterable() {
        let chosen = if Some(status) == selected { " selected" } else { "" };
        options.push_str(&format!(
            "<option value=\"{}\"{chosen}>{}</option>",
            status.as_str(),
            escape(&render::status(status))
        ));
    }
    let rows: String = dossiers
        .iter()
        .map(|dossier| {
            let due = dossier.due_on.map(render::date).unwrap_or_else(|| "—".to_owned());
            format!(
                "<tr data-code=\"{code}\"><td><a href=\"{href}\">{code}</a></td><td>{procedure}</td>\
                 <td data-status=\"{status_name}\">{status}</td><td>{submitted}</td><td>{updated}</td><td>{due}</td></tr>",
                code = escape(&dossier.code),
                href = escape(&dossier_path(&dossier.code, None)),
                procedure = escape(dossier.procedure.as_str()),
                status_name = dossier.status.as_str(),
                status = escape(&render::status(dossier.status)),
                submitted = render::moment(dossier.submitted_at),
                updated = render::moment(dossier.updated_at),
            )
        })
        .collect();
    let table = if dossiers.is_empty() {
        "<p id=\"empty\">Không có hồ sơ nào. / No dossiers.</p>".to_owned()
    } else {
        format!(
            "<table><thead><tr><th>Mã hồ sơ / Code</th><th>Thủ tục / Procedure</th><th>Trạng thái / Status</th>\
             <th>Nộp lúc / Submitted</th><th>Cập nhật / Updated</th><th>Hạn xử lý / Due</th></tr></thead>\
             <tbody>{rows}</tbody></table>"
        )
    };
    format!(
        "<h1>Hồ sơ chờ xử lý / Dossiers awaiting action</h1>\
         <form method=\"get\" action=\"/office\"><p><label for=\"status\">Trạng thái / Status</label> \
         <select id=\"status\" name=\"status\">{options}</select> \
         <button type=\"submit\">Lọc / Filter</button></p></form>{table}"
    )
}
