//! Files people attach: what a required document accepts (for the file
//! input's `accept` and the camera), the check of type and size made before
//! anything is read or sent (the engine checks again), sizes in words, and
//! the media type of a file the browser could not name.

use hoso_domain::catalogue::RequiredDocument;

use crate::i18n::{Lang, t};

/// Why a file cannot be attached to a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    WrongType,
    TooLarge { max_bytes: u64 },
}

impl FileProblem {
    /// The sentence shown beside the document.
    pub fn text(self, lang: Lang, document: &RequiredDocument) -> String {
        match self {
            Self::Empty => t(lang, "form.file.empty"),
            Self::WrongType => t(lang, "form.file.wrong_type").replace("{types}", &type_names(document)),
            Self::TooLarge { max_bytes } => {
                t(lang, "form.file.too_large").replace("{size}", &size_text(lang, max_bytes))
            }
        }
    }
}

/// The extensions people know the accepted types by, for `accept` and hints.
const EXTENSIONS: &[(&str, &[&str])] = &[
    ("application/pdf", &[".pdf"]),
    ("image/jpeg", &[".jpg", ".jpeg"]),
    ("image/png", &[".png"]),
    ("image/heic", &[".heic"]),
    ("image/webp", &[".webp"]),
    ("image/tiff", &[".tif", ".tiff"]),
    ("application/msword", &[".doc"]),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &[".docx"]),
    ("application/vnd.ms-excel", &[".xls"]),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &[".xlsx"]),
    ("text/csv", &[".csv"]),
    ("application/json", &[".json"]),
    ("application/xml", &[".xml"]),
    ("application/zip", &[".zip"]),
];

fn extensions(media_type: &str) -> &'static [&'static str] {
    EXTENSIONS.iter().find(|(m, _)| m.eq_ignore_ascii_case(media_type)).map_or(&[], |(_, e)| e)
}

/// The file input's `accept`: the media types and their extensions (some
/// pickers match only one of the two).
pub fn accept(document: &RequiredDocument) -> String {
    let mut parts: Vec<String> = Vec::new();
    for media_type in &document.media_types {
        parts.push(media_type.to_ascii_lowercase());
        parts.extend(extensions(media_type).iter().map(|e| (*e).to_owned()));
    }
    parts.join(",")
}

/// The image types a phone's camera can give for this document, as `accept`
/// for the "take a photo" input; `None` when the document takes no image.
pub fn camera_accept(document: &RequiredDocument) -> Option<String> {
    let images: Vec<String> = document
        .media_types
        .iter()
        .filter(|m| m.to_ascii_lowercase().starts_with("image/"))
        .map(|m| m.to_ascii_lowercase())
        .collect();
    (!images.is_empty()).then(|| images.join(","))
}

