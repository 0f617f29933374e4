//! Dates written in news text ("July 2nd, 2020", "29 Mar, 2025", "2020-07-02T10:00Z") found and
//! turned into calendar dates.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

const MONTHS: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{MONTHS}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    ))
    .unwrap()
});
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\.?,?\s+(\d{{4}})\b"
    ))
    .unwrap()
});
static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{1,2})-(\d{1,2})").unwrap());

/// A date found in text, and the byte range of its match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub date: NaiveDate,
    pub start: usize,
    pub end: usize,
}

/// The first valid calendar date written in `text`, if any.
pub fn find_date(text: &str) -> Option<FoundDate> {
    let mut best: Option<FoundDate> = None;
    let mut consider = |date: Option<NaiveDate>, start: usize, end: usize| {
        if let Some(date) = date {
            if best.map_or(true, |b| start < b.start) {
                best = Some(FoundDate { date, start, end });
            }
        }
    };
    for c in ISO.captures_iter(text) {
        let m = c.get(0).unwrap();
        let ymd = (c[1].parse().ok(), c[2].parse().ok(), c[3].parse().ok());
        if let (Some(y), Some(mo), Some(d)) = ymd {
            consider(NaiveDate::from_ymd_opt(y, mo, d), m.start(), m.end());
        }
    }
    for c in MONTH_DAY_YEAR.captures_iter(text) {
        let m = c.get(0).unwrap();
        let date = crate::text::month_number(&c[1])
            .and_then(|mo| NaiveDate::from_ymd_opt(c[3].parse().ok()?, mo, c[2].parse().ok()?));
        consider(date, m.start(), m.end());
    }
    for c in DAY_MONTH_YEAR.captures_iter(text) {
        let m = c.get(0).unwrap();
        let date = crate::text::month_number(&c[2])
            .and_then(|mo| NaiveDate::from_ymd_opt(c[3].parse().ok()?, mo, c[1].parse().ok()?));
        consider(date, m.start(), m.end());
    }
    best
}

static DAY_DOT_MONTH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b").unwrap());
static SLASHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b").unwrap());

/// A date in a short printed stamp ("Updated: 10/31/2024", "23.07.2025"): the written forms of
/// [`find_date`], then all-numeric ones. Those are read only in stamps, where a number of that
/// shape is a date; dotted ones are day first, slashed ones month first unless the first number
/// cannot be a month.
pub fn find_stamp_date(text: &str) -> Option<FoundDate> {
    if let Some(found) = find_date(text) {
        return Some(found);
    }
    let dotted = DAY_DOT_MONTH_YEAR.captures(text).and_then(|c| {
        let m = c.get(0)?;
        let date =
            NaiveDate::from_ymd_opt(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok()?)?;
        Some(FoundDate {
            date,
            start: m.start(),
            end: m.end(),
        })
    });
    dotted.or_else(|| {
        let c = SLASHED.captures(text)?;
        let m = c.get(0)?;
        let (a, b, y): (u32, u32, i32) =
            (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
        let date = if a > 12 {
            NaiveDate::from_ymd_opt(y, b, a)
        } else {
            NaiveDate::from_ymd_opt(y, a, b)
        }?;
        Some(FoundDate {
            date,
            start: m.start(),
            end: m.end(),
        })
    })
}

/// A declared publication value ("2020-07-02", "2020-07-02T10:00:00Z", "Thu, 02 Jul 2020 …")
/// as an ISO date.
pub fn parse_declared(value: &str) -> Option<NaiveDate> {
    find_date(value).map(|f| f.date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        find_date(s).map(|f| f.date.to_string())
    }

    #[test]
    fn news_date_styles() {
        assert_eq!(d("Published July 2, 2020").as_deref(), Some("2020-07-02"));
        assert_eq!(
            d("Published in Dawn, July 2nd, 2020").as_deref(),
            Some("2020-07-02")
        );
        assert_eq!(d("Updated 29 Mar, 2025").as_deref(), Some("2025-03-29"));
        assert_eq!(d("on Sept. 11 2001").as_deref(), Some("2001-09-11"));
        assert_eq!(d("2020-07-02T10:00:00Z").as_deref(), Some("2020-07-02"));
        assert_eq!(
            d("Thu, 02 Jul 2020 10:00:00 GMT").as_deref(),
            Some("2020-07-02")
        );
        assert_eq!(d("February 30, 2020"), None);
        assert_eq!(d("no date here, 2020"), None);
    }

    #[test]
    fn numeric_dates_only_in_stamps() {
        let s = |t: &str| find_stamp_date(t).map(|f| f.date.to_string());
        assert_eq!(s("Updated: 10/31/2024").as_deref(), Some("2024-10-31"));
        assert_eq!(s("31/10/2024").as_deref(), Some("2024-10-31"));
        assert_eq!(s("23.07.2025").as_deref(), Some("2025-07-23"));
        assert_eq!(s("Posted on April 13, 2023").as_deref(), Some("2023-04-13"));
        assert_eq!(s("45.13.2024"), None);
        assert_eq!(d("Updated: 10/31/2024"), None);
    }

    #[test]
    fn earliest_match_wins() {
        assert_eq!(
            d("On 1 July 2020, and then July 3, 2020").as_deref(),
            Some("2020-07-01")
        );
    }
}
