//! Actors: the people, organisations and places an article names, one entry per actor however
//! it is written. Titles come off names ("President Ashraf Ghani" → "Ashraf Ghani"), a family
//! name alone joins the full name, an acronym given in brackets joins its long form
//! ("al-Qaeda in the Indian Subcontinent (AQIS)"), and spelling variants meet (Al-Qaeda,
//! al-Qaeda, Al Qaeda, Al-Qaida). Places are told by ISO 3166 country names and the dateline.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::names::{self, key, NameRun};
use super::quote::Quote;

/// One actor of an article (or, merged, of a story).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The fullest form, titles taken off.
    pub name: String,
    pub kind: ActorKind,
    /// Every other form the text uses ("AQIS", "Al Qaeda", "McKenzie").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Titles and roles the text gives ("Gen.", "Taliban spokesman").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// How many times the text names it.
    pub mentions: usize,
    /// How many of the article's quotes it speaks.
    pub quotes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Person,
    Organisation,
    Place,
    Other,
}

/// Folded country names, with the short forms of the formal ones ("Korea, Republic of" →
/// "korea", "United States of America" → "united states").
static COUNTRIES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut out = HashSet::new();
    for c in isocountry::CountryCode::iter() {
        let name = c.name();
        out.insert(crate::text::fold(name));
        let short = name.split([',', '(']).next().unwrap_or(name).trim();
        out.insert(crate::text::fold(short));
        for tail in [
            " of America",
            " of Great Britain and Northern Ireland",
            " Federation",
            " Arab Republic",
        ] {
            if let Some(s) = short.strip_suffix(tail) {
                out.insert(crate::text::fold(s));
            }
        }
        out.insert(c.alpha2().to_lowercase());
    }
    out
});

/// `Long Name (ACRONYM)`.
static BRACKETED_ACRONYM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:[A-Z][\w'\u{2019}-]*|of|the|in|for|and|de|al|on)(?:[\s-]+(?:[A-Z][\w'\u{2019}-]*|of|the|in|for|and|de|al|on))*)\s+\(([A-Z][A-Za-z]{1,6})\)").unwrap()
});

/// A name's comparison key: folded, hyphens and apostrophes as spaces, possessive and a leading
/// "the" dropped.
pub fn name_key(name: &str) -> String {
    let f = crate::text::fold(names::strip_possessive(name.trim()));
    let f: String = f
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = f.split_whitespace().collect();
    let words = if words.first() == Some(&"the") {
        &words[1..]
    } else {
        &words[..]
    };
    words.join(" ")
}

/// A resolved speaker's comparison key: titles off, then [`name_key`] ("Gen. Kenneth McKenzie" →
/// "kenneth mckenzie").
pub fn speaker_key(resolved: &str) -> String {
    let words: Vec<&str> = resolved.split_whitespace().collect();
    name_key(&names::split_title(&words).name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Whether two keys are one name spelt two ways ("al qaeda" / "al qaida").
pub fn same_spelling(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // Cheapest tests first: a story merge asks this of every name against every entry. Lengths
    // two or more characters apart are never within the edit distances below.
    if a.chars().next() != b.chars().next() || a.len().abs_diff(b.len()) > 8 {
        return false;
    }
    let (na, nb) = (a.chars().count(), b.chars().count());
    let n = na.min(nb);
    if n < 6 || na.abs_diff(nb) > 2 || a.split(' ').count() != b.split(' ').count() {
        return false;
    }
    edit_distance(a, b) <= if n >= 12 { 2 } else { 1 }
}

struct Union(Vec<usize>);

impl Union {
    fn find(&mut self, i: usize) -> usize {
        let mut i = i;
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[b] = a;
        }
    }
}

/// A mention: the name as written (titles off), its title, and where it stands.
struct Mention {
    name: String,
    title: String,
}

/// Split a run at "and" unless what follows is part of a firm's name ("Eli Lilly and Co").
fn split_run<'a>(run: &NameRun<'a>) -> Vec<Vec<&'a str>> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for (i, w) in run.words.iter().enumerate() {
        let next_is_firm = run
            .words
            .get(i + 1)
            .is_some_and(|n| matches!(key(n).as_str(), "co" | "company" | "sons" | "partners"));
        if *w == "and" && !next_is_firm {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(w);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|mut ws| {
            // Linking words cannot end a name ("Bank of" in "Bank of the year").
            while ws
                .last()
                .is_some_and(|w| names::NAME_LINKS.contains(w) && w.chars().all(char::is_lowercase))
            {
                ws.pop();
            }
            while ws
                .first()
                .is_some_and(|w| names::NAME_LINKS.contains(w) && w.chars().all(char::is_lowercase))
            {
                ws.remove(0);
            }
            ws
        })
        .filter(|ws| !ws.is_empty())
        .collect()
}

