//! Language: the language of an article's text, for articles that declare none (plain text,
//! JSON, pages without `lang`). A tag as pages write it ("en"), with how sure the guess is.

/// Texts shorter than this give no guess: trigram profiles of a few words mislead, and the
/// detector's own confidence does not show it (a 15-word English brief read as French, 0.99).
const MIN_WORDS: usize = 30;
/// The detector reads at most this much of a body: a paragraph or two settles it. (Most of its
/// cost is per text, not per byte: 6% of a `trace`'s CPU time at 4,000 bytes, 5% at 1,000;
/// it runs on the reading thread, beside the writing one.)
const READ_BYTES: usize = 1_000;

/// A guessed language: its ISO 639-1 tag where it has one ("en"), else ISO 639-3 ("cmn").
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub tag: String,
    pub confidence: f64,
}

/// The language `text` is written in, when the detector is sure of it.
pub fn detect(text: &str) -> Option<Guess> {
    if super::patterns::word_count(text) < MIN_WORDS {
        return None;
    }
    let mut end = text.len().min(READ_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end]).filter(|i| i.is_reliable())?;
    let code = info.lang().code();
    let tag = isolang::Language::from_639_3(code)
        .and_then(|l| l.to_639_1())
        .unwrap_or(code);
    Some(Guess {
        tag: tag.to_string(),
        confidence: info.confidence(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_as_pages_tag_them() {
        let en = "The council opened three shelters overnight after the river rose by two metres, \
                  and officials said more rain was expected before the weekend. Families from the \
                  lower streets were moved to the school hall.";
        let fr = "Le conseil municipal a ouvert trois abris pendant la nuit après la montée de la \
                  rivière, et les responsables ont annoncé de nouvelles pluies avant le week-end. \
                  Les familles des rues basses ont été conduites à la salle de l'école.";
        let de = "Der Stadtrat hat über Nacht drei Notunterkünfte geöffnet, nachdem der Fluss um \
                  zwei Meter gestiegen war, und vor dem Wochenende wird weiterer Regen erwartet. \
                  Die Familien aus den unteren Straßen wurden in die Turnhalle der Schule gebracht.";
        assert_eq!(detect(en).unwrap().tag, "en");
        assert_eq!(detect(fr).unwrap().tag, "fr");
        assert_eq!(detect(de).unwrap().tag, "de");
        assert!(detect(en).unwrap().confidence > 0.5);
        let shouted = "WORLD BANK VICE-PRESIDENT PRAISES ARGENTINE PLANS, reports said on \
                       Saturday. Sign up for our daily newsletter";
        assert_eq!(detect(shouted), None, "too short to tell");
        assert_eq!(detect("River rises in town"), None);
        assert_eq!(detect(""), None);
    }
}
