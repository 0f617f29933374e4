//! Names as an article writes them: runs of capitalised words with the titles and roles around
//! them ("Taliban spokesman Zabiullah Mujahid", "Gen. Kenneth McKenzie"), the word lists that tell
//! a person from an organisation, and the lookup of a short mention's fullest form ("McKenzie" →
//! "Gen. Kenneth McKenzie"). Shared by the quote and actor finders.

use std::collections::HashSet;
use std::sync::LazyLock;

fn set(words: &str) -> HashSet<&str> {
    words.split_whitespace().collect()
}

/// Capitalised words that are titles, not names: they open a person's name and are dropped from it.
pub static TITLES: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("mr mrs ms miss dr prof professor gen general lt lieutenant col colonel maj major capt captain sgt sergeant \
         adm admiral cmdr commander president vice prime minister premier chancellor secretary senator sen sens rep reps \
         representative congressman congresswoman governor gov mayor judge justice attorney acting assistant deputy \
         chief constable superintendent inspector detective officer director chairman chairwoman chair ceo mp mep td \
         king queen prince princess sheikh emir pope cardinal bishop archbishop rabbi imam rev reverend father sister \
         ambassador envoy commissioner spokesman spokeswoman spokesperson sir dame lord lady garda ch insp supt det cllr undersecretary")
});

/// Lower-case words that say what a speaker is (a person's role or a body that speaks).
pub static ROLE_NOUNS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("spokesman spokeswoman spokesperson spokespeople spokesmen minister secretary president chairman chairwoman \
         chair director chief head leader leaders official officials analyst analysts economist economists executive \
         executives lawyer lawyers attorney prosecutor prosecutors judge commander officer officers general governor \
         mayor senator lawmaker lawmakers legislator adviser advisor advisers aide aides ambassador envoy diplomat \
         diplomats researcher researchers professor scientist scientists expert experts member members founder \
         co-founder ceo manager editor correspondent reporter witness witnesses resident residents source sources \
         authorities representative representatives negotiator negotiators designer champion organizer organiser \
         organizers organisers activist activists worker workers teacher doctor psychiatrist candidate strategist \
         investor investors trader traders banker bankers dealer dealers farmers farmer citizens people man woman men women \
         student students parent parents mother father son daughter wife husband brother widow chancellor premier commissioner consultant partner \
         monitors monitor observers observer investigators investigator inspectors inspector agents agent")
});

/// Whether a lower-case word is a role: one of `ROLE_NOUNS`, or a compound holding one
/// ("vice-president", "secretary-general", "editor-in-chief").
pub fn is_role_noun(w: &str) -> bool {
    ROLE_NOUNS.contains(w)
        || w.contains('-')
            && w.split('-').count() <= 3
            && w.split('-').any(|part| ROLE_NOUNS.contains(part))
}

/// Lower-case nouns of things with a person's ending ("paper", "murder", "incident"), and words
/// that are no nouns ("however", "after"): `is_role_by_ending` keeps them out.
static THINGS_WITH_ROLE_ENDINGS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set(
        "paper number order water border power matter letter chapter computer center corner other \
         another never ever however whether together further rather either neither after over \
         under later earlier offer answer summer winter december november october september \
         register filter murder dinner thunder shelter monster disaster quarter cancer weather \
         silent content percent recent current different incident accident event plant giant \
         important significant relevant meant cent christian italian indian canadian russian \
         iranian australian asian brazilian egyptian syrian nigerian european american african \
         indicator generator calculator elevator radiator escalator ventilator incubator \
         accelerator refrigerator alligator equator regulator",
    )
});

/// Whether a lower-case noun outside `ROLE_NOUNS` names a person by its ending: a doer or a
/// member ("engineer", "passenger", "journalist", "politician", "defendant", "resident"), one or
/// many. Asked only of the head of a phrase that a speech verb follows, where a thing rarely
/// stands.
pub fn is_role_by_ending(w: &str) -> bool {
    // Plurals too: "campaigners", "drivers".
    let w = w
        .strip_suffix('s')
        .filter(|s| !s.ends_with('s'))
        .unwrap_or(w);
    w.len() >= 5
        && w.chars().all(|c| c.is_ascii_lowercase())
        && !THINGS_WITH_ROLE_ENDINGS.contains(w)
        && !w.ends_with("ment")
        && ["eer", "ist", "yst", "ian", "ant", "ent", "er", "ator"]
            .iter()
            .any(|end| w.ends_with(end))
}

