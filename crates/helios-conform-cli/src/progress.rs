//! Live progress of a conformance run in the terminal: a spinner with the count of cases judged,
//! failures so far and the case at hand, each failure printed above it as it happens. Hidden
//! when standard error is not a terminal or `CI` is set, where the closing summary is enough.

use std::io::IsTerminal;
use std::time::Duration;

use helios_conform::{Outcome, Verdict};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub(crate) struct Progress {
    bar: ProgressBar,
    judged: u64,
    failed: u64,
}

impl Progress {
    pub(crate) fn new() -> Self {
        let shown = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = ProgressBar::with_draw_target(
            None,
            if shown {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed:>4} {pos:>5} cases  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Self {
            bar,
            judged: 0,
            failed: 0,
        }
    }

    /// One more case judged.
    pub(crate) fn judged(&mut self, outcome: &Outcome) {
        self.judged += 1;
        if matches!(outcome.verdict, Verdict::Fail(_)) {
            self.failed += 1;
            self.bar.println(format!("FAIL {}", outcome.id));
        }
        self.bar.set_position(self.judged);
        self.bar
            .set_message(format!("{} failed  {}", self.failed, outcome.id));
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
