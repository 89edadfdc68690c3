//! Which days are working days for a state agency in Vietnam.
//!
//! The holidays are data, not code: `assets/calendar/holidays-vn.json` lists
//! each day off of the covered years (Labour Code 2019, Articles 111 and 112,
//! and the schedules the government publishes), plus the Saturdays made
//! working days in exchange for a swapped day off. Saturday and Sunday are
//! otherwise off. A date outside the covered years is never guessed to be a
//! working day: asking about it is an error.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

use crate::catalogue::Localized;

/// The calendar shipped with the app, embedded at compile time.
const VIETNAM: &str = include_str!("../../../../assets/calendar/holidays-vn.json");

/// Why a day is off although it falls on a weekday, or is named at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// A day Article 112 names (New Year, Tết, Hùng Kings, 30/4, 1/5, 2/9 and its adjacent day).
    Holiday,
    /// A working day off because a holiday fell on a weekend (Article 111(3)).
    Compensatory,
    /// A working day off exchanged for a working Saturday.
    Swapped,
}

/// Whether a year's days off are the government's published schedule or the
/// law applied as written, pending that schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    Announced,
    Projected,
}

/// A named day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayOff {
    pub date: Date,
    pub kind: DayOffKind,
    pub name: Localized,
}

/// A Saturday or Sunday on which agencies work, making up for a swapped day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingDay {
    pub date: Date,
    pub name: Localized,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearEntry {
    year: i32,
    schedule: Schedule,
}

/// The file's shape. Its title, legal basis and notes are for the people who
/// maintain it; serde skips them.
#[derive(Deserialize)]
struct CalendarFile {
    years: Vec<YearEntry>,
    days_off: Vec<DayOff>,
    working_days: Vec<WorkingDay>,
}

/// Why a calendar file is refused; a machine code, the detail is for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar.json")]
    Json(String),
    /// The covered years are empty, out of order or have a gap.
    #[error("calendar.years")]
    Years,
    #[error("calendar.outside_years")]
    OutsideYears(Date),
    #[error("calendar.duplicate_date")]
    DuplicateDate(Date),
    #[error("calendar.working_day_not_weekend")]
    WorkingDayNotWeekend(Date),
}

/// The calendar does not cover this date's year, so it cannot tell whether
/// the date is a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("calendar.not_covered")]
pub struct NotCovered {
    pub date: Date,
}

