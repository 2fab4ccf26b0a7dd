//! Deadline arithmetic: where a proving period starts, when each of its deadlines opens, closes,
//! is challenged and stops accepting fault declarations, and which deadlines may be changed,
//! disputed or compacted at an epoch. Everything is derived from the runtime `Policy`.

use fil_actors_runtime::runtime::Policy;
use fvm_shared::clock::ChainEpoch;

use crate::QuantSpec;

/// One deadline's windows as seen from `current_epoch`. Windows are `[open, close)`; the
/// challenge is drawn `wpost_challenge_lookback` epochs before the window opens.
#[derive(Default, Debug, PartialEq, Eq, Copy, Clone)]
pub struct DeadlineInfo {
    /// The epoch this was computed at.
    pub current_epoch: ChainEpoch,
    /// The first epoch of the proving period.
    pub period_start: ChainEpoch,
    /// The deadline's index in the period; `wpost_period_deadlines` means "after the last".
    pub index: u64,
    /// The first epoch a proof may be submitted.
    pub open: ChainEpoch,
    /// The first epoch a proof may no longer be submitted.
    pub close: ChainEpoch,
    /// The epoch whose randomness challenges the deadline.
    pub challenge: ChainEpoch,
    /// The first epoch a fault declaration for this deadline is refused.
    pub fault_cutoff: ChainEpoch,
    pub wpost_period_deadlines: u64,
    pub wpost_proving_period: ChainEpoch,
    pub wpost_challenge_window: ChainEpoch,
    pub wpost_challenge_lookback: ChainEpoch,
    pub fault_declaration_cutoff: ChainEpoch,
}

impl DeadlineInfo {
    /// The deadline `index` of the period starting at `period_start`, seen at `current_epoch`.
    pub fn new(
        policy: &Policy,
        period_start: ChainEpoch,
        index: u64,
        current_epoch: ChainEpoch,
    ) -> Self {
        let (open, close, challenge, fault_cutoff) = if index < policy.wpost_period_deadlines {
            let open = period_start + index as i64 * policy.wpost_challenge_window;
            (
                open,
                open + policy.wpost_challenge_window,
                open - policy.wpost_challenge_lookback,
                open - policy.fault_declaration_cutoff,
            )
        } else {
            // The "deadline" after the last one: everything collapses onto the next period start.
            let after = period_start + policy.wpost_proving_period;
            (after, after, after, 0)
        };
        DeadlineInfo {
            current_epoch,
            period_start,
            index,
            open,
            close,
            challenge,
            fault_cutoff,
            wpost_period_deadlines: policy.wpost_period_deadlines,
            wpost_proving_period: policy.wpost_proving_period,
            wpost_challenge_window: policy.wpost_challenge_window,
            wpost_challenge_lookback: policy.wpost_challenge_lookback,
            fault_declaration_cutoff: policy.fault_declaration_cutoff,
        }
    }

    /// The current deadline of a miner whose periods start on the grid of `period_start_seed`,
    /// computed from the epoch alone (correct even when the miner's deadline cron is inactive).
    pub fn from_offset_and_epoch(
        policy: &Policy,
        period_start_seed: ChainEpoch,
        current_epoch: ChainEpoch,
    ) -> Self {
        let grid = QuantSpec {
            unit: policy.wpost_proving_period,
            offset: period_start_seed,
        };
        let period_start = grid.quantize_down(current_epoch);
        let index = ((current_epoch - period_start) / policy.wpost_challenge_window) as u64;
        Self::new(policy, period_start, index, current_epoch)
    }

    pub fn period_started(&self) -> bool {
        self.current_epoch >= self.period_start
    }

    pub fn period_elapsed(&self) -> bool {
        self.current_epoch >= self.next_period_start()
    }

    /// The last epoch of the proving period.
    pub fn period_end(&self) -> ChainEpoch {
        self.period_start + self.wpost_proving_period - 1
    }

    pub fn next_period_start(&self) -> ChainEpoch {
        self.period_start + self.wpost_proving_period
    }

    pub fn is_open(&self) -> bool {
        self.current_epoch >= self.open && self.current_epoch < self.close
    }

    pub fn has_elapsed(&self) -> bool {
        self.current_epoch >= self.close
    }

    /// The last epoch a proof may be submitted.
    pub fn last(&self) -> ChainEpoch {
        self.close - 1
    }

    /// The epoch the following deadline opens.
    pub fn next_open(&self) -> ChainEpoch {
        self.close
    }

    pub fn fault_cutoff_passed(&self) -> bool {
        self.current_epoch >= self.fault_cutoff
    }

    /// The next occurrence of this deadline that has not closed yet (itself if still open or
    /// in the future).
    pub fn next_not_elapsed(self) -> Self {
        if !self.has_elapsed() {
            return self;
        }
        let periods = 1 + (self.current_epoch - self.close) / self.wpost_proving_period;
        self.shifted(periods * self.wpost_proving_period)
    }

    /// The same deadline `by` epochs later (a whole number of periods).
    fn shifted(self, by: ChainEpoch) -> Self {
        let fault_cutoff = if self.index < self.wpost_period_deadlines {
            self.fault_cutoff + by
        } else {
            0
        };
        DeadlineInfo {
            period_start: self.period_start + by,
            open: self.open + by,
            close: self.close + by,
            challenge: self.challenge + by,
            fault_cutoff,
            ..self
        }
    }

    /// The grid of this deadline's last epoch in every period: where its sectors' expirations
    /// are scheduled.
    pub fn quant_spec(&self) -> QuantSpec {
        QuantSpec {
            unit: self.wpost_proving_period,
            offset: self.last(),
        }
    }
}

