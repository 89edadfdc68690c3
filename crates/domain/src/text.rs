//! Text folding for search: what a person types without diacritics
//! ("dang ky khai sinh") matches the Vietnamese name ("Đăng ký khai sinh").
//! Shared by the engine's search and the UI, so both match alike.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lowercase, without diacritics, with `đ` as `d` (a letter of its own,
/// which no Unicode decomposition splits), and runs of whitespace as one space.
pub fn fold(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `haystack` contains `query`, both folded.
pub fn matches(haystack: &str, query: &str) -> bool {
    fold(haystack).contains(&fold(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_without_diacritics_finds_the_vietnamese_name() {
        assert!(matches("Đăng ký khai sinh", "dang ky khai sinh"));
        assert!(matches("Đăng ký khai sinh", "KHAI  SINH"));
    }

    #[test]
    fn folding_drops_tone_marks_and_the_stroke_of_d() {
        assert_eq!(fold("Thay đổi nội dung ĐĂNG KÝ"), "thay doi noi dung dang ky");
    }

    #[test]
    fn a_different_word_does_not_match() {
        assert!(!matches("Đăng ký khai sinh", "khai tu"));
    }
}