/// Lower-case head nouns of bodies and documents that speak ("the ministry said", "the report says").
pub static BODY_NOUNS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("report statement bulletin communique communiqué release post announcement assessment analysis letter \
         ministry department agency group company firm bank government council committee newspaper paper media \
         broadcaster network channel station union party office court coastguard army military police service board survey study \
         website website's tweet club team embassy administration campaign foundation organisation organization \
         commission authority center centre institute operator airline airport force forces regulator watchdog \
         ruling verdict data figures filing indictment complaint document documents records poll prosecution defence ministries departments \
         agencies companies firms banks governments groups unions parties text memo draft daily \
         gallery museum zoo hospital school university college clinic command headquarters \
         subcommittee panel")
});

/// Documents among the bodies: a speaker that is one of these is resolved to its fullest mention.
pub static DOCUMENT_NOUNS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("report statement bulletin communique communiqué release post announcement assessment analysis letter survey study tweet \
         ruling verdict data figures filing indictment complaint document documents records poll text memo draft")
});

/// Capitalised words that make a name an organisation's.
pub static ORG_WORDS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("tribunal inquiry department ministry corp corporation inc co ltd llc plc group bank council committee party union agency \
         police army navy forces court university service services office commission authority center centre \
         institute association foundation airlines airways organization organisation league federation assembly \
         parliament congress senate pentagon kremlin taliban reuters afp ap press news times post network fund \
         board bureau company companies partners holdings industries motors trust exchange cabinet government \
         administration coastguard guard church club team federal reserve fed nato opec isis qaeda hamas hezbollah \
         hospital hospitals clinic centers centres school college academy museum")
});

/// Words that may sit inside a name in lower case ("Bank of England", "Osama bin Laden").
pub static NAME_LINKS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("of de da del della di du van von der den bin ibn al el la le and for the")
});

/// Capitalised words that never name anyone: calendar words (holidays too: "in his New Year's
/// address. He said ..." names no one) and sentence openers.
pub static NOT_NAMES: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("monday tuesday wednesday thursday friday saturday sunday january february march april may june july august \
         september october november december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday \
         year christmas easter thanksgiving ramadan hanukkah halloween diwali \
         tomorrow the a an but and or so if as at in on of for to by from with it he she they we i you this that \
         these those there his her their its our my your however meanwhile earlier later last next after before \
         while when where what who which why how also since during under over about according despite although \
         though yet still then now here read more initially previously finally eventually subsequently \
         additionally similarly separately recently reportedly ultimately originally furthermore moreover \
         nowhere elsewhere somewhere instead indeed \
         instead")
});

/// The word without a trailing possessive ("Pentagon's" → "Pentagon").
pub fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("\u{2019}s"))
        .or_else(|| word.strip_suffix('\''))
        .unwrap_or(word)
}

/// Lower-cased word with a trailing full stop and possessive removed, for list lookups.
pub fn key(word: &str) -> String {
    strip_possessive(word.trim_end_matches('.')).to_lowercase()
}

/// A capitalised word, or a name behind a lower-case particle ("al-Qaeda", "bin-Salman").
pub fn is_capitalised(word: &str) -> bool {
    if word.chars().next().is_some_and(|c| c.is_uppercase()) {
        return true;
    }
    match word.split_once('-') {
        Some((particle, rest)) => {
            matches!(
                particle,
                "al" | "el" | "ad" | "ash" | "as" | "at" | "bin" | "ibn" | "abu" | "abd"
            ) && rest.chars().next().is_some_and(|c| c.is_uppercase())
        }
        None => false,
    }
}

/// A company suffix that wire copy often writes in lower case ("Northwind Shipping inc").
pub fn is_org_suffix(word: &str) -> bool {
    matches!(
        key(word).as_str(),
        "inc" | "corp" | "co" | "ltd" | "plc" | "llc"
    )
}

/// A word that may stand in a name: capitalised, or a company suffix.
pub fn is_name_word(word: &str) -> bool {
    is_capitalised(word) || is_org_suffix(word)
}

