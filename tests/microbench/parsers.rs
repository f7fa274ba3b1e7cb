//! Micro-benchmark of each parser alone (issue 7): MB/s on typical inputs (the
//! fuzz seed corpus, cut from the generated captures) and on the worst inputs each
//! parser allows, and frames/s for the state machines fed realistic sequences.
//!
//! `cargo bench --bench parsers [FILTER..]` measures the cases whose "parser case"
//! contains a filter (all without one): each case runs for at least 0.5 s, in 5
//! rounds, and the best round counts (the others lost time to other processes).
//! Without `--bench` (as `cargo test --benches` runs it) each case runs once: a
//! quick check that every case still works.

mod inputs;
mod sequences;

use std::time::{Duration, Instant};

/// One thing measured: a closure that parses (or feeds) the same input each run.
pub struct Case {
    parser: &'static str,
    case: String,
    /// Input bytes one run reads.
    bytes: usize,
    /// Items one run feeds (frames), for the state machines.
    items: Option<usize>,
    run: Box<dyn FnMut()>,
}

impl Case {
    pub fn bytes(
        parser: &'static str,
        case: impl Into<String>,
        bytes: usize,
        run: impl FnMut() + 'static,
    ) -> Case {
        Case {
            parser,
            case: case.into(),
            bytes,
            items: None,
            run: Box::new(run),
        }
    }

    pub fn items(
        parser: &'static str,
        case: impl Into<String>,
        items: usize,
        run: impl FnMut() + 'static,
    ) -> Case {
        Case::bytes(parser, case, 0, run).with_items(items)
    }

    pub fn with_items(self, items: usize) -> Case {
        Case {
            items: Some(items),
            ..self
        }
    }
}

const ROUNDS: u32 = 10;
const ROUND: Duration = Duration::from_millis(50);

/// The best time of one run: runs are timed in batches lasting at least
/// [`ROUND`], [`ROUNDS`] times.
fn measure(run: &mut dyn FnMut()) -> Duration {
    // Warm-up, then how many runs fill a round.
    run();
    let mut batch = 1u32;
    let per_run = loop {
        let start = Instant::now();
        for _ in 0..batch {
            run();
        }
        let took = start.elapsed();
        if took >= ROUND / 10 || batch >= 1 << 24 {
            break took / batch;
        }
        batch = batch.saturating_mul(10);
    };
    let batch = (ROUND.as_nanos() / per_run.as_nanos().max(1)).clamp(1, 1 << 24) as u32;
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                run();
            }
            start.elapsed() / batch
        })
        .min()
        .unwrap_or(per_run)
}

fn all_cases() -> Vec<Case> {
    let mut cases = inputs::cases();
    cases.extend(sequences::cases());
    cases
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benchmarking = args.iter().any(|a| a == "--bench");
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let mut cases: Vec<Case> = all_cases()
        .into_iter()
        .filter(|c| {
            let name = format!("{} {}", c.parser, c.case);
            filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
        })
        .collect();
    if !benchmarking {
        for case in &mut cases {
            (case.run)();
        }
        println!(
            "{} parser cases run once (measure with `cargo bench --bench parsers`)",
            cases.len()
        );
        return;
    }
    println!("| Parser | Case | Bytes | MB/s | Items/s |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for case in &mut cases {
        let best = measure(&mut case.run).as_secs_f64();
        let rate = |n: usize| n as f64 / best;
        let mb = match rate(case.bytes) / 1e6 {
            0.0 => "-".to_string(),
            mb if mb < 10.0 => format!("{mb:.1}"),
            mb => format!("{mb:.0}"),
        };
        let items = case
            .items
            .map_or("-".to_string(), |n| format!("{:.2} M", rate(n) / 1e6));
        let bytes = if case.bytes > 0 {
            case.bytes.to_string()
        } else {
            "-".to_string()
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            case.parser, case.case, bytes, mb, items
        );
    }
}
