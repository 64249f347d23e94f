//! The fuzz tests' shared plumbing (`tests/dashboard/fuzz.rs`,
//! `crates/atlas-emulator/tests/api/fuzz.rs`): how many cases with which seed, a count of the
//! panics on the fuzz threads, and the generators both draw from. What each target generates
//! stays with its test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

use rand::rngs::StdRng;
use rand::Rng;

/// The seed of the smoke runs in the test suite, so they send the same inputs every time.
pub const DEFAULT_SEED: u64 = 0x5eed_0013;

/// A run's settings: `FUZZ_CASES`, `FUZZ_SEED`, `FUZZ_ONLY` (one case, to reproduce it), each
/// decimal or `0x` hex.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub cases: u64,
    pub seed: u64,
    pub only: Option<u64>,
}

impl Run {
    pub fn from_env(default_cases: u64) -> Run {
        Run {
            cases: env_number("FUZZ_CASES").unwrap_or(default_cases),
            seed: env_number("FUZZ_SEED").unwrap_or(DEFAULT_SEED),
            only: env_number("FUZZ_ONLY"),
        }
    }
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

static PANICS: AtomicU64 = AtomicU64::new(0);

/// Panics so far on threads named `fuzz…`, wherever they were caught: a server's connection
/// task swallows its own, which would otherwise go unseen. The first call installs the hook.
pub fn panics_so_far() -> u64 {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("fuzz"))
            {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
    PANICS.load(Ordering::SeqCst)
}

pub fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Up to `max` characters: mostly printable ASCII, some control characters, two-byte and
/// tricky Unicode (replacement, right-to-left override, BOM), and the target's own
/// `punctuation` (what its parsers split on).
pub fn random_string(rng: &mut StdRng, max: usize, punctuation: &[char]) -> String {
    let len = rng.gen_range(0..=max);
    (0..len)
        .map(|_| match rng.gen_range(0..10) {
            0..=5 => rng.gen_range(b' '..=b'~') as char,
            6 => rng.gen_range('\u{0}'..='\u{1f}'),
            7 => rng.gen_range('\u{80}'..='\u{7ff}'),
            8 => *pick(rng, &['€', '𝔘', '\u{fffd}', '\u{202e}', '\u{feff}', '中']),
            _ => *pick(rng, punctuation),
        })
        .collect()
}
