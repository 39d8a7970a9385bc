//! `cargo xtask bench NAME`: benchmarks that report medians and ratios against a
//! peer measured in the same run. Run them on a release build:
//! `cargo xtask bench …` builds xtask in the dev profile, whose dependencies are
//! optimised but whose own code is not, so prefer
//! `cargo run --release -p xtask -- bench …` for figures worth quoting.

use crate::{bench_entities, bench_extract, bench_import, bench_storage, bench_web};

pub fn run(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("storage") => bench_storage::run(&args[1..]),
        Some("extract") => bench_extract::run(&args[1..]),
        Some("web") => bench_web::run(&args[1..]),
        Some("import") => bench_import::run(&args[1..]),
        Some("entities") => bench_entities::run(&args[1..]),
        _ => anyhow::bail!(
            "usage: cargo xtask bench storage [--docs N] [--quick] [--report PATH]\n       cargo xtask bench extract [--peers] [--corpus DIR] [--limit N] [--report PATH]\n       cargo xtask bench web [--docs N] [--quick] [--dir DIR] [--connections C] [--seconds D] [--report PATH]\n       cargo xtask bench import [--lines N] [--files N] [--words N] [--quick] [--dir DIR] [--report PATH]\n       cargo xtask bench entities [--rounds N] [--quick] [--report PATH]"
        ),
    }
}

/// The `q`-quantile (0–1) of `values` by nearest rank; `values` need not be sorted.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
