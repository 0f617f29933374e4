//! The line patterns of page debris common to news sites (credit lines, stamps, photo credits,
//! comment sections, share and newsletter prompts) and the gazetteer of news agencies. These are
//! generic across outlets: nothing here names a particular site.

use std::sync::LazyLock;

use regex::Regex;

/// News agencies: canonical name and the spellings that name it.
const AGENCIES: &[(&str, &[&str])] = &[
    (
        "AFP",
        &[
            "afp",
            "agence france-presse",
            "agence france presse",
            "afp-jiji",
        ],
    ),
    ("AP", &["ap", "associated press", "the associated press"]),
    ("Reuters", &["reuters", "thomson reuters"]),
    ("dpa", &["dpa", "deutsche presse-agentur"]),
    ("Xinhua", &["xinhua", "xinhua news agency"]),
    ("ANI", &["ani"]),
    ("PTI", &["pti", "press trust of india"]),
    ("IANS", &["ians"]),
    ("UNI", &["uni", "united news of india"]),
    ("Bloomberg", &["bloomberg", "bloomberg news"]),
    ("EFE", &["efe"]),
    ("ANSA", &["ansa"]),
    ("Kyodo", &["kyodo", "kyodo news"]),
    ("Jiji", &["jiji", "jiji press"]),
    ("TASS", &["tass"]),
    ("RIA Novosti", &["ria novosti", "ria"]),
    ("Interfax", &["interfax"]),
    ("UPI", &["upi", "united press international"]),
    ("Anadolu", &["anadolu", "anadolu agency", "aa"]),
    ("Yonhap", &["yonhap"]),
    ("APP", &["app", "associated press of pakistan"]),
    ("Bernama", &["bernama"]),
    ("Antara", &["antara"]),
    ("KUNA", &["kuna"]),
    ("WAM", &["wam"]),
    ("SPA", &["spa", "saudi press agency"]),
    ("IRNA", &["irna"]),
    ("AAP", &["aap", "australian associated press"]),
    ("PA", &["pa", "pa media", "press association"]),
    (
        "Canadian Press",
        &["cp", "the canadian press", "canadian press"],
    ),
    ("Europa Press", &["europa press"]),
    ("NNA", &["nna"]),
];

/// The canonical agency a name stands for ("Agence France-Presse" → "AFP").
pub fn agency(name: &str) -> Option<&'static str> {
    let n = name
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let n = n
        .strip_suffix(" photo")
        .or_else(|| n.strip_suffix(" file"))
        .unwrap_or(&n)
        .trim();
    AGENCIES
        .iter()
        .find(|(_, names)| names.contains(&n))
        .map(|(canon, _)| *canon)
}

/// Agencies named anywhere in a short credit text ("NOORULLAH SHIRZADA/AFP", "AFP/File").
pub fn agencies_in(credit: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for part in
        credit.split(|c: char| c == '/' || c == ',' || c == '|' || c == ';' || c == '(' || c == ')')
    {
        for piece in std::iter::once(part)
            .chain(part.split(" and "))
            .chain(part.split_whitespace())
        {
            if let Some(a) = agency(piece) {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
    }
    out
}

pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Headings that open a comment section ("12 comments", "Comments are closed", "Your views on
/// this story?"). A stray character before them is mis-decoded punctuation.
static COMMENT_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\W*(?:
            \d[\d,]*\s+comments?(?:\s+so\s+far)?[.:!]*
          | comments?\s*(?:\(\d+\))?:?
          | reader\s+comments?
          | (?:.*\W)?(?:comments?|feedback|discussion)\s+(?:are\s+|is\s+)?(?:now\s+)?closed\b.*
          | (?:this\s+(?:article|story|post)\s+)?(?:does\s+not\s+have|has\s+no)\s+(?:any\s+)?comments\b.*
          | (?:there\s+are\s+)?no\s+comments(?:\s+yet)?[.!]*
          | (?:your|readers?'?)\s+(?:views|thoughts|comments|reactions?)\s+on\s+(?:this|the)\b.*
          | do\s+you\s+have\s+(?:any\s+)?comments\s+on\s+this\s+(?:story|article)\s*\??
          | discuss\s+this\s+(?:story|article)\b.*
          | join\s+the\s+(?:conversation|discussion)\b.*
          | \d+\s+(?:responses?|replies)(?:\s+to\b.*)?
          | (?:to\s+)?have\s+your\s+say\b.*
          | comments?\s*\(\d+\).*
          | (?:article|user|your)\s+comments?
          | comments?\s+from\s+(?:our\s+)?(?:\w+\s+)?readers?
          | comment\s+on\s+this\s+(?:article|story|post)\b.*
          | (?:most\s+recent\s+of\s+\d+\s+)?talkbacks?(?:\(s\))?(?:\W.*)?
        )$",
    )
    .unwrap()
});

/// Prompts that belong to a comment section but also stand alone in an article ("Leave a
/// comment" buttons, "What do you think?").
static COMMENT_PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?:do|did)\s+you\s+(?:like|enjoy)\s+this\s+(?:article|story|post)\s*\??
          | was\s+this\s+(?:article|story)\s+(?:helpful|useful)\s*\??
          | comment\s+policy\b.*
          | (?:leave|post|add|write|submit)\s+(?:a\s+|your\s+)?(?:comment|reply|response)\b.*
          | (?:show|view|load|read|see)\s+(?:all\s+)?(?:\d+\s+)?comments?\b.*
          | what\s+do\s+you\s+think\s*\??
        )$",
    )
    .unwrap()
});

