//! Helpers shared by the benches: a small random generator and Zipf draws, so the benches need
//! no dependency.

// Each bench compiles this module on its own and uses only some of it.
#![allow(dead_code)]

/// xorshift64*: enough randomness for a benchmark.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Draws ranks 0..n with probability proportional to 1/(rank+1).
pub struct Zipf(Vec<f64>);

impl Zipf {
    pub fn new(n: usize) -> Zipf {
        let mut acc = 0.0;
        Zipf(
            (0..n)
                .map(|r| {
                    acc += 1.0 / (r as f64 + 1.0);
                    acc
                })
                .collect(),
        )
    }

    pub fn draw(&self, rng: &mut Rng) -> usize {
        let x = rng.unit() * self.0.last().unwrap();
        self.0.partition_point(|&c| c < x)
    }
}

/// Mean, median, 99th percentile and maximum of times in milliseconds.
pub fn summary(mut ms: Vec<f64>) -> serde_json::Value {
    ms.sort_by(f64::total_cmp);
    let pct = |x: f64| ms[((ms.len() - 1) as f64 * x) as usize];
    serde_json::json!({
        "mean": ms.iter().sum::<f64>() / ms.len() as f64,
        "p50": pct(0.5),
        "p99": pct(0.99),
        "max": pct(1.0),
    })
}

/// The texts of the articles in the JSON Lines file named on the command line (each line's
/// `text`), or else the seeds' texts repeated to `fallback` texts.
pub fn texts(fallback: usize) -> Vec<String> {
    if let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        let data = std::fs::read_to_string(&path).expect("read the articles file");
        return data
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
            .collect();
    }
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(seeds).expect("examples/seeds") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            out.push(std::fs::read_to_string(path).unwrap());
        }
    }
    let one = out.clone();
    while out.len() < fallback {
        out.extend(one.iter().cloned());
    }
    out
}