/// Days off and working Saturdays for a run of consecutive years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayCalendar {
    first_year: i32,
    schedules: Vec<Schedule>,
    days_off: BTreeMap<Date, DayOff>,
    working_days: BTreeMap<Date, WorkingDay>,
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl HolidayCalendar {
    /// Vietnam's calendar, parsed once from the embedded file.
    pub fn vietnam() -> &'static HolidayCalendar {
        static VIETNAM_CALENDAR: OnceLock<HolidayCalendar> = OnceLock::new();
        // The file is part of the build and a test parses it, so a failure here is a broken build.
        VIETNAM_CALENDAR.get_or_init(|| Self::from_json(VIETNAM).expect("the embedded holiday calendar is valid"))
    }

    /// Parses and checks a calendar file.
    pub fn from_json(text: &str) -> Result<Self, CalendarError> {
        let file: CalendarFile = serde_json::from_str(text).map_err(|e| CalendarError::Json(e.to_string()))?;
        let first_year = file.years.first().ok_or(CalendarError::Years)?.year;
        let consecutive = file
            .years
            .iter()
            .enumerate()
            .all(|(i, entry)| i32::try_from(i).ok().and_then(|i| first_year.checked_add(i)) == Some(entry.year));
        if !consecutive {
            return Err(CalendarError::Years);
        }
        let mut calendar = Self {
            first_year,
            schedules: file.years.iter().map(|entry| entry.schedule).collect(),
            days_off: BTreeMap::new(),
            working_days: BTreeMap::new(),
        };
        for day in file.days_off {
            let date = day.date;
            if !calendar.covers(date.year()) {
                return Err(CalendarError::OutsideYears(date));
            }
            if calendar.days_off.insert(date, day).is_some() {
                return Err(CalendarError::DuplicateDate(date));
            }
        }
        for day in file.working_days {
            let date = day.date;
            if !calendar.covers(date.year()) {
                return Err(CalendarError::OutsideYears(date));
            }
            // A weekday is a working day already; listing one would hide a mistake in the data.
            if !is_weekend(date) {
                return Err(CalendarError::WorkingDayNotWeekend(date));
            }
            if calendar.days_off.contains_key(&date) || calendar.working_days.insert(date, day).is_some() {
                return Err(CalendarError::DuplicateDate(date));
            }
        }
        Ok(calendar)
    }

    /// The years this calendar knows, first to last.
    pub fn years(&self) -> RangeInclusive<i32> {
        let count = i32::try_from(self.schedules.len()).unwrap_or(i32::MAX);
        self.first_year..=self.first_year + (count - 1)
    }

    /// Whether the calendar knows the days off of `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years().contains(&year)
    }

    /// Whether `year` follows a published schedule or the law as written.
    pub fn schedule(&self, year: i32) -> Option<Schedule> {
        let index = usize::try_from(year.checked_sub(self.first_year)?).ok()?;
        self.schedules.get(index).copied()
    }

    fn check_covered(&self, date: Date) -> Result<(), NotCovered> {
        if self.covers(date.year()) { Ok(()) } else { Err(NotCovered { date }) }
    }

    /// Whether agencies work on `date`: Monday to Friday unless it is a day
    /// off, or a Saturday made a working day.
    pub fn is_working_day(&self, date: Date) -> Result<bool, NotCovered> {
        self.check_covered(date)?;
        if self.working_days.contains_key(&date) {
            return Ok(true);
        }
        Ok(!is_weekend(date) && !self.days_off.contains_key(&date))
    }

    /// The named day off on `date`, if any. Ordinary weekends are not named.
    pub fn day_off(&self, date: Date) -> Result<Option<&DayOff>, NotCovered> {
        self.check_covered(date)?;
        Ok(self.days_off.get(&date))
    }

    /// Every named day off, in date order.
    pub fn days_off(&self) -> impl Iterator<Item = &DayOff> {
        self.days_off.values()
    }

    /// Every working Saturday or Sunday, in date order.
    pub fn working_days(&self) -> impl Iterator<Item = &WorkingDay> {
        self.working_days.values()
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: Date) -> Result<Date, NotCovered> {
        let mut day = date;
        loop {
            // The covered years are finite, so this ends: at a working day or at their edge.
            day = day.next_day().ok_or(NotCovered { date: day })?;
            if self.is_working_day(day)? {
                return Ok(day);
            }
        }
    }

    /// The day on which the `count`-th working day after `date` falls; `date`
    /// itself is not counted, and zero days is `date`.
    pub fn add_working_days(&self, date: Date, count: u32) -> Result<Date, NotCovered> {
        (0..count).try_fold(date, |day, _| self.next_working_day(day))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn vn() -> &'static HolidayCalendar {
        HolidayCalendar::vietnam()
    }

    fn working(date: Date) -> bool {
        vn().is_working_day(date).unwrap()
    }

    #[test]
    fn the_embedded_calendar_parses_and_covers_2024_to_2030() {
        let calendar = HolidayCalendar::from_json(VIETNAM).unwrap();
        assert_eq!(calendar.years(), 2024..=2030);
        assert!(calendar.covers(2024) && calendar.covers(2030));
        assert!(!calendar.covers(2023) && !calendar.covers(2031));
    }

    #[test]
    fn the_years_up_to_2026_follow_published_schedules_and_later_ones_the_law() {
        assert_eq!(vn().schedule(2026), Some(Schedule::Announced));
        assert_eq!(vn().schedule(2027), Some(Schedule::Projected));
        assert_eq!(vn().schedule(2031), None);
        assert_eq!(vn().schedule(i32::MIN), None);
    }

    #[test]
    fn a_date_outside_the_covered_years_is_an_error_not_a_working_day() {
        assert_eq!(vn().is_working_day(date!(2031 - 01 - 06)), Err(NotCovered { date: date!(2031 - 01 - 06) }));
        assert!(vn().is_working_day(date!(2023 - 12 - 29)).is_err());
        assert_eq!(vn().day_off(date!(2031 - 01 - 01)).unwrap_err().to_string(), "calendar.not_covered");
    }

    #[test]
    fn weekdays_work_and_weekends_rest() {
        assert!(working(date!(2025 - 03 - 07))); // Friday
        assert!(!working(date!(2025 - 03 - 08))); // Saturday
        assert!(!working(date!(2025 - 03 - 09))); // Sunday
        assert!(working(date!(2025 - 03 - 10))); // Monday
    }

    #[test]
    fn the_five_days_of_tet_2026_are_off() {
        for day in 16..=20 {
            let date = Date::from_calendar_date(2026, time::Month::February, day).unwrap();
            assert!(!working(date), "{date}");
            assert_eq!(vn().day_off(date).unwrap().unwrap().kind, DayOffKind::Holiday);
        }
        assert!(working(date!(2026 - 02 - 13)));
        assert!(working(date!(2026 - 02 - 23)));
    }

    #[test]
    fn each_lunar_new_year_in_vietnam_time_is_a_holiday() {
        // 2030 differs from the Chinese calendar: the new moon falls at about
        // 23:07 in Hà Nội on 2 February, already 3 February in Beijing.
        let new_years = [
            date!(2024 - 02 - 10),
            date!(2025 - 01 - 29),
            date!(2026 - 02 - 17),
            date!(2027 - 02 - 06),
            date!(2028 - 01 - 26),
            date!(2029 - 02 - 13),
            date!(2030 - 02 - 02),
        ];
        for date in new_years {
            let day = vn().day_off(date).unwrap().unwrap();
            assert!(day.name.vi.contains("mùng 1 tháng Giêng"), "{date}: {}", day.name.vi);
            let eve = vn().day_off(date.previous_day().unwrap()).unwrap().unwrap();
            assert!(eve.name.vi.contains("ngày cuối năm âm lịch"), "{date}: {}", eve.name.vi);
        }
    }

    #[test]
    fn hung_kings_day_falls_on_the_tenth_day_of_the_third_lunar_month() {
        let days = [
            date!(2024 - 04 - 18),
            date!(2025 - 04 - 07),
            date!(2026 - 04 - 26),
            date!(2027 - 04 - 16),
            date!(2028 - 04 - 04),
            date!(2029 - 04 - 23),
            date!(2030 - 04 - 12),
        ];
        for date in days {
            assert!(vn().day_off(date).unwrap().unwrap().name.en.starts_with("Hùng Kings"), "{date}");
        }
        // 26 April 2026 is a Sunday: the Monday after is the compensatory day.
        assert_eq!(vn().day_off(date!(2026 - 04 - 27)).unwrap().unwrap().kind, DayOffKind::Compensatory);
    }

    #[test]
    fn each_year_lists_the_eleven_days_of_article_112() {
        for year in vn().years() {
            let holidays = vn().days_off().filter(|d| d.date.year() == year && d.kind == DayOffKind::Holiday);
            let dates: Vec<Date> = holidays.map(|d| d.date).collect();
            assert_eq!(dates.len(), 11, "{year}: {dates:?}");
            for (month, day) in [(1, 1), (4, 30), (5, 1), (9, 2)] {
                let date = Date::from_calendar_date(year, time::Month::try_from(month).unwrap(), day).unwrap();
                assert!(dates.contains(&date), "{date}");
            }
        }
    }

    #[test]
    fn compensatory_and_swapped_days_fall_on_weekdays() {
        for day in vn().days_off().filter(|d| d.kind != DayOffKind::Holiday) {
            assert!(!is_weekend(day.date), "{}", day.date);
        }
    }

    #[test]
    fn each_swapped_day_is_made_up_on_a_working_saturday_of_the_same_year() {
        for year in vn().years() {
            let swapped = vn().days_off().filter(|d| d.date.year() == year && d.kind == DayOffKind::Swapped).count();
            let made_up = vn().working_days().filter(|d| d.date.year() == year).count();
            assert_eq!(swapped, made_up, "{year}");
        }
    }

    #[test]
    fn a_working_saturday_is_a_working_day() {
        // Friday 2 January 2026 was swapped for Saturday 10 January.
        assert!(!working(date!(2026 - 01 - 02)));
        assert!(working(date!(2026 - 01 - 10)));
    }

    #[test]
    fn the_next_working_day_skips_weekends_and_holidays() {
        assert_eq!(vn().next_working_day(date!(2025 - 03 - 07)), Ok(date!(2025 - 03 - 10)));
        assert_eq!(vn().next_working_day(date!(2026 - 02 - 13)), Ok(date!(2026 - 02 - 23)));
        assert_eq!(vn().next_working_day(date!(2025 - 12 - 31)), Ok(date!(2026 - 01 - 05)));
    }

    #[test]
    fn adding_working_days_past_the_last_covered_year_is_an_error() {
        assert_eq!(vn().add_working_days(date!(2030 - 12 - 27), 0), Ok(date!(2030 - 12 - 27)));
        assert_eq!(vn().add_working_days(date!(2030 - 12 - 27), 2), Ok(date!(2030 - 12 - 31)));
        assert_eq!(vn().add_working_days(date!(2030 - 12 - 27), 3), Err(NotCovered { date: date!(2031 - 01 - 01) }));
    }

    const SMALL: &str = r#"{
        "years": [{ "year": 2025, "schedule": "announced" }],
        "days_off": [
            { "date": "2025-01-01", "kind": "holiday", "name": { "vi": "Tết Dương lịch", "en": "New Year's Day" } }
        ],
        "working_days": [{ "date": "2025-04-26", "name": { "vi": "Làm bù", "en": "Working Saturday" } }]
    }"#;

    #[test]
    fn a_small_calendar_parses() {
        let calendar = HolidayCalendar::from_json(SMALL).unwrap();
        assert_eq!(calendar.years(), 2025..=2025);
        assert_eq!(calendar.is_working_day(date!(2025 - 01 - 01)), Ok(false));
        assert_eq!(calendar.is_working_day(date!(2025 - 04 - 26)), Ok(true));
    }

    #[test]
    fn a_calendar_with_bad_data_is_refused() {
        let cases = [
            (SMALL.replace("2025-01-01", "2026-01-01"), "calendar.outside_years"),
            (SMALL.replace("2025-04-26", "2025-04-25"), "calendar.working_day_not_weekend"),
            (SMALL.replace("2025-04-26", "2025-01-04").replace("2025-01-01", "2025-01-04"), "calendar.duplicate_date"),
            (SMALL.replace(r#"{ "year": 2025, "schedule": "announced" }"#, ""), "calendar.years"),
            (
                SMALL.replace(
                    r#"{ "year": 2025, "schedule": "announced" }"#,
                    r#"{ "year": 2025, "schedule": "announced" }, { "year": 2027, "schedule": "projected" }"#,
                ),
                "calendar.years",
            ),
            (SMALL.replace(r#""kind": "holiday""#, r#""kind": "holiday", "extra": 1"#), "calendar.json"),
            (SMALL.replace(r#""kind": "holiday""#, r#""kind": "feast""#), "calendar.json"),
            ("{".to_owned(), "calendar.json"),
        ];
        for (text, code) in cases {
            assert_eq!(HolidayCalendar::from_json(&text).unwrap_err().to_string(), code, "{text}");
        }
    }
}