/// Lines that open or belong to a comment section ("3 Comment", "Comment Policy …").
pub fn is_comment_section(line: &str) -> bool {
    word_count(line) <= 15 && (COMMENT_HEADING.is_match(line) || COMMENT_PROMPT.is_match(line))
}

/// Headings that open a comment section, as opposed to prompts that may stand in an article.
pub fn opens_comment_section(line: &str) -> bool {
    word_count(line) <= 15 && COMMENT_HEADING.is_match(line)
}

/// The byline of one comment ("Posted by: Sam, Leeds on"): two or more of them after an article
/// are its comment section.
pub fn is_comment_byline(line: &str) -> bool {
    static BYLINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^\W*(?:posted|submitted)\s+by\s*:?\s+\S").unwrap());
    // A name, a place and a date and time: "Posted by: Al Spade, Bradford on 5:17pm Thu 17 Jan 08".
    word_count(line) <= 14 && BYLINE.is_match(line)
}

/// Headings over a list of other articles' headlines ("Related Posts:", "Also In The News",
/// "Local Top Stories").
pub fn opens_related_list(line: &str) -> bool {
    static RELATED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)^\W*(?:
                (?:recent\s+)?related(?:\s+(?:articles?|stories|posts?|links|content|news|coverage|reading|items))?
              | also\s+in\s+the\s+news
              | on\s+this\s+topic
              | more\s+(?:on|about)\s+this\s+(?:story|topic)
              | (?:local\s+|other\s+)?top\s+stories
              | more\s+(?:\w+\s+)?(?:news|stories|headlines)
              | you\s+(?:may|might)\s+also\s+like
              | recommended(?:\s+for\s+you)?
              | most\s+(?:read|popular|viewed)
            )\W*$",
        )
        .unwrap()
    });
    word_count(line) <= 6 && RELATED.is_match(line)
}

/// Where a comment section's heading starts inside a run-on line (a page whose text came out
/// as a few long lines: "... the premiers said. Comments are now closed for this story ..."),
/// for the headings that do not occur in running text.
pub fn comment_heading_within(line: &str) -> Option<usize> {
    static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            // No word boundary first: run-on text glues words ("FergusonDo you have ...").
            r"(?ix)(?:
                comments?\s+(?:are|is)\s+(?:now\s+)?closed\s+(?:for|on)\s+this\s+(?:story|article|post)
              | your\s+(?:views|thoughts|comments)\s+on\s+this\s+(?:story|article)\s*\?
              | do\s+you\s+have\s+(?:any\s+)?comments\s+on\s+this\s+(?:story|article)\s*\?
              | \d[\d,]*\s+comments\s+so\s+far
            )",
        )
        .unwrap()
    });
    WITHIN.find(line).map(|m| m.start())
}

/// The shape of a line that is a comment's time stamp ("AT 01/08/08 05:30 PM", "Jan 09 2008
/// 07:52 PM PST |"): a short line with a time of day and a date, up to its last digit, with
/// runs of digits and of letters reduced to one class each. The stamps of one comment list
/// share a shape; the article's own stamp is usually written another way.
pub fn comment_stamp_shape(line: &str) -> Option<String> {
    static TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\b\.?)?").unwrap()
    });
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)\b(?:
                \d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}
              | (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b
              | \d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*
            )",
        )
        .unwrap()
    });
    // An article's own stamps and quoted mail headers name what the date is.
    static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\W*(?:date|sent|published|updated|modified|posted\s+on|last\s+updated)\b")
            .unwrap()
    });
    if word_count(line) > 16
        || !TIME.is_match(line)
        || !DATE.is_match(line)
        || LABELLED.is_match(line)
    {
        return None;
    }
    let end = line.rfind(|c: char| c.is_ascii_digit())? + 1;
    let mut shape = String::new();
    for c in line[..end].chars() {
        let class = if c.is_ascii_digit() {
            '0'
        } else if c.is_alphabetic() {
            'a'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        };
        if !(shape.ends_with(class) && matches!(class, '0' | 'a' | ' ')) {
            shape.push(class);
        }
    }
    Some(shape)
}

