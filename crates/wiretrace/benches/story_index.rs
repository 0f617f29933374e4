//! Cost of finding the story a new article joins, with many stories held: `cargo bench -p
//! wiretrace --bench story_index [-- STORIES]` prints one JSON object. Profiles are synthetic
//! (terms and actors drawn from Zipf distributions the size of a news vocabulary), since no
//! dataset at hand holds 100,000 distinct stories; half the queries are edited copies of a
//! stored story's profile, half are new.

use std::time::Instant;

mod common;

use common::{summary, Rng, Zipf};
use wiretrace::story::{actor_term, word_term, Profile, StoryEntry, StoryIndex, StoryParams};

fn synthetic_profile(rng: &mut Rng, words: &Zipf, actors: &Zipf, p: &StoryParams) -> Profile {
    let mut w = Vec::new();
    for _ in 0..150 {
        let r = words.draw(rng);
        // Frequent words weigh little (their IDF is low).
        w.push((
            word_term(r as u64 * 0x9E37_79B9_7F4A_7C15),
            ((r + 2) as f32).ln(),
        ));
    }
    for _ in 0..12 {
        let r = actors.draw(rng);
        w.push((actor_term(&format!("actor {r}")), ((r + 2) as f32).ln()));
    }
    let counts = w.iter().map(|(t, _)| (*t, 1u32)).collect();
    let weight: std::collections::HashMap<u64, f32> = w.into_iter().collect();
    // Document frequency falling with the weight drawn: the profile keeps the heaviest terms.
    wiretrace::story::profile(
        &counts,
        |t| (1000.0 / weight[&t]) as u64,
        1_000_000,
        p.profile_terms,
        p.profile_actors,
    )
}

fn main() {
    let stories: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let p = StoryParams::default();
    let (words, actors) = (Zipf::new(200_000), Zipf::new(50_000));
    let mut rng = Rng(0x5EED);
    let mut index = StoryIndex::default();
    let mut stored = Vec::with_capacity(stories);
    let t = Instant::now();
    for id in 1..=stories as i64 {
        let profile = synthetic_profile(&mut rng, &words, &actors, &p);
        stored.push(profile.clone());
        let day = Some(18_000 + (id as i32 * 30 / stories as i32));
        index.put(
            id,
            StoryEntry {
                members: 1,
                profile,
                first_day: day,
                last_day: day,
                last_seq: id,
            },
        );
    }
    let build = t.elapsed().as_secs_f64();
    let queries = 2_000;
    let mut times = Vec::with_capacity(queries);
    let mut joined = 0;
    for q in 0..queries {
        let profile = if q % 2 == 0 {
            // An edited copy: a stored profile with a fifth of its terms dropped.
            let base = &stored[(rng.next() % stories as u64) as usize];
            Profile(
                base.0
                    .iter()
                    .copied()
                    .filter(|_| rng.next() % 5 != 0)
                    .collect(),
            )
        } else {
            synthetic_profile(&mut rng, &words, &actors, &p)
        };
        let day = Some(18_000 + (rng.next() % 30) as i32);
        let t = Instant::now();
        let found = index.nearest(&profile, day, stories as i64 - 1000, &p);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        joined += usize::from(!found.is_empty());
    }
    let out = serde_json::json!({
        "stories": stories,
        "queries": queries,
        "queries_joining_a_story": joined,
        "build_seconds": (build * 100.0).round() / 100.0,
        "ms_per_article": summary(times),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
