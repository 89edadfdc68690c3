//! The birth-registration province codes that open a citizen ID number.
//!
//! Circular 07/2016/TT-BCA gives each of the 63 provinces and centrally run
//! cities a three-digit code: the two-digit administrative unit code with a
//! leading zero, so the numbering runs from 001 to 096 with gaps. The 2025
//! province mergers did not renumber citizen IDs already issued, so this table
//! keeps the 63 units as they stood when the codes were assigned.

use std::fmt;

/// A province or centrally run city as coded in the first three digits of a
/// citizen ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Province {
    code: &'static str,
    name: &'static str,
}

impl Province {
    const fn new(code: &'static str, name: &'static str) -> Self {
        Self { code, name }
    }

    /// The three-digit code, such as `079`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The Vietnamese name, such as `TP. Hồ Chí Minh`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The province with this three-digit code, if the table has one.
    pub fn by_code(code: &str) -> Option<Province> {
        // The table is sorted by code, so a binary search is enough.
        PROVINCES.binary_search_by(|p| p.code.cmp(code)).ok().map(|i| PROVINCES[i])
    }

    /// Every province of the table, sorted by code.
    pub fn all() -> &'static [Province] {
        &PROVINCES
    }
}

impl fmt::Display for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The 63 codes of Circular 07/2016/TT-BCA, sorted by code.
const PROVINCES: [Province; 63] = [
    Province::new("001", "Hà Nội"),
    Province::new("002", "Hà Giang"),
    Province::new("004", "Cao Bằng"),
    Province::new("006", "Bắc Kạn"),
    Province::new("008", "Tuyên Quang"),
    Province::new("010", "Lào Cai"),
    Province::new("011", "Điện Biên"),
    Province::new("012", "Lai Châu"),
    Province::new("014", "Sơn La"),
    Province::new("015", "Yên Bái"),
    Province::new("017", "Hòa Bình"),
    Province::new("019", "Thái Nguyên"),
    Province::new("020", "Lạng Sơn"),
    Province::new("022", "Quảng Ninh"),
    Province::new("024", "Bắc Giang"),
    Province::new("025", "Phú Thọ"),
    Province::new("026", "Vĩnh Phúc"),
    Province::new("027", "Bắc Ninh"),
    Province::new("030", "Hải Dương"),
    Province::new("031", "Hải Phòng"),
    Province::new("033", "Hưng Yên"),
    Province::new("034", "Thái Bình"),
    Province::new("035", "Hà Nam"),
    Province::new("036", "Nam Định"),
    Province::new("037", "Ninh Bình"),
    Province::new("038", "Thanh Hóa"),
    Province::new("040", "Nghệ An"),
    Province::new("042", "Hà Tĩnh"),
    Province::new("044", "Quảng Bình"),
    Province::new("045", "Quảng Trị"),
    Province::new("046", "Thừa Thiên Huế"),
    Province::new("048", "Đà Nẵng"),
    Province::new("049", "Quảng Nam"),
    Province::new("051", "Quảng Ngãi"),
    Province::new("052", "Bình Định"),
    Province::new("054", "Phú Yên"),
    Province::new("056", "Khánh Hòa"),
    Province::new("058", "Ninh Thuận"),
    Province::new("060", "Bình Thuận"),
    Province::new("062", "Kon Tum"),
    Province::new("064", "Gia Lai"),
    Province::new("066", "Đắk Lắk"),
    Province::new("067", "Đắk Nông"),
    Province::new("068", "Lâm Đồng"),
    Province::new("070", "Bình Phước"),
    Province::new("072", "Tây Ninh"),
    Province::new("074", "Bình Dương"),
    Province::new("075", "Đồng Nai"),
    Province::new("077", "Bà Rịa - Vũng Tàu"),
    Province::new("079", "TP. Hồ Chí Minh"),
    Province::new("080", "Long An"),
    Province::new("082", "Tiền Giang"),
    Province::new("083", "Bến Tre"),
    Province::new("084", "Trà Vinh"),
    Province::new("086", "Vĩnh Long"),
    Province::new("087", "Đồng Tháp"),
    Province::new("089", "An Giang"),
    Province::new("091", "Kiên Giang"),
    Province::new("092", "Cần Thơ"),
    Province::new("093", "Hậu Giang"),
    Province::new("094", "Sóc Trăng"),
    Province::new("095", "Bạc Liêu"),
    Province::new("096", "Cà Mau"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_by_code_without_duplicates() {
        // The binary search in `by_code` relies on this order.
        assert!(PROVINCES.windows(2).all(|pair| pair[0].code < pair[1].code));
    }

    #[test]
    fn every_code_is_three_ascii_digits_from_001_to_096() {
        for province in Province::all() {
            let code = province.code();
            assert!(code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
            assert!(("001"..="096").contains(&code), "{code}");
        }
    }

    #[test]
    fn the_five_centrally_run_cities_have_their_known_codes() {
        let name = |code| Province::by_code(code).map(|p| p.name());
        assert_eq!(name("001"), Some("Hà Nội"));
        assert_eq!(name("031"), Some("Hải Phòng"));
        assert_eq!(name("048"), Some("Đà Nẵng"));
        assert_eq!(name("079"), Some("TP. Hồ Chí Minh"));
        assert_eq!(name("092"), Some("Cần Thơ"));
    }

    #[test]
    fn a_code_in_a_gap_of_the_numbering_is_unknown() {
        for code in ["000", "003", "005", "047", "078", "090", "097", "999", "79", ""] {
            assert_eq!(Province::by_code(code), None, "{code}");
        }
    }
}
