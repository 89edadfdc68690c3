//! Bulk files judged by the engine against the real portal's forms: a JSON
//! file is one row of answers, judged by the same rules as a draft.

use super::*;

const EXAMPLE: &str = include_str!("../../../../assets/forms/examples/doanh-nghiep.thay-doi-noi-dung.v1.valid.json");

#[tokio::test]
async fn a_json_file_is_one_row_and_a_bad_answer_is_reported_at_its_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();

    let valid = dir.path().join("valid.json");
    std::fs::write(&valid, EXAMPLE).unwrap();
    let checks = engine.validate_file("2.002050", &valid).await.unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!((checks[0].row, checks[0].errors.as_slice()), (1, &[][..]));

    let mut answers: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    answers["filer"]["phone"] = "12345".into();
    let invalid = dir.path().join("invalid.json");
    std::fs::write(&invalid, answers.to_string()).unwrap();
    let checks = engine.validate_file("2.002050", &invalid).await.unwrap();
    let pointers: Vec<&str> = checks[0].errors.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/filer/phone"]);
}

#[tokio::test]
async fn a_procedure_missing_from_the_catalogue_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let portal = spawn_portal(&dir).await;
    let engine = Engine::open(&dir.path().join("engine.db"), &portal.url()).await.unwrap();
    let file = dir.path().join("a.json");
    std::fs::write(&file, "{}").unwrap();
    let error = engine.validate_file("1.999999", &file).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}
