//! A procedure's page in words: file types people recognise ("PDF, JPEG"
//! rather than media types) and sizes in MB.

use hoso_domain::catalogue::{Applicant, ChannelKind, FeeKind, FeeMode, ResultKind, ServiceLevel};

/// A media type as people name the file: `application/pdf` → `PDF`.
pub fn media_label(media_type: &str) -> String {
    match media_type.to_ascii_lowercase().as_str() {
        "application/pdf" => "PDF".to_owned(),
        "image/jpeg" | "image/jpg" => "JPEG".to_owned(),
        "image/png" => "PNG".to_owned(),
        "image/heic" => "HEIC".to_owned(),
        "application/msword" => "DOC".to_owned(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX".to_owned(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "XLSX".to_owned(),
        "text/csv" => "CSV".to_owned(),
        "application/json" => "JSON".to_owned(),
        other => other.rsplit('/').next().unwrap_or(other).to_ascii_uppercase(),
    }
}

/// Every accepted type, once each, in the catalogue's order: `PDF, JPEG`.
pub fn media_list(media_types: &[String]) -> String {
    let mut labels: Vec<String> = Vec::new();
    for label in media_types.iter().map(|m| media_label(m)) {
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels.join(", ")
}

/// A size limit: `5 MB`, `1.5 MB`, `500 KB` (binary units, as file managers
/// count; the decimal comma in Vietnamese).
pub fn size_label(bytes: u64, vietnamese: bool) -> String {
    const KB: f64 = 1024.0;
    let (value, unit) =
        if bytes as f64 >= KB * KB { (bytes as f64 / (KB * KB), "MB") } else { (bytes as f64 / KB, "KB") };
    let rounded = (value * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") };
    let text = if vietnamese { text.replace('.', ",") } else { text };
    format!("{text} {unit}")
}

pub fn level_key(level: ServiceLevel) -> &'static str {
    match level {
        ServiceLevel::Full => "procedure.level.full",
        ServiceLevel::Partial => "procedure.level.partial",
    }
}

pub fn channel_key(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Online => "procedure.channel.online",
        ChannelKind::InPerson => "procedure.channel.in_person",
        ChannelKind::Post => "procedure.channel.post",
    }
}

pub fn fee_kind_key(kind: FeeKind) -> &'static str {
    match kind {
        FeeKind::Charge => "procedure.fee_kind.charge",
        FeeKind::Levy => "procedure.fee_kind.levy",
    }
}

pub fn fee_mode_key(mode: FeeMode) -> &'static str {
    match mode {
        FeeMode::Before => "procedure.fee_mode.before",
        FeeMode::After => "procedure.fee_mode.after",
        FeeMode::Exempt => "procedure.fee_mode.exempt",
    }
}

pub fn applicant_key(applicant: Applicant) -> &'static str {
    match applicant {
        Applicant::Citizen => "procedure.applicant.citizen",
        Applicant::Enterprise => "procedure.applicant.enterprise",
    }
}

pub fn result_key(result: ResultKind) -> &'static str {
    match result {
        ResultKind::Decision => "procedure.result_kind.decision",
        ResultKind::Licence => "procedure.result_kind.licence",
        ResultKind::Certificate => "procedure.result_kind.certificate",
        ResultKind::Confirmation => "procedure.result_kind.confirmation",
        ResultKind::Extract => "procedure.result_kind.extract",
        ResultKind::Notice => "procedure.result_kind.notice",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, t};

    #[test]
    fn media_types_read_as_the_names_people_know() {
        assert_eq!(media_list(&["application/pdf".into(), "image/jpeg".into(), "image/jpg".into()]), "PDF, JPEG");
        assert_eq!(media_label("image/webp"), "WEBP");
    }

    #[test]
    fn sizes_read_in_whole_or_tenths_of_megabytes() {
        assert_eq!(size_label(5 * 1024 * 1024, false), "5 MB");
        assert_eq!(size_label(1536 * 1024, false), "1.5 MB");
        assert_eq!(size_label(1536 * 1024, true), "1,5 MB");
        assert_eq!(size_label(500 * 1024, false), "500 KB");
    }

    #[test]
    fn every_catalogue_word_is_translated_in_both_languages() {
        let keys = [
            level_key(ServiceLevel::Full),
            level_key(ServiceLevel::Partial),
            channel_key(ChannelKind::Online),
            channel_key(ChannelKind::InPerson),
            channel_key(ChannelKind::Post),
            fee_kind_key(FeeKind::Charge),
            fee_kind_key(FeeKind::Levy),
            fee_mode_key(FeeMode::Before),
            fee_mode_key(FeeMode::After),
            fee_mode_key(FeeMode::Exempt),
            applicant_key(Applicant::Citizen),
            applicant_key(Applicant::Enterprise),
            result_key(ResultKind::Decision),
            result_key(ResultKind::Licence),
            result_key(ResultKind::Certificate),
            result_key(ResultKind::Confirmation),
            result_key(ResultKind::Extract),
            result_key(ResultKind::Notice),
        ];
        for key in keys {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(t(lang, key), key, "{key} in {lang:?}");
            }
        }
    }
}