/// An acronym: two to six capitals ("AQIS", "U.S.", "NATO").
pub fn is_acronym(word: &str) -> bool {
    let letters: String = word.chars().filter(|c| *c != '.').collect();
    let letters = strip_possessive(&letters);
    (2..=6).contains(&letters.chars().count())
        && letters
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A name split into its title or role words and the name itself: "Acting U.S. Attorney Alana
/// Robinson" → ("Acting U.S. Attorney", "Alana Robinson").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub title: String,
    pub name: String,
}

/// Split the words of a capitalised run into title and name. The name is what follows the last
/// title word; a run that is all titles keeps its last word as the name.
pub fn split_title(words: &[&str]) -> Named {
    // "US Defence Department" is a body's name, not a title and a name.
    if looks_like_org(&words.join(" "))
        && !words.iter().any(|w| {
            is_role_noun(&key(w))
                || TITLES.contains(key(w).as_str()) && (!looks_like_org(w) || is_acronym(w))
        })
    {
        return Named {
            title: String::new(),
            name: words.join(" "),
        };
    }
    let last_title = words
        .iter()
        .rposition(|w| TITLES.contains(key(w).as_str()) || is_role_noun(&key(w)));
    match last_title {
        Some(i) if i + 1 < words.len() => Named {
            title: words[..=i].join(" "),
            name: words[i + 1..].join(" "),
        },
        _ => Named {
            title: String::new(),
            name: words.join(" "),
        },
    }
}

/// Whether a name (titles already split off) reads as an organisation's.
pub fn looks_like_org(name: &str) -> bool {
    name.split_whitespace()
        .any(|w| is_acronym(w) || key(w).split('-').any(|part| ORG_WORDS.contains(part)))
}

/// A run of capitalised words in a text (byte range), with its words.
#[derive(Debug, Clone)]
pub struct NameRun<'a> {
    pub start: usize,
    pub end: usize,
    pub words: Vec<&'a str>,
}

