//! Time: milliseconds since the Unix epoch (like `Date.now()`), advancing with tokio's clock so
//! tests can pause and advance it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// The sim's clock: the wall-clock time at start plus tokio's monotonic time since.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    start: Instant,
    epoch_ms: u64,
}

impl Clock {
    /// A clock reading the wall clock now.
    pub(crate) fn new() -> Self {
        let epoch_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, saturating_ms);
        Self {
            start: Instant::now(),
            epoch_ms,
        }
    }

    /// Now, in epoch milliseconds.
    pub(crate) fn now_ms(&self) -> u64 {
        self.epoch_ms
            .saturating_add(saturating_ms(self.start.elapsed()))
    }

    /// The tokio instant of an epoch-millisecond time (for sleeping until it); times more than
    /// a year ahead read as a year ahead.
    pub(crate) fn instant_at(&self, ms: u64) -> Instant {
        const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;
        let offset = ms.saturating_sub(self.epoch_ms);
        let cap = self
            .now_ms()
            .saturating_sub(self.epoch_ms)
            .saturating_add(YEAR_MS);
        self.start + Duration::from_millis(offset.min(cap))
    }
}

fn saturating_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// An epoch-millisecond time as an RFC 2822 date, the way Twilio's REST API writes dates
/// (`Tue, 25 Nov 2025 12:00:00 +0000`).
pub(crate) fn rfc2822(ms: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    let weekday = DAYS.get((days % 7) as usize).copied().unwrap_or("Thu");
    let month = MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan");
    format!(
        "{weekday}, {day:02} {month} {year} {:02}:{:02}:{:02} +0000",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's `civil_from_days` for days since 1970-01-01 (non-negative).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_twilio_writes_them() {
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(
            rfc2822(1_764_072_000_000),
            "Tue, 25 Nov 2025 12:00:00 +0000"
        );
        assert_eq!(rfc2822(951_782_400_000), "Tue, 29 Feb 2000 00:00:00 +0000");
    }
}
