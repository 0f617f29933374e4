//! Event dates: every date an article's body mentions, made absolute from the publication date
//! where the mention is relative ("Wednesday (July 1)" → 2020-07-01, "last month" → 2020-06,
//! "next year" → 2021). Values follow TIMEX3: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `YYYY-Www`, and
//! `XXXX-MM-DD` for a day whose year nothing tells.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A date the body mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDate {
    /// The words as printed ("Wednesday (July 1)", "last month").
    pub text: String,
    /// Character offsets into the cleaned body.
    pub start: usize,
    pub end: usize,
    /// The date meant, TIMEX3 style; absent when it depends on a publication date the article
    /// lacks.
    pub value: Option<String>,
    pub granularity: Granularity,
    /// Whether the value was worked out from the publication date.
    pub relative: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Day,
    Week,
    Month,
    Year,
}

const MONTHS: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?";
const WEEKDAYS: &str = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";

static DATES: LazyLock<Regex> = LazyLock::new(|| {
    let numbers = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})";
    // ASCII word boundaries: with Unicode ones the fast DFA gives up on the first curly quote
    // and the slow engine scans the whole body (a fifth of a story read, measured with perf).
    let pattern = format!(
        r"(?x)
        (?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)
      | (?P<mdy>\b{MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?,?\s(?:19|20)\d{{2}}\b)
      | (?P<dmy>\b\d{{1,2}}(?:st|nd|rd|th)?\s{MONTHS}\s(?:19|20)\d{{2}}\b)
      | (?P<wd>\b(?:(?P<wdrel>last|next|this)\s)?{WEEKDAYS}\b(?:\s?\((?P<wdmd>{MONTHS}\s\d{{1,2}})\)|,\s(?P<wdmd2>{MONTHS}\s\d{{1,2}})\b(?:,\s(?P<wdy>(?:19|20)\d{{2}})\b)?)?)
      | (?P<md>\b{MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?\b)
      | (?P<dm>\b\d{{1,2}}(?:st|nd|rd|th)?\s{MONTHS}(?:\s|\b))
      | (?P<my>\b{MONTHS}\s(?:19|20)\d{{2}}\b)
      | (?P<inm>\b(?:in|since|until|by|from|early|late|mid-|last|next|this|during)\s(?P<inmonth>January|February|March|April|May|June|July|August|September|October|November|December)\b(?:\s(?P<inday>\d{{1,2}})(?:st|nd|rd|th)?\b)?(?:,?\s(?P<inyear>(?:19|20)\d{{2}})\b)?)
      | (?P<rel>\b(?:yesterday|today|tonight|tomorrow)\b)
      | (?P<relunit>\b(?:(?:earlier|later)\s)?(?P<which>last|next|this)\s(?P<unit>week|month|year)\b)
      | (?P<ago>\b(?P<n>{numbers})\s(?P<agounit>day|week|month|year)s?\sago\b)
      | (?P<year>\b(?:in|since|by|until|from|of|during|before|after|through)\s(?P<y>(?:19|20)\d{{2}})\b)
        "
    );
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).unwrap()
});

fn month_day(s: &str) -> Option<(u32, u32)> {
    let mut parts = s.split_whitespace();
    let first = parts.next()?;
    let second = parts.next()?;
    let digits = |w: &str| {
        w.trim_end_matches(|c: char| c.is_alphabetic() || c == ',')
            .parse::<u32>()
            .ok()
    };
    match crate::text::month_number(first) {
        Some(m) => Some((m, digits(second)?)),
        None => Some((crate::text::month_number(second)?, digits(first)?)),
    }
}

fn small_number(w: &str) -> Option<i64> {
    let n = match w.to_lowercase().as_str() {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        other => other.parse().ok()?,
    };
    Some(n)
}

/// A day and month in the year the anchor makes likely: a date far after the publication date
/// is last year's, one far before it next year's.
fn near_anchor(month: u32, day: u32, anchor: NaiveDate) -> Option<NaiveDate> {
    let same = |y: i32| NaiveDate::from_ymd_opt(y, month, day);
    let mut date = same(anchor.year())?;
    if date > anchor + Duration::days(90) {
        date = same(anchor.year() - 1)?;
    } else if date < anchor - Duration::days(270) {
        date = same(anchor.year() + 1).unwrap_or(date);
    }
    Some(date)
}

