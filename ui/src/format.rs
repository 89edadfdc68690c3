//! Formatting for people: amounts in đồng with the separators each language expects.

use crate::i18n::Lang;

/// `50000` → `50.000 ₫` in Vietnamese, `50,000 ₫` in English.
pub fn vnd(amount: u64, lang: Lang) -> String {
    let separator = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = amount.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 2);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped.push_str(" ₫");
    grouped
}
