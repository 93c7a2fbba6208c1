//! One progress view for every vendor's progress-bearing models.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How far a user is towards a goal, whatever API reported it.
///
/// `fraction` is always within `0.0..=1.0` (never NaN), so it can drive a progress bar directly.
/// A completed item always has a fraction of 1.
///
/// ```
/// use questkit_core::Progress;
///
/// let p = Progress::new(3.0, Some(5.0));
/// assert_eq!(p.fraction(), 0.6);
/// assert!(!p.is_completed());
///
/// let over = Progress::new(12.0, Some(10.0));
/// assert_eq!(over.fraction(), 1.0);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Progress {
    /// The current value (metric value, cards collected, amount reached, ...).
    pub current: f64,
    /// The value that completes the item, when the API states one.
    pub target: Option<f64>,
    /// `current / target` clamped to `0.0..=1.0`, or a fraction the API reported itself.
    pub fraction: f64,
    /// Whether the item is complete.
    pub completed: bool,
    /// When the item was completed, when the API says.
    pub completed_at: Option<DateTime<Utc>>,
}

impl Progress {
    /// Progress from a current value and an optional target.
    ///
    /// The item counts as completed when the target is positive and reached. With no target, or
    /// a target of zero or less, the fraction is 0 until [`Progress::completed`] says otherwise.
    pub fn new(current: f64, target: Option<f64>) -> Self {
        let current = if current.is_finite() { current } else { 0.0 };
        let target = target.filter(|t| t.is_finite());
        let (fraction, completed) = match target {
            Some(t) if t > 0.0 => (clamp_fraction(current / t), current >= t),
            _ => (0.0, false),
        };
        Progress {
            current,
            target,
            fraction,
            completed,
            completed_at: None,
        }
    }

    /// Replaces the computed fraction with one the API reported (clamped to `0.0..=1.0`).
    ///
    /// A completed item keeps a fraction of 1.
    pub fn with_fraction(mut self, fraction: f64) -> Self {
        if !self.completed {
            self.fraction = clamp_fraction(fraction);
        }
        self
    }

    /// Replaces the computed fraction with a percentage the API reported (`30` means 30 %).
    pub fn with_percentage(self, percentage: f64) -> Self {
        self.with_fraction(percentage / 100.0)
    }

    /// Marks the item completed (fraction 1) or not (fraction recomputed from the values).
    pub fn completed(mut self, completed: bool) -> Self {
        if completed {
            self.completed = true;
            self.fraction = 1.0;
        } else {
            let recomputed = Progress::new(self.current, self.target);
            self.completed = false;
            self.completed_at = None;
            self.fraction = if recomputed.completed {
                // The values say done but the API says not yet: stay just short of a full bar.
                recomputed.fraction.min(0.99)
            } else {
                recomputed.fraction
            };
        }
        self
    }

    /// Sets the completion time; `Some` also marks the item completed.
    pub fn completed_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        if at.is_some() {
            self = self.completed(true);
        }
        self.completed_at = at;
        self
    }

    /// `current / target` clamped to `0.0..=1.0`, or the API's own fraction.
    pub fn fraction(&self) -> f64 {
        self.fraction
    }

    /// The fraction as a whole percentage, rounded down (`0..=100`).
    pub fn percent(&self) -> u8 {
        // fraction is clamped, so the cast cannot overflow.
        (self.fraction * 100.0).floor() as u8
    }

    /// Whether the item is complete.
    pub fn is_completed(&self) -> bool {
        self.completed
    }
}

fn clamp_fraction(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    }
}

/// A model that can report its progress as a [`Progress`] view.
///
/// Each client crate implements it for the models that carry progress (a user's metric
/// achievement, a Nudj achievement's user state, an Epixel goal, a Giftoin collection).
pub trait HasProgress {
    /// The progress this value reports.
    fn progress(&self) -> Progress;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fraction_table() {
        let cases: &[(f64, Option<f64>, f64, bool)] = &[
            (0.0, Some(10.0), 0.0, false),
            (5.0, Some(10.0), 0.5, false),
            (10.0, Some(10.0), 1.0, true),
            (15.0, Some(10.0), 1.0, true),
            (-3.0, Some(10.0), 0.0, false),
            (3.0, Some(0.0), 0.0, false),
            (3.0, Some(-1.0), 0.0, false),
            (3.0, None, 0.0, false),
            (f64::NAN, Some(10.0), 0.0, false),
            (5.0, Some(f64::INFINITY), 0.0, false),
        ];
        for &(current, target, fraction, completed) in cases {
            let p = Progress::new(current, target);
            assert_eq!(p.fraction(), fraction, "{current} / {target:?}");
            assert_eq!(p.is_completed(), completed, "{current} / {target:?}");
        }
    }

    #[test]
    fn reported_fraction_and_completion() {
        assert_eq!(
            Progress::new(3.0, None).with_percentage(30.0).fraction(),
            0.3
        );
        assert_eq!(
            Progress::new(3.0, None).with_percentage(300.0).fraction(),
            1.0
        );
        assert_eq!(
            Progress::new(3.0, None).with_fraction(f64::NAN).fraction(),
            0.0
        );
        let done = Progress::new(3.0, Some(10.0)).completed(true);
        assert_eq!(done.fraction(), 1.0);
        assert_eq!(done.with_percentage(30.0).fraction(), 1.0);
        let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let dated = Progress::new(1.0, Some(2.0)).completed_at(Some(at));
        assert!(dated.is_completed());
        assert_eq!(dated.completed_at, Some(at));
        let not_done = Progress::new(10.0, Some(10.0)).completed(false);
        assert!(!not_done.is_completed());
        assert!(not_done.fraction() < 1.0);
        assert_eq!(Progress::new(1.0, Some(3.0)).percent(), 33);
    }
}