/// A count of comments alone on its line ("12 comments"): on an index page, one per item.
pub fn is_comment_count(line: &str) -> bool {
    static COUNT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^\d[\d,]*\s+comments?$").unwrap());
    COUNT.is_match(line.trim())
}

static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            advert(?:isements?)?|sponsored(?:\s+content)?|ad
          | this\s+slideshow\s+requires\s+javascript\.?|tags?
          | share(?:\s+this(?:\s+article|\s+story)?)?(?:\s+(?:on|via)\b.*)?:?
          | (?:tweet|email|print|facebook|twitter|whatsapp|linkedin|telegram|copy\s+link)
          | follow\s+(?:us|me)\b.*
          | sign\s+up\b.*|subscribe\b.*|get\s+our\s+.*newsletter.*|.*\bnewsletter\s*$
          | click\s+here\b.*
          | (?:read|see)\s+(?:more|next|also)\b.*|also\s+read\b.*
          | related(?:\s+(?:articles?|stories|content|news|topics|coverage))?(?:\s*:.*)?
          | recommended(?:\s+for\s+you)?|you\s+(?:may|might)\s+also\s+like\b.*|more\s+from\b.*
          | (?:most\s+(?:read|popular|viewed|shared))|trending(?:\s+now)?
          | tags?\s*:.*|topics?\s*:.*
          | download\s+(?:the|our)\s+app\b.*
          | listen\s+to\s+(?:this\s+)?article\b.*|\d+\s+min(?:ute)?s?\s+read
          | skip\s+to\s+(?:main\s+)?content|back\s+to\s+top
          | join\s+(?:our|us\s+on)\b.*
        )$",
    )
    .unwrap()
});

/// Newsletter and delivery pitches, which run longer than a button's words ("Get the day's top
/// headlines delivered to your inbox every morning by subscribing to our newsletter.").
static SIGNUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
            \b(?:in|to|into)\s+your\s+(?:inbox|letterbox|mailbox)\b
          | \b(?:sign(?:ing)?\s+up|subscrib(?:e|ing))\s+(?:to|for)\s+(?:our|the|my)\b[^.!?]{0,40}
              \b(?:newsletters?|e-?mail\s+alerts?)\b
          | \bproblem\s+subscribing\b
          | ^(?:get|never\s+miss|don'?t\s+miss|want\s+more|like\s+this\s+(?:article|story)|enjoyed\s+this)
              \b[^.!?]{0,80}\b(?:newsletters?|inbox|subscrib\w*|delivered)\b
        ",
    )
    .unwrap()
});

/// Share, follow, newsletter, "read more" and similar prompts.
pub fn is_prompt(line: &str) -> bool {
    let words = word_count(line);
    words <= 12 && PROMPT.is_match(line) || words <= 30 && SIGNUP.is_match(line)
}

static TAGGED_TEASER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\w.{15,}\s\[\s*[A-Z]{3,}\s*\]\s*\|?\s*$").unwrap());

/// Another article's headline with the kind of link it is in capitals ("... eating marmot
/// [INSIGHT]", "... [VIDEO]"): a teaser set between paragraphs.
pub fn is_tagged_teaser(line: &str) -> bool {
    TAGGED_TEASER.is_match(line)
}

static CLOSING_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
            \bcontributed\s+(?:to\s+this\s+(?:report|story|article)|reporting)\b
          | ^\(?\s*(?:additional\s+)?reporting\s+by\b
          | ^with\s+(?:\w+\s+){0,2}wires?\.?$
        ",
    )
    .unwrap()
});