/// Whether deadline `deadline_idx` may be changed (sectors assigned, partitions moved): true
/// until one challenge window before its next opening.
pub fn deadline_is_mutable(
    policy: &Policy,
    proving_period_start: ChainEpoch,
    deadline_idx: u64,
    current_epoch: ChainEpoch,
) -> bool {
    let next = DeadlineInfo::new(policy, proving_period_start, deadline_idx, current_epoch)
        .next_not_elapsed();
    current_epoch < next.open - policy.wpost_challenge_window
}

/// Whether optimistically accepted proofs of the deadline's last window may be disputed now:
/// not while the window is open, and only within the dispute window after it closed.
pub fn deadline_available_for_optimistic_post_dispute(
    policy: &Policy,
    proving_period_start: ChainEpoch,
    deadline_idx: u64,
    current_epoch: ChainEpoch,
) -> bool {
    if proving_period_start > current_epoch {
        return false;
    }
    let next = DeadlineInfo::new(policy, proving_period_start, deadline_idx, current_epoch)
        .next_not_elapsed();
    !next.is_open()
        && current_epoch < next.close - policy.wpost_proving_period + policy.wpost_dispute_window
}

/// Whether the deadline's partitions may be compacted now: it must be mutable and its last
/// proofs past dispute.
pub fn deadline_available_for_compaction(
    policy: &Policy,
    proving_period_start: ChainEpoch,
    deadline_idx: u64,
    current_epoch: ChainEpoch,
) -> bool {
    deadline_is_mutable(policy, proving_period_start, deadline_idx, current_epoch)
        && !deadline_available_for_optimistic_post_dispute(
            policy,
            proving_period_start,
            deadline_idx,
            current_epoch,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_of_a_deadline() {
        let p = Policy::mainnet();
        // Period starting at 1000, deadline 3: opens 1000 + 3 * 60.
        let d = DeadlineInfo::new(&p, 1000, 3, 1100);
        assert_eq!((d.open, d.close, d.last()), (1180, 1240, 1239));
        assert_eq!(d.challenge, 1180 - 20);
        assert_eq!(d.fault_cutoff, 1180 - 70);
        assert_eq!((d.period_end(), d.next_period_start()), (3879, 3880));
        assert!(d.period_started() && !d.period_elapsed());
        assert!(!d.is_open() && !d.has_elapsed() && !d.fault_cutoff_passed());
        assert_eq!(
            d.quant_spec(),
            QuantSpec {
                unit: 2880,
                offset: 1239
            }
        );
        // The index after the last deadline collapses onto the next period start.
        let after = DeadlineInfo::new(&p, 1000, 48, 0);
        assert_eq!(
            (after.open, after.close, after.challenge, after.fault_cutoff),
            (3880, 3880, 3880, 0)
        );
    }

    #[test]
    fn current_deadline_from_the_epoch() {
        let p = Policy::mainnet();
        // Seed 100: periods start at 100 + 2880k. Epoch 6000 is in the period starting at 5860,
        // 140 epochs in, i.e. deadline 2.
        let d = DeadlineInfo::from_offset_and_epoch(&p, 100, 6000);
        assert_eq!((d.period_start, d.index, d.open), (5860, 2, 5980));
        assert!(d.is_open());
    }

    #[test]
    fn next_not_elapsed_moves_whole_periods() {
        let p = Policy::mainnet();
        let d = DeadlineInfo::new(&p, 0, 1, 60);
        assert_eq!(d.next_not_elapsed(), d);
        // Seen at 10000, the deadline at [60, 120) recurred at [8700, 8760), already closed;
        // the next one is in the period starting at 4 * 2880 = 11520.
        let late = DeadlineInfo::new(&p, 0, 1, 10000).next_not_elapsed();
        assert_eq!(late, DeadlineInfo::new(&p, 11520, 1, 10000));
        assert_eq!((late.open, late.close), (11580, 11640));
        // Exactly at close it is elapsed.
        let at_close = DeadlineInfo::new(&p, 0, 1, 120).next_not_elapsed();
        assert_eq!(at_close.open, 2940);
    }

    #[test]
    fn mutability_dispute_and_compaction() {
        let p = Policy::mainnet();
        // Deadline 10 of the period at 0 opens at 600; it is mutable until 540.
        assert!(deadline_is_mutable(&p, 0, 10, 539));
        assert!(!deadline_is_mutable(&p, 0, 10, 540));
        assert!(!deadline_is_mutable(&p, 0, 10, 659));
        // Once closed, it is mutable again, until one window before the next opening (3420).
        assert!(deadline_is_mutable(&p, 0, 10, 660));
        // Disputes: never while open; after closing at 660 for 1800 epochs.
        assert!(!deadline_available_for_optimistic_post_dispute(
            &p, 0, 10, 600
        ));
        assert!(deadline_available_for_optimistic_post_dispute(
            &p, 0, 10, 660
        ));
        assert!(deadline_available_for_optimistic_post_dispute(
            &p, 0, 10, 2459
        ));
        assert!(!deadline_available_for_optimistic_post_dispute(
            &p, 0, 10, 2460
        ));
        assert!(!deadline_available_for_optimistic_post_dispute(
            &p, 5000, 10, 4000
        ));
        assert!(!deadline_available_for_compaction(&p, 0, 10, 2459));
        assert!(deadline_available_for_compaction(&p, 0, 10, 2460));
        assert!(!deadline_available_for_compaction(&p, 0, 10, 3420));
    }
}
