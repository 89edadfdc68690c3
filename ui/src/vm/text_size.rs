//! The text size a person chose in settings: a class on the root element,
//! so every `rem` in the style sheet grows with it, kept as a preference.

/// The sizes offered; each is a share of the browser's own default size, so
/// a person who already enlarged text in the system keeps that on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    pub const ALL: [Self; 3] = [Self::Normal, Self::Large, Self::Larger];

    /// The value kept in local storage.
    pub fn code(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Large => "large",
            Self::Larger => "larger",
        }
    }

    /// Reads a stored value; anything unknown (or nothing) is normal.
    pub fn parse(code: Option<&str>) -> Self {
        Self::ALL.into_iter().find(|size| Some(size.code()) == code).unwrap_or_default()
    }

    /// The class on `<html>`; normal needs none.
    pub fn class(self) -> Option<&'static str> {
        match self {
            Self::Normal => None,
            Self::Large => Some("text-large"),
            Self::Larger => Some("text-larger"),
        }
    }

    /// Every class this module may set, so switching removes the old one.
    pub fn all_classes() -> impl Iterator<Item = &'static str> {
        Self::ALL.into_iter().filter_map(Self::class)
    }

    /// The translation key of its name in settings.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Normal => "settings.text_size.normal",
            Self::Large => "settings.text_size.large",
            Self::Larger => "settings.text_size.larger",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_survives_its_stored_code() {
        for size in TextSize::ALL {
            assert_eq!(TextSize::parse(Some(size.code())), size);
        }
    }

    #[test]
    fn an_unknown_or_missing_preference_is_normal_size() {
        assert_eq!(TextSize::parse(None), TextSize::Normal);
        assert_eq!(TextSize::parse(Some("huge")), TextSize::Normal);
    }

    #[test]
    fn only_the_larger_sizes_add_a_class_and_each_a_different_one() {
        assert_eq!(TextSize::Normal.class(), None);
        let classes: Vec<_> = TextSize::all_classes().collect();
        assert_eq!(classes, ["text-large", "text-larger"]);
    }
}
