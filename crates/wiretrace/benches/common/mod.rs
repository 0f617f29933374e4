//! Helpers shared by the benches: a small random generator and Zipf draws, so the benches need
//! no dependency.

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