/// The actors an article names, most mentioned first.
pub fn find(body: &str, dateline: Option<&str>, quotes: &[Quote]) -> Vec<Actor> {
    let runs = names::name_runs(body);
    // "Long Name (ACRONYM)": the long form is a name even where it holds lower-case words, and
    // the runs inside it are not names of their own.
    let mut mentions: Vec<Mention> = Vec::new();
    let mut acronym_links: Vec<(String, String)> = Vec::new();
    let mut long_forms: Vec<(usize, usize)> = Vec::new();
    for form in long_forms_of(body) {
        acronym_links.push((name_key(&form.long), form.acronym));
        long_forms.push((form.start, form.end));
        mentions.push(Mention {
            name: form.long,
            title: String::new(),
        });
    }
    // A capitalised word that only ever opens a sentence is not a name.
    let elsewhere: HashSet<String> = runs
        .iter()
        .filter(|r| !opens_sentence(body, r.start) || r.words.len() > 1)
        .flat_map(|r| r.words.iter().map(|w| key(w)))
        .collect();
    for run in &runs {
        if long_forms
            .iter()
            .any(|&(s, e)| run.start >= s && run.end <= e)
        {
            continue;
        }
        for words in split_run(run) {
            if words.len() == 1
                && opens_sentence(body, run.start)
                && !elsewhere.contains(&key(words[0]))
            {
                continue;
            }
            let named = names::split_title(&words);
            let name = names::strip_possessive(&named.name).to_string();
            if name_key(&name).is_empty() || names::TITLES.contains(key(&name).as_str()) {
                continue;
            }
            mentions.push(Mention {
                name,
                title: named.title,
            });
        }
    }
    if let Some(d) = dateline {
        let place = d.split([',', '/']).next().unwrap_or(d).trim();
        if !place.is_empty() {
            mentions.push(Mention {
                name: titlecase(place),
                title: String::new(),
            });
        }
    }
    // Distinct keys, joined by acronyms, family names and spelling.
    let mut keys: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for m in &mentions {
        let k = name_key(&m.name);
        if !index.contains_key(&k) {
            index.insert(k.clone(), keys.len());
            keys.push(k);
        }
    }
    let mut union = Union((0..keys.len()).collect());
    for (long, acronym) in &acronym_links {
        if let (Some(&a), Some(&b)) = (index.get(long), index.get(acronym)) {
            union.join(a, b);
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let words: Vec<&str> = k.split(' ').collect();
        // Unbracketed acronyms that spell another name's initials: "UN" / "United Nations".
        if words.len() == 1 && k.len() >= 2 && k.len() <= 5 {
            for (j, other) in keys.iter().enumerate() {
                if j != i && initials(other) == *k && other.split(' ').count() == k.len() {
                    union.join(j, i);
                }
            }
        }
        for (j, other) in keys.iter().enumerate().skip(i + 1) {
            if same_spelling(k, other) {
                union.join(i, j);
            }
        }
    }
    // A family name alone joins the one full name of a person ending in it.
    let person_keys: Vec<usize> = (0..keys.len())
        .filter(|&i| keys[i].split(' ').count() >= 2)
        .collect();
    for (i, k) in keys.iter().enumerate() {
        if k.contains(' ') {
            continue;
        }
        let holders: Vec<usize> = person_keys
            .iter()
            .copied()
            .filter(|&j| keys[j].rsplit(' ').next() == Some(k.as_str()))
            .collect();
        let distinct: HashSet<usize> = holders.iter().map(|&j| union.find(j)).collect();
        if distinct.len() == 1 {
            union.join(holders[0], i);
        }
    }
    // Gather.
    let mut groups: BTreeMap<usize, Vec<&Mention>> = BTreeMap::new();
    for m in &mentions {
        let g = union.find(index[&name_key(&m.name)]);
        groups.entry(g).or_default().push(m);
    }
    let speakers: Vec<String> = quotes
        .iter()
        .filter_map(|q| q.speaker_resolved.as_deref())
        .map(speaker_key)
        .collect();
    let mut actors: Vec<Actor> = groups
        .into_values()
        .map(|ms| {
            let mut forms: BTreeMap<&str, usize> = BTreeMap::new();
            let mut first_seen: HashMap<&str, usize> = HashMap::new();
            for (i, m) in ms.iter().enumerate() {
                *forms.entry(m.name.as_str()).or_default() += 1;
                first_seen.entry(m.name.as_str()).or_insert(usize::MAX - i);
            }
            let titled = ms.iter().any(|m| !m.title.is_empty());
            let names_of: Vec<&str> = forms.keys().copied().collect();
            let place = names_of.iter().any(|n| is_country(n))
                || dateline.is_some_and(|d| {
                    names_of
                        .iter()
                        .any(|n| name_key(n) == name_key(d.split([',', '/']).next().unwrap_or(d)))
                });
            let org = names_of.iter().any(|n| names::looks_like_org(n));
            let fullest = *names_of
                .iter()
                .max_by_key(|n| (n.split_whitespace().count(), forms[*n], n.len()))
                .unwrap();
            let kind = if place {
                ActorKind::Place
            } else if org {
                ActorKind::Organisation
            } else if titled || fullest.split_whitespace().count() >= 2 {
                ActorKind::Person
            } else {
                ActorKind::Other
            };
            // An organisation goes by the form used most (often its acronym); a person by the fullest.
            let name = if kind == ActorKind::Person || kind == ActorKind::Place {
                fullest
            } else {
                *names_of
                    .iter()
                    .max_by_key(|n| (forms[*n], first_seen[*n]))
                    .unwrap()
            };
            let keys: HashSet<String> = names_of.iter().map(|n| name_key(n)).collect();
            let mut roles: Vec<String> = ms
                .iter()
                .filter(|m| !m.title.is_empty())
                .map(|m| m.title.clone())
                .collect();
            roles.sort();
            roles.dedup();
            Actor {
                name: name.to_string(),
                kind,
                aliases: names_of
                    .iter()
                    .filter(|n| **n != name)
                    .map(|n| n.to_string())
                    .collect(),
                roles,
                mentions: ms.len(),
                quotes: speakers
                    .iter()
                    .filter(|s| {
                        keys.contains(*s)
                            || keys
                                .iter()
                                .any(|k| s.ends_with(k.as_str()) && k.contains(' '))
                    })
                    .count(),
            }
        })
        .collect();
    actors.sort_by(|a, b| {
        (b.mentions + 2 * b.quotes)
            .cmp(&(a.mentions + 2 * a.quotes))
            .then_with(|| a.name.cmp(&b.name))
    });
    actors
}

/// Whether a name is a country's ("United States", "Germany").
pub(super) fn is_country(name: &str) -> bool {
    COUNTRIES.contains(&crate::text::fold(name))
}

/// A long form an article spells out before its acronym in brackets.
pub(super) struct LongForm {
    /// As written: "al-Qaeda in the Indian Subcontinent".
    pub long: String,
    /// The acronym's comparison key ("aqis").
    pub acronym: String,
    /// Byte range of the long form in the body.
    pub start: usize,
    pub end: usize,
}

/// Every "Long Name (ACRONYM)" of a body whose long form's initials spell the acronym.
pub(super) fn long_forms_of(body: &str) -> Vec<LongForm> {
    BRACKETED_ACRONYM
        .captures_iter(body)
        .filter_map(|c| {
            let acronym = name_key(&c[2]);
            let whole = c.get(1).unwrap();
            let (long, offset) = initials_tail(whole.as_str(), &acronym)?;
            Some(LongForm {
                long,
                acronym,
                start: whole.start() + offset,
                end: whole.end(),
            })
        })
        .collect()
}

fn initials(key: &str) -> String {
    key.split(' ')
        .filter(|w| !matches!(*w, "of" | "the" | "in" | "for" | "and" | "on" | "de"))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// The last words of `long` (as written) whose initials spell `acronym` ("The Taliban work with
/// al-Qaeda in the Indian Subcontinent" → "al-Qaeda in the Indian Subcontinent").
/// Returns the tail and its byte offset in `long`.
fn initials_tail(long: &str, acronym: &str) -> Option<(String, usize)> {
    let starts: Vec<usize> = long
        .char_indices()
        .filter(|&(i, c)| {
            !c.is_whitespace() && (i == 0 || long[..i].ends_with(char::is_whitespace))
        })
        .map(|(i, _)| i)
        .collect();
    starts
        .iter()
        .rev()
        .map(|&i| {
            (
                long[i..].split_whitespace().collect::<Vec<_>>().join(" "),
                i,
            )
        })
        .find(|(tail, _)| initials(&name_key(tail)) == acronym)
}

fn opens_sentence(body: &str, at: usize) -> bool {
    let before = body[..at]
        .trim_end_matches(|c: char| c.is_whitespace() || "\"'\u{201C}\u{2018}(".contains(c));
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n'])
}

fn titlecase(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_acronyms_family_names_and_titles() {
        let body = "Al-Qaeda's affiliate keeps ties. The Taliban work with al-Qaeda in the Indian Subcontinent (AQIS), the report said. \
                    AQIS supports the Taliban. Al Qaeda members survive. Officials named Al-Qaida. \
                    Gen. Kenneth McKenzie, who heads US Central Command, spoke. McKenzie said more. \
                    President Ashraf Ghani told the cabinet.";
        let actors = find(body, Some("WASHINGTON"), &[]);
        let by = |n: &str| {
            actors
                .iter()
                .find(|a| a.name == n || a.aliases.iter().any(|x| x == n))
                .unwrap_or_else(|| panic!("{n}: {actors:#?}"))
        };
        let qaeda = by("Al-Qaeda");
        let forms: Vec<&str> = qaeda
            .aliases
            .iter()
            .map(String::as_str)
            .chain([qaeda.name.as_str()])
            .collect();
        for form in ["Al-Qaeda", "Al Qaeda", "Al-Qaida"] {
            assert!(forms.contains(&form), "{form}: {qaeda:?}");
        }
        assert_eq!(
            by("AQIS").name,
            by("al-Qaeda in the Indian Subcontinent").name
        );
        assert_eq!(by("McKenzie").name, "Kenneth McKenzie");
        assert_eq!(by("McKenzie").kind, ActorKind::Person);
        assert_eq!(by("Ashraf Ghani").roles, ["President"]);
        assert_eq!(by("Washington").kind, ActorKind::Place);
        assert!(!actors
            .iter()
            .any(|a| a.name == "President" || a.name == "Gen."));
    }
}