static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
            (?i:\bfollow)\s+(?:(?i:us|him|her|them|me)|@\w+|\p{Lu}[\w.'-]+(?:\s+\p{Lu}[\w.'-]+){0,3})
              \s+(?i:on)\s+(?i:twitter|facebook|instagram|linkedin|x\b)
          | ^(?i:e-?mail|write\s+to|reach|contact)
              \s+(?:(?i:the\s+(?:author|reporters?|writer)s?)|\p{Lu}[\w.'-]+(?:\s+\p{Lu}[\w.'-]+){0,3})
              \s+(?i:at|on|via)\s+(?:\S+@|https?://|(?i:twitter)|@)
        ",
    )
    .unwrap()
});

/// How many of an article's last body lines may be credit or contact lines that close it.
const CLOSING_LINES: usize = 4;

/// A line that closes a report with its credits ("Reporting by …; Editing by …", "Jane Doe
/// contributed to this report.") or how to reach its writer ("Email Tariq Malik at …",
/// "Follow her on Twitter …"). Only the article's last lines are asked: a sentence such as
/// "fans follow Trump on Twitter" is prose anywhere else.
pub fn is_closing_credit(line: &str) -> bool {
    word_count(line) <= 40 && (CLOSING_CREDIT.is_match(line) || CONTACT.is_match(line))
}

/// The positions of the lines that close an article's body with its credits or how to reach its
/// writer: those among the last `CLOSING_LINES` that `is_closing_credit`, in order.
pub fn closing_credits<S: AsRef<str>>(body: &[S]) -> Vec<usize> {
    (body.len().saturating_sub(CLOSING_LINES)..body.len())
        .filter(|&i| is_closing_credit(body[i].as_ref()))
        .collect()
}

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:first\s+|last\s+)?(?:published|updated|posted|modified|date)\b(?:\s+(?:on|at))?
            (?:\s+in\s+(?P<outlet>[^,]{2,60}?)\s*,)?[\s:,]*(?P<rest>.*)$",
    )
    .unwrap()
});

/// A publication stamp: "Published July 2, 2020", "Updated 29 Mar, 2025",
/// "Published in Dawn, July 2nd, 2020". Returns the outlet when the stamp names one.
pub struct Stamp {
    pub date: Option<chrono::NaiveDate>,
    pub outlet: Option<String>,
}

pub fn stamp(line: &str) -> Option<Stamp> {
    if word_count(line) > 14 {
        return None;
    }
    let c = STAMP.captures(line)?;
    let date = super::date::find_date(&c["rest"]).map(|f| f.date);
    date?;
    Some(Stamp {
        date,
        outlet: c.name("outlet").map(|m| m.as_str().trim().to_string()),
    })
}

/// A line that is only a date (with at most a couple of words around it): sidebar timestamps.
pub fn date_only(line: &str) -> Option<chrono::NaiveDate> {
    if word_count(line) > 7 {
        return None;
    }
    let f = super::date::find_date(line)?;
    let rest = format!("{}{}", &line[..f.start], &line[f.end..]);
    let leftover = rest
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    (leftover <= 2).then_some(f.date)
}

static COPYRIGHT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:©|\(c\)\s|copyright\b|all rights reserved\b)").unwrap());

/// A copyright line, which ends an article.
pub fn is_copyright(line: &str) -> bool {
    word_count(line) <= 20 && COPYRIGHT.is_match(line)
}

static PHOTO_CREDIT_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?:
            \s*\[(?P<bracket>[^\[\]]{2,80})\]
          | \s+[—–]\s*(?P<dash>[A-Za-z][\w.&' ]{0,40}(?:/[\w.&' ]{1,30})*)
          | \s+-{1,2}\s*(?P<hyphen>[A-Z][\w.&' ]{0,40}/[\w.&' /]{1,30})
          | \s*\((?P<paren>(?i:(?:photo|image|picture|file\s+photo)\b[^()]{0,80}|[^()]{0,60}/[^()]{1,40}))\)
        )\s*$",
    )
    .unwrap()
});

static PHOTO_CREDIT_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:photo|image|picture|photograph|file photo)(?:\s+credit)?\s*:\s*").unwrap()
});

