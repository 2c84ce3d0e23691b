//! Open-loop pacing and latency histograms. The n-th request is due at `start + n / rate`
//! whatever became of the requests before it, and its latency counts from when it was due: a
//! device that stalls shows its stall in every request that queued behind it, instead of
//! slowing the sender down and hiding it (coordinated omission).

use std::time::Duration;

use hdrhistogram::Histogram;
use tokio::time::Instant;

use super::report::Percentiles;

/// When each request is due.
#[derive(Debug)]
pub struct Schedule {
    start: Instant,
    interval: Duration,
    end: Instant,
    sent: u32,
}

impl Schedule {
    /// `rate` requests a second for `duration`, the first due now.
    pub fn new(rate: f64, duration: Duration) -> Self {
        let start = Instant::now();
        Self {
            start,
            interval: Duration::from_secs_f64(1.0 / rate.max(0.001)),
            end: start + duration,
            sent: 0,
        }
    }

    /// Waits until the next request is due and returns when it was due; `None` once the
    /// duration is over. A sender that falls behind gets the due times it missed at once.
    pub async fn next(&mut self) -> Option<Instant> {
        let due = self.start + self.interval * self.sent;
        if due >= self.end {
            return None;
        }
        self.sent += 1;
        tokio::time::sleep_until(due).await;
        Some(due)
    }

    /// How many requests were due.
    pub fn sent(&self) -> u32 {
        self.sent
    }
}

/// Latencies in microseconds, from 1 µs to 10 minutes, to three significant digits.
#[derive(Debug)]
pub struct Latencies(Option<Histogram<u64>>);

impl Default for Latencies {
    fn default() -> Self {
        // The bounds are valid, so the histogram is always made.
        Self(Histogram::new_with_bounds(1, 600_000_000, 3).ok())
    }
}

impl Latencies {
    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        if let Some(histogram) = &mut self.0 {
            histogram.saturating_record(micros.max(1));
        }
    }

    pub fn len(&self) -> u64 {
        self.0.as_ref().map_or(0, Histogram::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn percentiles(&self) -> Option<Percentiles> {
        let histogram = self.0.as_ref().filter(|h| !h.is_empty())?;
        let at = |q: f64| Duration::from_micros(histogram.value_at_quantile(q));
        Some(Percentiles {
            count: histogram.len(),
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: Duration::from_micros(histogram.max()),
            mean: Duration::from_secs_f64(histogram.mean() / 1e6),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn due_times_are_fixed_whatever_the_sender_does() {
        let mut schedule = Schedule::new(100.0, Duration::from_millis(50));
        let first = schedule.next().await.expect("a first request");
        // The sender stalls for 25 ms: the requests it missed are due at once, at their times.
        tokio::time::sleep(Duration::from_millis(25)).await;
        let second = schedule.next().await.expect("a second");
        let third = schedule.next().await.expect("a third");
        assert_eq!(second - first, Duration::from_millis(10));
        assert_eq!(third - first, Duration::from_millis(20));
        assert!(first.elapsed() >= Duration::from_millis(25));
        while schedule.next().await.is_some() {}
        assert_eq!(schedule.sent(), 5);
    }

    #[test]
    fn percentiles_of_known_latencies() {
        let mut latencies = Latencies::default();
        for ms in 1..=100 {
            latencies.record(Duration::from_millis(ms));
        }
        let p = latencies.percentiles().expect("figures");
        assert_eq!(p.count, 100);
        assert!((49..=51).contains(&p.p50.as_millis()), "{:?}", p.p50);
        assert!((98..=100).contains(&p.p99.as_millis()), "{:?}", p.p99);
        assert!(Latencies::default().percentiles().is_none());
    }
}
