//! The one-line message a page shows after a form was posted, carried in the
//! redirect's `msg` query parameter. Only these names are understood and the
//! text shown is always this module's, so a crafted link can put no words of
//! its own on an officer's screen.

use axum::http::StatusCode;
use hoso_protocol::error::ErrorKind;

use crate::PortalError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    Moved,
    ResultIssued,
    NotAllowed,
    Invalid,
    TooLarge,
    MediaType,
    SignedOut,
}

use Flash::*;

const ALL: [Flash; 7] = [Moved, ResultIssued, NotAllowed, Invalid, TooLarge, MediaType, SignedOut];

impl Flash {
    /// Its name in the `msg` query parameter.
    pub fn name(self) -> &'static str {
        match self {
            Moved => "moved",
            ResultIssued => "result_issued",
            NotAllowed => "not_allowed",
            Invalid => "invalid",
            TooLarge => "too_large",
            MediaType => "media_type",
            SignedOut => "signed_out",
        }
    }

    /// The message a `msg` parameter names; anything else shows nothing.
    pub fn named(name: &str) -> Option<Self> {
        ALL.into_iter().find(|flash| flash.name() == name)
    }

    /// Whether it reports something that was not done.
    pub fn is_refusal(self) -> bool {
        matches!(self, NotAllowed | Invalid | TooLarge | MediaType)
    }

    pub fn text(self) -> &'static str {
        match self {
            Moved => "Đã ghi nhận quyết định. / The decision was recorded.",
            ResultIssued => "Đã cấp kết quả cho hồ sơ. / The result was issued.",
            NotAllowed => {
                "Không thực hiện được: thao tác này không được phép ở trạng thái hiện tại của hồ sơ. / \
                 Not done: this move is not allowed from the dossier's current status."
            }
            Invalid => {
                "Không thực hiện được: nội dung nhập chưa hợp lệ (lý do từ 1 đến 2000 ký tự, số tiền lớn hơn 0, \
                 tên tệp hợp lệ). / Not done: the input is not valid (a reason of 1 to 2000 characters, an amount \
                 above 0, a proper file name)."
            }
            TooLarge => "Không thực hiện được: tệp kết quả lớn hơn 20 MiB. / Not done: the result file is over 20 MiB.",
            MediaType => {
                "Không thực hiện được: kết quả phải là tệp PDF, PNG, JPEG hoặc XML. / \
                 Not done: the result must be a PDF, PNG, JPEG or XML file."
            }
            SignedOut => "Đã đăng xuất. / Signed out.",
        }
    }

    /// The message for a decision the portal refused, or `None` when the
    /// failure is not the officer's to fix (it is shown as an error page).
    pub fn for_refusal(error: &PortalError) -> Option<Self> {
        match error {
            PortalError::Refused { status, kind, .. } => Some(match (*status, kind) {
                (StatusCode::CONFLICT, _) => NotAllowed,
                (StatusCode::PAYLOAD_TOO_LARGE, _) | (_, ErrorKind::TooLarge) => TooLarge,
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, _) => MediaType,
                _ => Invalid,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::MoveError;
    use hoso_domain::dossier::DossierStatus;

    #[test]
    fn every_message_is_found_by_its_name_and_nothing_else_is() {
        for flash in ALL {
            assert_eq!(Flash::named(flash.name()), Some(flash));
        }
        assert_eq!(Flash::named("<script>"), None);
        assert_eq!(Flash::named(""), None);
    }

    #[test]
    fn a_move_the_lifecycle_refuses_reads_not_allowed_from_the_current_status() {
        let refused = PortalError::from(MoveError::NotAllowed { from: DossierStatus::Submitted });
        assert_eq!(Flash::for_refusal(&refused), Some(NotAllowed));
        assert!(Flash::NotAllowed.text().contains("not allowed from the dossier's current status"));
        assert_eq!(Flash::for_refusal(&PortalError::NotFound), None);
    }
}