/// A photo caption: a line that ends with a photo credit ("[NAME/AFP]", "— AFP/File",
/// "(Photo: Reuters)"). Returns the caption text without the credit, and the credit.
pub fn caption(line: &str) -> Option<(String, String)> {
    if word_count(line) < 4 {
        return None;
    }
    if let Some(c) = PHOTO_CREDIT_TAIL.captures(line) {
        let credit = ["bracket", "dash", "hyphen", "paren"]
            .iter()
            .find_map(|n| c.name(n))
            .unwrap();
        let looks_like_credit = credit.as_str().contains('/')
            || !agencies_in(credit.as_str()).is_empty()
            || credit.as_str().to_lowercase().contains("photo")
            || credit.as_str().to_lowercase().contains("getty");
        // A credit must close a sentence-like caption, not an em-dash clause of prose.
        let dash_ok = c.name("dash").is_none()
            || credit.as_str().contains('/')
            || word_count(credit.as_str()) <= 3;
        if looks_like_credit && dash_ok {
            let text = line[..c.get(0).unwrap().start()].trim().to_string();
            return Some((text, credit.as_str().trim().to_string()));
        }
    }
    if let Some(m) = PHOTO_CREDIT_HEAD.find(line) {
        return Some((
            line[m.end()..].trim().to_string(),
            line[..m.end()].trim_end_matches([':', ' ']).to_string(),
        ));
    }
    None
}