fn weekday_of(name: &str) -> Option<Weekday> {
    name.split_whitespace()
        .find_map(|w| w.parse::<Weekday>().ok())
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn add_months(y: i32, m: u32, delta: i32) -> (i32, u32) {
    let total = y * 12 + m as i32 - 1 + delta;
    (total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
}

/// Whether the sentence around a mention speaks of what is to come.
fn future_context(before: &str) -> bool {
    let sentence = before
        .rsplit(['.', '!', '?'])
        .next()
        .unwrap_or(before)
        .to_lowercase();
    [
        "will ",
        "'ll ",
        "is due",
        "are due",
        "is expected",
        "are expected",
        "scheduled",
        "plans to",
        "plan to",
        "is set to",
        "are set to",
        "next ",
    ]
    .iter()
    .any(|w| sentence.contains(w))
}

/// Every date mentioned in the body, in order, resolved against `anchor` (the publication date).
pub fn find(body: &str, anchor: Option<NaiveDate>) -> Vec<EventDate> {
    let mut out = Vec::new();
    let mut char_pos = 0usize;
    let mut byte_pos = 0usize;
    for c in DATES.captures_iter(body) {
        let m = c.get(0).unwrap();
        let text = m.as_str().trim_end().to_string();
        char_pos += body[byte_pos..m.start()].chars().count();
        byte_pos = m.start();
        let start = char_pos;
        let end = start + text.chars().count();
        let (value, granularity, relative) = if let Some(iso) = c.name("iso") {
            (
                crate::extract::date::parse_declared(iso.as_str()).map(day),
                Granularity::Day,
                false,
            )
        } else if c.name("mdy").is_some() || c.name("dmy").is_some() {
            (
                crate::extract::date::find_date(&text).map(|f| day(f.date)),
                Granularity::Day,
                false,
            )
        } else if c.name("wd").is_some() {
            let explicit = c
                .name("wdmd")
                .or(c.name("wdmd2"))
                .and_then(|s| month_day(s.as_str()));
            let year = c.name("wdy").and_then(|y| y.as_str().parse::<i32>().ok());
            let value = match (explicit, year, anchor) {
                (Some((mo, d)), Some(y), _) => NaiveDate::from_ymd_opt(y, mo, d).map(day),
                (Some((mo, d)), None, Some(a)) => near_anchor(mo, d, a).map(day),
                (Some((mo, d)), None, None) => Some(format!("XXXX-{mo:02}-{d:02}")),
                (None, _, Some(a)) => weekday_of(&text).map(|wd| {
                    let back = (a.weekday().num_days_from_monday() as i64
                        - wd.num_days_from_monday() as i64)
                        .rem_euclid(7);
                    let forward = (wd.num_days_from_monday() as i64
                        - a.weekday().num_days_from_monday() as i64)
                        .rem_euclid(7);
                    let rel = c.name("wdrel").map(|r| r.as_str());
                    let date = match rel {
                        Some("last") => a - Duration::days(if back == 0 { 7 } else { back }),
                        Some("next") => a + Duration::days(if forward == 0 { 7 } else { forward }),
                        _ if future_context(&body[..m.start()]) => a + Duration::days(forward),
                        _ => a - Duration::days(back),
                    };
                    day(date)
                }),
                (None, _, None) => None,
            };
            (value, Granularity::Day, year.is_none())
        } else if let Some(md) = c.name("md").or(c.name("dm")) {
            let Some((mo, d)) = month_day(md.as_str()) else {
                continue;
            };
            if d == 0 || d > 31 {
                continue;
            }
            let value = match anchor {
                Some(a) => near_anchor(mo, d, a).map(day),
                None => Some(format!("XXXX-{mo:02}-{d:02}")),
            };
            (value, Granularity::Day, true)
        } else if c.name("my").is_some() {
            let mut parts = text.split_whitespace();
            let mo = parts.next().and_then(crate::text::month_number);
            let y = parts.next().and_then(|y| y.parse::<i32>().ok());
            (
                mo.zip(y).map(|(mo, y)| format!("{y}-{mo:02}")),
                Granularity::Month,
                false,
            )
        } else if let Some(month) = c.name("inmonth") {
            let mo = crate::text::month_number(month.as_str()).unwrap_or(1);
            // "by March 10", "in May 2015": the preposition only found it.
            let text = body[month.start()..m.end()].trim_end().to_string();
            let start = start + body[m.start()..month.start()].chars().count();
            let end = start + text.chars().count();
            let year = c
                .name("inyear")
                .and_then(|y| y.as_str().parse::<i32>().ok());
            if let Some(d) = c.name("inday").and_then(|d| d.as_str().parse::<u32>().ok()) {
                let value = match (year, anchor) {
                    (Some(y), _) => NaiveDate::from_ymd_opt(y, mo, d).map(day),
                    (None, Some(a)) => near_anchor(mo, d, a).map(day),
                    (None, None) => Some(format!("XXXX-{mo:02}-{d:02}")),
                };
                out.push(EventDate {
                    text,
                    start,
                    end,
                    value,
                    granularity: Granularity::Day,
                    relative: year.is_none(),
                });
                continue;
            }
            if let Some(y) = year {
                out.push(EventDate {
                    text,
                    start,
                    end,
                    value: Some(format!("{y}-{mo:02}")),
                    granularity: Granularity::Month,
                    relative: false,
                });
                continue;
            }
            let lead = body[m.start()..month.start()].trim().to_lowercase();
            let value = anchor.map(|a| {
                let y = match lead.as_str() {
                    "last" => a.year() - i32::from(mo >= a.month()),
                    "next" => a.year() + i32::from(mo <= a.month()),
                    _ if mo > a.month() + 2 && !future_context(&body[..m.start()]) => a.year() - 1,
                    _ => a.year(),
                };
                format!("{y}-{mo:02}")
            });
            if !matches!(lead.as_str(), "last" | "next") {
                out.push(EventDate {
                    text,
                    start,
                    end,
                    value,
                    granularity: Granularity::Month,
                    relative: true,
                });
                continue;
            }
            (value, Granularity::Month, true)
        } else if let Some(r) = c.name("rel") {
            let shift = match r.as_str().to_lowercase().as_str() {
                "yesterday" => -1,
                "tomorrow" => 1,
                _ => 0,
            };
            (
                anchor.map(|a| day(a + Duration::days(shift))),
                Granularity::Day,
                true,
            )
        } else if let Some(unit) = c.name("unit") {
            let shift = match &c["which"] {
                "last" => -1,
                "next" => 1,
                _ => 0,
            };
            let (value, g) = match unit.as_str() {
                "week" => (
                    anchor.map(|a| {
                        let w = (a + Duration::weeks(shift)).iso_week();
                        format!("{}-W{:02}", w.year(), w.week())
                    }),
                    Granularity::Week,
                ),
                "month" => (
                    anchor.map(|a| {
                        let (y, mo) = add_months(a.year(), a.month(), shift as i32);
                        format!("{y}-{mo:02}")
                    }),
                    Granularity::Month,
                ),
                _ => (
                    anchor.map(|a| format!("{}", a.year() + shift as i32)),
                    Granularity::Year,
                ),
            };
            (value, g, true)
        } else if let Some(unit) = c.name("agounit") {
            let Some(n) = small_number(&c["n"]) else {
                continue;
            };
            let (value, g) = match unit.as_str() {
                "day" => (anchor.map(|a| day(a - Duration::days(n))), Granularity::Day),
                "week" => (
                    anchor.map(|a| {
                        let w = (a - Duration::weeks(n)).iso_week();
                        format!("{}-W{:02}", w.year(), w.week())
                    }),
                    Granularity::Week,
                ),
                "month" => (
                    anchor.map(|a| {
                        let (y, mo) = add_months(a.year(), a.month(), -(n as i32));
                        format!("{y}-{mo:02}")
                    }),
                    Granularity::Month,
                ),
                _ => (
                    anchor.map(|a| format!("{}", a.year() - n as i32)),
                    Granularity::Year,
                ),
            };
            (value, g, true)
        } else if let Some(y) = c.name("y") {
            // The year alone, without the preposition that found it.
            let skip = text.chars().count() - y.as_str().chars().count();
            out.push(EventDate {
                text: y.as_str().to_string(),
                start: start + skip,
                end,
                value: Some(y.as_str().to_string()),
                granularity: Granularity::Year,
                relative: false,
            });
            continue;
        } else {
            continue;
        };
        out.push(EventDate {
            text,
            start,
            end,
            value,
            granularity,
            relative,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str, anchor: &str) -> Vec<(String, Option<String>)> {
        let a = NaiveDate::parse_from_str(anchor, "%Y-%m-%d").ok();
        find(text, a)
            .into_iter()
            .map(|d| (d.text, d.value))
            .collect()
    }

    #[test]
    fn seed_dates_resolve_from_the_publication_date() {
        let v = values(
            "the Pentagon said Wednesday (July 1). The deal signed February 29 was to lead to talks by March 10. Forces are to withdraw by next year. A UN analysis released on May 27.",
            "2020-07-02",
        );
        let want = [
            ("Wednesday (July 1)", "2020-07-01"),
            ("February 29", "2020-02-29"),
            ("March 10", "2020-03-10"),
            ("next year", "2021"),
            ("May 27", "2020-05-27"),
        ];
        assert_eq!(v.len(), want.len(), "{v:?}");
        for ((t, val), (wt, wv)) in v.iter().zip(want) {
            assert_eq!(t, wt);
            assert_eq!(val.as_deref(), Some(wv));
        }
    }

    #[test]
    fn weekdays_look_back_unless_the_sentence_looks_ahead() {
        assert_eq!(
            values("officials said on Monday", "2020-07-02")[0]
                .1
                .as_deref(),
            Some("2020-06-29")
        );
        assert_eq!(
            values("the court will rule on Monday", "2020-07-02")[0]
                .1
                .as_deref(),
            Some("2020-07-06")
        );
        assert_eq!(
            values("last month and yesterday", "2020-01-10")
                .iter()
                .map(|v| v.1.clone().unwrap())
                .collect::<Vec<_>>(),
            ["2019-12", "2020-01-09"]
        );
    }

    #[test]
    fn without_a_publication_date_days_keep_an_unknown_year() {
        assert_eq!(
            values("said Wednesday (July 1)", "")[0].1.as_deref(),
            Some("XXXX-07-01")
        );
        assert_eq!(values("said on Wednesday", "")[0].1, None);
        assert_eq!(
            values("in 2015 and on July 4, 2019", "")[..],
            [
                ("2015".to_string(), Some("2015".to_string())),
                ("July 4, 2019".to_string(), Some("2019-07-04".to_string()))
            ]
        );
    }
}
