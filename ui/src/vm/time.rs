//! Times for people: "3 minutes ago" beside the exact time, dates as
//! dd/mm/yyyy, both in the device's time zone (its offset is passed in, since
//! reading it needs the browser).

use time::{Date, OffsetDateTime, UtcOffset};

use crate::i18n::{Lang, t, t_n};

/// How long ago (or how far ahead) a moment is, in the largest whole unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relative {
    /// Within a minute either way.
    JustNow,
    MinutesAgo(i64),
    HoursAgo(i64),
    DaysAgo(i64),
    InMinutes(i64),
    InHours(i64),
    InDays(i64),
}

/// Where `then` stands from `now`.
pub fn relative(now: OffsetDateTime, then: OffsetDateTime) -> Relative {
    let seconds = (now - then).whole_seconds();
    let (ago, span) = (seconds >= 0, seconds.unsigned_abs() as i64);
    let minutes = span / 60;
    let hours = span / 3_600;
    let days = span / 86_400;
    match (ago, minutes, hours, days) {
        (_, 0, _, _) => Relative::JustNow,
        (true, m, 0, _) => Relative::MinutesAgo(m),
        (true, _, h, 0) => Relative::HoursAgo(h),
        (true, _, _, d) => Relative::DaysAgo(d),
        (false, m, 0, _) => Relative::InMinutes(m),
        (false, _, h, 0) => Relative::InHours(h),
        (false, _, _, d) => Relative::InDays(d),
    }
}

/// [`relative`] in words.
pub fn relative_text(lang: Lang, now: OffsetDateTime, then: OffsetDateTime) -> String {
    match relative(now, then) {
        Relative::JustNow => t(lang, "time.just_now"),
        Relative::MinutesAgo(n) => t_n(lang, "time.minutes_ago", n),
        Relative::HoursAgo(n) => t_n(lang, "time.hours_ago", n),
        Relative::DaysAgo(n) => t_n(lang, "time.days_ago", n),
        Relative::InMinutes(n) => t_n(lang, "time.in_minutes", n),
        Relative::InHours(n) => t_n(lang, "time.in_hours", n),
        Relative::InDays(n) => t_n(lang, "time.in_days", n),
    }
}

/// `05/03/2027`: the order Vietnamese forms use, in both languages.
pub fn date(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), u8::from(date.month()), date.year())
}

/// `14:05, 05/03/2027` at `offset` (the device's time zone).
pub fn date_time(moment: OffsetDateTime, offset: UtcOffset) -> String {
    let local = moment.to_offset(offset);
    format!("{:02}:{:02}, {}", local.hour(), local.minute(), date(local.date()))
}

/// A UTC offset from JavaScript's `getTimezoneOffset()` (minutes *behind*
/// UTC, so Hà Nội is -420); anything out of range is UTC.
pub fn offset_from_js(minutes_behind: f64) -> UtcOffset {
    let seconds = (-minutes_behind * 60.0).round();
    if seconds.is_finite() && seconds.abs() < 86_400.0 {
        UtcOffset::from_whole_seconds(seconds as i32).unwrap_or(UtcOffset::UTC)
    } else {
        UtcOffset::UTC
    }
}

/// A moment from JavaScript's milliseconds since the epoch.
pub fn from_millis(millis: f64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(millis as i128 * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime, offset};

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-22 10:00 UTC);

    #[test]
    fn a_moment_within_a_minute_is_just_now_either_way() {
        assert_eq!(relative(NOW, datetime!(2026-11-22 9:59:05 UTC)), Relative::JustNow);
        assert_eq!(relative(NOW, datetime!(2026-11-22 10:00:50 UTC)), Relative::JustNow);
    }

    #[test]
    fn the_past_is_told_in_the_largest_whole_unit() {
        assert_eq!(relative(NOW, datetime!(2026-11-22 9:57 UTC)), Relative::MinutesAgo(3));
        assert_eq!(relative(NOW, datetime!(2026-11-22 7:30 UTC)), Relative::HoursAgo(2));
        assert_eq!(relative(NOW, datetime!(2026-11-19 9:00 UTC)), Relative::DaysAgo(3));
    }

    #[test]
    fn the_future_is_told_as_in_so_long() {
        assert_eq!(relative(NOW, datetime!(2026-11-22 10:45 UTC)), Relative::InMinutes(45));
        assert_eq!(relative(NOW, datetime!(2026-11-29 10:00 UTC)), Relative::InDays(7));
    }

    #[test]
    fn relative_time_reads_in_both_languages() {
        let then = datetime!(2026-11-22 9:57 UTC);
        assert_eq!(relative_text(Lang::Vi, NOW, then), "3 phút trước");
        assert_eq!(relative_text(Lang::En, NOW, then), "3 minutes ago");
    }

    #[test]
    fn dates_read_day_month_year_with_leading_zeros() {
        assert_eq!(date(date!(2027 - 03 - 05)), "05/03/2027");
    }

    #[test]
    fn a_time_is_shown_in_the_devices_zone() {
        assert_eq!(date_time(datetime!(2026-11-22 17:05 UTC), offset!(+7)), "00:05, 23/11/2026");
    }

    #[test]
    fn javascripts_offset_counts_minutes_behind_utc() {
        assert_eq!(offset_from_js(-420.0), offset!(+7));
        assert_eq!(offset_from_js(f64::NAN), UtcOffset::UTC);
    }

    #[test]
    fn javascripts_milliseconds_become_a_moment() {
        assert_eq!(from_millis(1_795_341_600_000.0), datetime!(2026-11-22 10:00 UTC));
    }
}