/// A credit or byline line: "Salaam Times and AFP", "By Jane Doe, Reuters", "— AFP".
/// Returns the names it credits.
pub fn credit_line(line: &str) -> Option<Vec<String>> {
    let words = word_count(line);
    if words == 0 || words > 10 || line.ends_with('.') && !line.ends_with(" Inc.") {
        return None;
    }
    let trimmed = line
        .trim()
        .trim_start_matches(['—', '–', '-', '(', ' '])
        .trim_end_matches([')', ' ']);
    let (by, rest) = match trimmed.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("by ") => (true, &trimmed[3..]),
        _ => (false, trimmed),
    };
    let mut names = Vec::new();
    for part in rest
        .split([',', '/', '&', '|'])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" with "))
    {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let ok = part.split_whitespace().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric())
                || matches!(w, "of" | "de" | "la" | "van" | "von" | "al" | "bin" | "the")
        });
        if !ok || word_count(part) > 5 {
            return None;
        }
        names.push(
            agency(part)
                .map(str::to_string)
                .unwrap_or_else(|| part.to_string()),
        );
    }
    let has_agency = names.iter().any(|n| agency(n).is_some());
    (!names.is_empty() && (by || has_agency)).then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_headings_and_stamps() {
        for heading in [
            "Comments (3), Blocked Comments (0):",
            "Article Comments",
            "Comments from Examiner Readers",
            "Comment on this article or topic",
            "Talkback - Add your opinion",
            "Most Recent of 4 Talkback(s)",
        ] {
            assert!(opens_comment_section(heading), "{heading}");
        }
        assert!(is_comment_byline(
            "Posted by: Al Spade, Bradford on 5:17pm Thu 17 Jan 08"
        ));
        let shape = comment_stamp_shape;
        assert!(shape("AT 01/08/08 05:30 PM").is_some());
        assert_eq!(shape("AT 01/08/08 05:30 PM"), shape("AT 01/09/08 11:02 AM"));
        assert_eq!(
            shape("Jan 09 2008 07:52 PM PST |"),
            shape("Jan 10 2008 10:24 AM PST |")
        );
        assert_ne!(
            shape("12:48 PM ON WED JAN 9 2008"),
            shape("AT 01/08/08 05:30 PM")
        );
        // A time and no date, a date and no time, and labelled stamps are not comment stamps.
        assert_eq!(shape("10:35 AM"), None);
        assert_eq!(shape("January 8, 2008"), None);
        assert_eq!(shape("Date: Fri, 1 Feb 2002 11:53:40 -0500 (EST)"), None);
        assert_eq!(shape("Published on May 02, 2024 07:44 PM IST"), None);
        let line = "The premiers met on Friday. Comments are now closed for this story Stop it!";
        assert_eq!(
            comment_heading_within(line).map(|at| &line[at..at + 8]),
            Some("Comments")
        );
        assert_eq!(
            comment_heading_within("said Scott FergusonDo you have comments on this story?"),
            Some(19)
        );
        assert_eq!(
            comment_heading_within("He had no comments on the story."),
            None
        );
        for heading in [
            "Related Posts:",
            "RECENT RELATED ARTICLES",
            "Also In The News",
            "Local Top Stories",
            "More tennis news...",
        ] {
            assert!(opens_related_list(heading), "{heading}");
        }
        assert!(!opens_related_list(
            "Related: Council approves new flood barrier after vote"
        ));
        assert!(!opens_related_list("More than 200 people were evacuated"));
    }

    #[test]
    fn agencies_by_any_name() {
        assert_eq!(agency("Agence France-Presse"), Some("AFP"));
        assert_eq!(agency("AFP/File"), None);
        assert_eq!(agencies_in("AFP/File"), vec!["AFP"]);
        assert_eq!(agencies_in("NOORULLAH SHIRZADA/AFP"), vec!["AFP"]);
        assert_eq!(agency("Salaam Times"), None);
    }

    #[test]
    fn credit_lines() {
        assert_eq!(
            credit_line("Salaam Times and AFP"),
            Some(vec!["Salaam Times".into(), "AFP".into()])
        );
        assert_eq!(credit_line("By Jane Doe"), Some(vec!["Jane Doe".into()]));
        assert_eq!(credit_line("— Reuters"), Some(vec!["Reuters".into()]));
        assert_eq!(credit_line("Roadblocks to peace"), None);
        assert_eq!(credit_line("Taliban and US"), None);
        assert_eq!(credit_line("The Associated Press said it would."), None);
    }

    #[test]
    fn captions_with_photo_credits() {
        let (text, credit) =
            caption("Villagers attend a gathering on March 2. [NOORULLAH SHIRZADA/AFP]").unwrap();
        assert_eq!(text, "Villagers attend a gathering on March 2.");
        assert_eq!(credit, "NOORULLAH SHIRZADA/AFP");
        let (text, credit) =
            caption("The report stated that any “core” members remain. — AFP/File").unwrap();
        assert!(text.ends_with("remain."));
        assert_eq!(credit, "AFP/File");
        assert!(caption("He said the talks — which began in March — would go on").is_none());
        assert!(caption("Officials met in Doha (Qatar) on Monday to talk").is_none());
    }

    #[test]
    fn stamps_and_sections() {
        let s = stamp("Published in Dawn, July 2nd, 2020").unwrap();
        assert_eq!(s.outlet.as_deref(), Some("Dawn"));
        assert_eq!(s.date.unwrap().to_string(), "2020-07-02");
        assert!(stamp("Published July 2, 2020").unwrap().outlet.is_none());
        assert!(stamp("Updated 29 Mar, 2025").is_some());
        assert!(stamp("Published by the ministry in a long report about many things").is_none());
        assert!(date_only("29 Mar, 2025").is_some());
        assert!(date_only("Updated 29 Mar, 2025").is_some());
        assert!(is_comment_section("3 Comment"));
        assert!(is_comment_section("Do you like this article?"));
        assert!(is_comment_section(
            "Comment Policy * Denotes required field 1500 / 1500"
        ));
        assert!(opens_comment_section("5 comments so far..."));
        assert!(opens_comment_section(
            "Thanks for your comments - this feedback is now closed"
        ));
        assert!(opens_comment_section("Your views on this story?"));
        assert!(opens_comment_section("? Discuss this story on the"));
        assert!(is_comment_section("Leave a comment"));
        assert!(!opens_comment_section("Leave a comment"));
        assert!(!opens_comment_section("> what do you think?"));
        assert!(is_comment_byline("Posted by: Sam, Leeds on"));
        assert!(!is_comment_byline("Posted on April 13, 2023"));
        assert!(is_comment_count("12 comments"));
        assert!(!is_comment_section(
            "Comments by the minister were welcomed by many observers."
        ));
        assert!(is_prompt("Share this article"));
        assert!(is_prompt("Sign up for our daily newsletter"));
        assert!(is_prompt(
            "Get the day’s top headlines delivered to your inbox every morning by subscribing to our newsletter."
        ));
        assert!(is_prompt(
            "There was a problem subscribing you to the newsletter. Double check your email and try again."
        ));
        assert!(!is_prompt(
            "The company continued to sign up additional subscribers to its streaming service, Mayer said."
        ));
        assert!(is_tagged_teaser(
            "Plane passengers quarantined after BUBONIC PLAGUE outbreak [NEWS]"
        ));
        assert!(!is_tagged_teaser("[ CNBC ]"));
        for closing in [
            "(Reporting by Will Dunham; Editing by Tom Brown)",
            "Additional reporting by Joseph Hudak",
            "Associated Press writers Alan Fram and Zeke Miller contributed to this report.",
            "Keith Bradsher contributed reporting from Hong Kong.",
            "With Post wires",
            "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik.",
            "Write to Al Root at allen.root@dowjones.com",
            "Follow NBC Latino on Facebook, Twitter and Instagram.",
        ] {
            assert!(is_closing_credit(closing), "{closing}");
        }
        assert!(!is_closing_credit(
            "Reporters contributed to the fund, which paid for the trip, she said."
        ));
        assert!(!is_prompt(
            "Related talks will begin in Doha next month, officials said."
        ));
    }
}