/// The words of a text with their byte ranges: letters, digits and the marks inside words
/// ("Al-Qaeda's", "U.S.", "23-year-old").
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(b, c)) in chars.iter().enumerate() {
        let next_alnum = chars.get(i + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
        let digit_group = c == ','
            && i > 0
            && chars[i - 1].1.is_ascii_digit()
            && chars.get(i + 1).is_some_and(|&(_, n)| n.is_ascii_digit());
        let inner =
            (matches!(c, '\'' | '\u{2019}' | '-' | '.' | '&') && start.is_some() && next_alnum)
                || digit_group;
        if c.is_alphanumeric() || inner {
            start.get_or_insert(b);
        } else if let Some(s) = start.take() {
            out.push((s, b));
        }
        // An abbreviation's final full stop belongs to it ("Gen.", "U.S.").
        if c == '.' && start.is_none() {
            if let Some(last) = out.last_mut() {
                if last.1 == b
                    && (crate::text::is_abbreviation(&text[last.0..b])
                        || is_acronym(&text[last.0..b]))
                {
                    last.1 = b + 1;
                }
            }
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Every run of capitalised words in `text` (titles included, linking words like "of" allowed
/// inside), except calendar words and a lone capitalised sentence opener that the text never
/// capitalises elsewhere.
/// Whether a word with a full stop ends its sentence ("Ruptly TV. Santos said" is two names): a
/// word keeps its full stop here only as an abbreviation ("Gen.", "U.S.", "Inc.", which do not
/// end one) or an acronym ("TV.", which may).
fn ends_sentence(w: &str) -> bool {
    w.strip_suffix('.')
        .is_some_and(|bare| !bare.contains('.') && !crate::text::is_abbreviation(bare))
}

pub fn name_runs<'t>(text: &'t str) -> Vec<NameRun<'t>> {
    let ws = words(text);
    let mut runs: Vec<NameRun<'t>> = Vec::new();
    let mut cur: Vec<(usize, usize)> = Vec::new();
    let flush = |cur: &mut Vec<(usize, usize)>, runs: &mut Vec<NameRun<'t>>| {
        while cur.last().is_some_and(|&(s, e)| !is_name_word(&text[s..e])) {
            cur.pop();
        }
        if !cur.is_empty() {
            runs.push(NameRun {
                start: cur[0].0,
                end: cur.last().unwrap().1,
                words: cur.iter().map(|&(s, e)| &text[s..e]).collect(),
            });
        }
        cur.clear();
    };
    for &(s, e) in &ws {
        let w = &text[s..e];
        let joined = cur.last().is_some_and(|&(ps, pe)| {
            let gap = &text[pe..s];
            gap.chars().count() <= 2
                && gap.chars().all(|c| c == ' ' || c == '-')
                && !ends_sentence(&text[ps..pe])
        });
        // Letters mixed with digits are codes and link fragments ("I9FTnLuZCH"), not names.
        let code = w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(|c| c.is_alphabetic());
        let cap = is_capitalised(w)
            && !NOT_NAMES.contains(key(w).as_str())
            && !w.chars().all(|c| c.is_numeric())
            && !code;
        let links = joined
            && (NAME_LINKS.contains(w.to_lowercase().as_str()) || is_org_suffix(w))
            && w.chars().all(|c| c.is_lowercase() || c == '.');
        if cap && (joined || cur.is_empty()) || links {
            cur.push((s, e));
        } else {
            flush(&mut cur, &mut runs);
            if cap {
                cur.push((s, e));
            }
        }
    }
    flush(&mut cur, &mut runs);
    runs
}

/// The fullest mention of a short name among the article's runs: a name a run holds (see
/// `name_parts`) with all of its words,
/// with the person's family name last when the short name is one word (or the given name first,
/// after a title); the earliest of the
/// longest wins (an article names people in full first).
pub fn fullest<'a>(short: &str, runs: &[NameRun<'a>]) -> Option<Vec<&'a str>> {
    let want: Vec<String> = short
        .split_whitespace()
        .map(key)
        .filter(|w| !TITLES.contains(w.as_str()))
        .collect();
    if want.is_empty() {
        return None;
    }
    let mut best: Option<Vec<&'a str>> = None;
    for part in runs.iter().flat_map(|r| name_parts(&r.words)) {
        let have: Vec<String> = part.iter().map(|w| key(w)).collect();
        if have.len() <= want.len() {
            continue;
        }
        // A family name ends the fuller name; a body's short name sits inside its full one, which
        // is not then a person's title ("Lilly" is not "Lilly Chairman Richard Wood").
        // "Investors" in "Harbor Investors Service Inc" is part of a body's name, not a role.
        let titled = have.iter().any(|w| {
            TITLES.contains(w.as_str()) || is_role_noun(w) && !looks_like_org(&part.join(" "))
        });
        let inside = have.windows(want.len()).any(|win| win == want.as_slice());
        // "Santi" after "Deputy Interior Minister Santi Chaiviratana": some names are used by
        // the given name, which then opens the name after the title.
        let given_name = want.len() == 1 && {
            let named = split_title(&part);
            let name: Vec<String> = named.name.split_whitespace().map(key).collect();
            titled && name.len() >= 2 && name[0] == want[0]
        };
        if !(have.ends_with(&want) || (inside && !titled) || given_name) {
            continue;
        }
        if best.as_ref().is_none_or(|b| part.len() > b.len()) {
            best = Some(part);
        }
    }
    best
}

/// The names a run may hold: two names joined by "and" are two ("Patty Murray of Washington and
/// Elizabeth Warren"; "Eli Lilly and Co" is one), and a person's name runs on into where they are
/// from ("Patty Murray of Washington" is Patty Murray; "Central Bank of Russia" stays whole).
fn name_parts<'a>(words: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut parts: Vec<Vec<&'a str>> = vec![Vec::new()];
    for (i, w) in words.iter().enumerate() {
        let joins_two = key(w) == "and"
            && !words
                .get(i + 1)
                .is_some_and(|n| matches!(key(n).as_str(), "co" | "company" | "sons" | "partners"));
        if joins_two {
            parts.push(Vec::new());
        } else {
            parts.last_mut().unwrap().push(w);
        }
    }
    let mut out = Vec::new();
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        match part.iter().position(|w| *w == "of").filter(|&i| i >= 2) {
            // "Patty Murray of Washington": the person, not the place.
            Some(of) if !looks_like_org(&part[..of].join(" ")) => out.push(part[..of].to_vec()),
            Some(of) => {
                out.push(part[..of].to_vec());
                out.push(part);
            }
            None => out.push(part),
        }
    }
    out
}