/// "PDF, JPG, PNG": the accepted types as people name them.
pub fn type_names(document: &RequiredDocument) -> String {
    let mut names: Vec<String> = Vec::new();
    for media_type in &document.media_types {
        let name = match extensions(media_type).first() {
            Some(ext) => ext.trim_start_matches('.').to_ascii_uppercase(),
            None => media_type.clone(),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}

/// The media type of a picked file: the browser's word, or when it has none
/// (some systems give none for HEIC or XLSX) the one its extension names.
pub fn media_type(name: &str, browser_type: &str) -> String {
    if !browser_type.is_empty() {
        return browser_type.to_ascii_lowercase();
    }
    let lower = name.to_ascii_lowercase();
    EXTENSIONS
        .iter()
        .find(|(_, exts)| exts.iter().any(|e| lower.ends_with(e)))
        .map_or_else(|| "application/octet-stream".to_owned(), |(m, _)| (*m).to_owned())
}

/// Checks a picked file against the document before it is read: empty,
/// of a type the document does not take, or larger than it allows.
pub fn check(document: &RequiredDocument, media_type: &str, size: u64) -> Result<(), FileProblem> {
    if size == 0 {
        return Err(FileProblem::Empty);
    }
    if !document.accepts_media_type(media_type) {
        return Err(FileProblem::WrongType);
    }
    if size > document.max_bytes {
        return Err(FileProblem::TooLarge { max_bytes: document.max_bytes });
    }
    Ok(())
}

/// `2,5 MB` in Vietnamese, `2.5 MB` in English; whole kilobytes below a megabyte.
pub fn size_text(lang: Lang, bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        return format!("{bytes} B");
    }
    if bytes < MB {
        return format!("{} KB", bytes.div_ceil(KB));
    }
    let tenths = (bytes * 10 + MB / 2) / MB;
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let separator = match lang {
        Lang::Vi => ',',
        Lang::En => '.',
    };
    if tenth == 0 { format!("{whole} MB") } else { format!("{whole}{separator}{tenth} MB") }
}

#[cfg(test)]
mod tests {
    use hoso_domain::catalogue::Localized;

    use super::*;

    fn document() -> RequiredDocument {
        RequiredDocument {
            id: "giay-chung-sinh".into(),
            name: Localized { vi: "Giấy chứng sinh".into(), en: "Birth certificate".into() },
            required: true,
            copies: 1,
            original: true,
            media_types: vec!["application/pdf".into(), "image/jpeg".into(), "image/png".into()],
            max_bytes: 5 * 1024 * 1024,
            template: None,
            reusable: false,
        }
    }

    #[test]
    fn the_picker_and_the_camera_are_offered_the_accepted_types() {
        assert_eq!(accept(&document()), "application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png");
        assert_eq!(camera_accept(&document()).as_deref(), Some("image/jpeg,image/png"));
        let pdf_only = RequiredDocument { media_types: vec!["application/pdf".into()], ..document() };
        assert_eq!(camera_accept(&pdf_only), None);
        assert_eq!(type_names(&document()), "PDF, JPG, PNG");
    }

    #[test]
    fn a_file_is_checked_for_emptiness_type_and_size_before_reading() {
        let doc = document();
        assert_eq!(check(&doc, "application/pdf", 1000), Ok(()));
        assert_eq!(check(&doc, "IMAGE/JPEG", 1000), Ok(()));
        assert_eq!(check(&doc, "application/pdf", 0), Err(FileProblem::Empty));
        assert_eq!(check(&doc, "image/gif", 1000), Err(FileProblem::WrongType));
        assert_eq!(
            check(&doc, "application/pdf", 5 * 1024 * 1024 + 1),
            Err(FileProblem::TooLarge { max_bytes: 5 * 1024 * 1024 })
        );
        assert_eq!(check(&doc, "application/pdf", 5 * 1024 * 1024), Ok(()));
    }

    #[test]
    fn problems_are_said_with_the_types_and_the_limit() {
        let doc = document();
        assert_eq!(
            FileProblem::WrongType.text(Lang::En, &doc),
            "This file type is not accepted. Choose a PDF, JPG, PNG file"
        );
        assert_eq!(
            FileProblem::TooLarge { max_bytes: doc.max_bytes }.text(Lang::Vi, &doc),
            "Tệp lớn hơn 5 MB. Hãy chọn tệp nhỏ hơn, hoặc chụp lại với chất lượng thấp hơn"
        );
    }

    #[test]
    fn a_file_without_a_browser_type_is_named_by_its_extension() {
        assert_eq!(media_type("Scan.HEIC", ""), "image/heic");
        assert_eq!(media_type("a.pdf", "Application/PDF"), "application/pdf");
        assert_eq!(media_type("noext", ""), "application/octet-stream");
    }

    #[test]
    fn sizes_read_in_each_language() {
        assert_eq!(size_text(Lang::Vi, 500), "500 B");
        assert_eq!(size_text(Lang::En, 1500), "2 KB");
        assert_eq!(size_text(Lang::Vi, 2_621_440), "2,5 MB");
        assert_eq!(size_text(Lang::En, 2_621_440), "2.5 MB");
        assert_eq!(size_text(Lang::En, 5 * 1024 * 1024), "5 MB");
    }
}
