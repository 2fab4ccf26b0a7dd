//! The two security properties of the draft FIP "Export Sector Status to FEVM", checked on
//! random histories of one miner: commit, fault, recover, terminate, expire and compact, driven
//! by a fixed-seed PRNG. After every step, every sector number ever allocated is checked against
//! an independent model with its fresh location, every stale location it ever had, and a few
//! forged ones:
//! 1. every live sector validates as live: `ValidateSectorStatus(Dead)` answers false (the
//!    seed's `isLive`), and exactly one of FIP-0112's codes holds: `Active`, or `Faulty` when
//!    faulty;
//! 2. no sector that is not live validates as live, whatever the location: `Dead` answers true
//!    or the call fails.
//!
//! A stale or forged location may only answer `USR_NOT_FOUND` or the truth.
//!
//! With FIP-0067 enforcement active, the histories also fault whole deadlines (as the cron does
//! more than 24 hours behind schedule), terminate whole deadlines (more than 7 days behind) and
//! replace sectors (`ReplaceSector`'s termination without fee); the properties still hold.

mod sector_status_util;

use std::collections::{BTreeMap, BTreeSet};

use fil_actor_miner::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::error::ExitCode;
use sector_status_util::{aux, Miner};

// Small miners and short histories keep the check of every sector after every step within
// the time of a debug test run; many seeds make up the number of steps.
const DEADLINES: u64 = 2;
const PARTITION_SIZE: u64 = 2;
const MAX_NUMBERS: u64 = 10;
const SEEDS: u64 = 250;
const STEPS_PER_SEED: usize = 40;

/// SplitMix64: tiny, deterministic, good enough to pick actions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Up to `max` distinct elements of `from`.
    fn pick(&mut self, from: &[u64], max: u64) -> Vec<u64> {
        let mut chosen = BTreeSet::new();
        if !from.is_empty() {
            for _ in 0..=self.below(max) {
                chosen.insert(from[self.below(from.len() as u64) as usize]);
            }
        }
        chosen.into_iter().collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Truth {
    Active,
    Faulty,
    Dead,
}

impl Truth {
    fn code(self) -> SectorStatusCode {
        match self {
            Truth::Active => SectorStatusCode::Active,
            Truth::Faulty => SectorStatusCode::Faulty,
            Truth::Dead => SectorStatusCode::Dead,
        }
    }

    /// Whether FIP-0112's `status` (0 dead, 1 active, 2 faulty) is true of a sector in this
    /// state: exactly one is.
    fn holds(self, status: u8) -> bool {
        matches!(
            (status, self),
            (0, Truth::Dead) | (1, Truth::Active) | (2, Truth::Faulty)
        )
    }

    fn is_live(self) -> bool {
        self != Truth::Dead
    }
}

/// What the test believes, kept apart from the miner state.
#[derive(Default)]
struct Model {
    truth: BTreeMap<u64, Truth>,
    /// Proven sectors: their deadline and expiration; removed at compaction.
    proven: BTreeMap<u64, (u64, ChainEpoch)>,
    /// Every location `GenerateSectorStatusInfo` ever gave for a sector.
    seen: BTreeMap<u64, BTreeSet<SectorLocation>>,
    next_number: u64,
    epoch: ChainEpoch,
}

impl Model {
    fn in_deadline(&self, dl: u64, want: Truth) -> Vec<u64> {
        self.proven
            .iter()
            .filter(|&(n, &(d, _))| d == dl && self.truth[n] == want)
            .map(|(&n, _)| n)
            .collect()
    }
}

/// Marks every live sector of `dl` with `truth`.
fn mark_deadline(model: &mut Model, dl: u64, truth: Truth) {
    let mut live = model.in_deadline(dl, Truth::Active);
    live.extend(model.in_deadline(dl, Truth::Faulty));
    for n in live {
        model.truth.insert(n, truth);
    }
}

/// One random step; with `enforcement`, FIP-0067's actions are among the choices.
fn step(m: &mut Miner, model: &mut Model, rng: &mut Rng, enforcement: bool) {
    let dl = rng.below(DEADLINES);
    let kinds = if enforcement { 13 } else { 10 };
    match rng.below(kinds) {
        10 => {
            m.enforce_faults(dl);
            mark_deadline(model, dl, Truth::Faulty);
        }
        11 => {
            m.enforce_termination(dl, model.epoch);
            mark_deadline(model, dl, Truth::Dead);
        }
        12 => {
            let mut live = model.in_deadline(dl, Truth::Active);
            live.extend(model.in_deadline(dl, Truth::Faulty));
            let chosen = rng.pick(&live, 2);
            if !chosen.is_empty() {
                m.replace(dl, &chosen);
                chosen.iter().for_each(|n| {
                    model.truth.insert(*n, Truth::Dead);
                });
            }
        }
        0..=2 if model.next_number < MAX_NUMBERS => {
            // Commit 1-3 new sectors; some allocated numbers are never proven.
            let mut new = Vec::new();
            for _ in 0..=rng.below(3) {
                let n = model.next_number;
                model.next_number += 1 + rng.below(2);
                model.truth.insert(n, Truth::Active);
                if n + 1 < model.next_number {
                    model.truth.insert(n + 1, Truth::Dead);
                }
                let expiration = model.epoch + 1 + rng.below(150) as ChainEpoch;
                model.proven.insert(n, (dl, expiration));
                new.push((n, expiration));
            }
            m.commit(dl, &new, true);
        }
        0..=3 => {
            let live = model.in_deadline(dl, Truth::Active);
            let chosen = rng.pick(&live, 3);
            if !chosen.is_empty() {
                m.fault(dl, &chosen);
                chosen.iter().for_each(|n| {
                    model.truth.insert(*n, Truth::Faulty);
                });
            }
        }
        4 => {
            let faulty = model.in_deadline(dl, Truth::Faulty);
            let chosen = rng.pick(&faulty, 3);
            if !chosen.is_empty() {
                m.recover(dl, &chosen);
                chosen.iter().for_each(|n| {
                    model.truth.insert(*n, Truth::Active);
                });
            }
        }
        5 => {
            let mut live = model.in_deadline(dl, Truth::Active);
            live.extend(model.in_deadline(dl, Truth::Faulty));
            let chosen = rng.pick(&live, 3);
            if !chosen.is_empty() {
                m.terminate(dl, &chosen, model.epoch);
                chosen.iter().for_each(|n| {
                    model.truth.insert(*n, Truth::Dead);
                });
            }
        }
        6..=7 => {
            model.epoch += 1 + rng.below(40) as ChainEpoch;
            let mut due = Vec::new();
            for (&n, &(d, expiration)) in &model.proven {
                if d == dl && expiration <= model.epoch && model.truth[&n] != Truth::Dead {
                    due.push(n);
                }
            }
            let expired: Vec<u64> = m.expire(dl, model.epoch).iter().collect();
            assert_eq!(expired, due, "expired at {} in deadline {dl}", model.epoch);
            due.iter().for_each(|n| {
                model.truth.insert(*n, Truth::Dead);
            });
        }
        _ => {
            let candidates: Vec<u64> = m
                .partitions(dl)
                .iter()
                .enumerate()
                .filter(|(_, p)| p.faults.is_empty())
                .map(|(i, _)| i as u64)
                .collect();
            let chosen = rng.pick(&candidates, 2);
            let removed = m.compact(dl, &chosen).unwrap();
            for n in removed.iter() {
                assert_eq!(
                    model.truth[&n],
                    Truth::Dead,
                    "compaction removed sector {n}"
                );
                model.proven.remove(&n);
            }
        }
    }
}

fn check(m: &Miner, model: &mut Model, rng: &mut Rng) {
    let numbers: Vec<u64> = model.truth.keys().copied().collect();
    for &n in &numbers {
        let truth = model.truth[&n];
        let (status, fresh) = m.generate(n).unwrap();
        assert_eq!(status, truth.code(), "sector {n}");
        match model.proven.get(&n) {
            None => assert_eq!(fresh, SectorLocation::NONE, "sector {n}"),
            Some(&(dl, _)) => assert_eq!(fresh.deadline, dl as i64, "sector {n}"),
        }
        // Property 1 (and the truth for dead sectors) at the fresh location.
        let fresh_aux = fresh.to_aux_data().unwrap();
        for status in 0..3u8 {
            assert_eq!(
                m.validate(n, status, &fresh_aux).unwrap(),
                truth.holds(status),
                "sector {n} status {status} at fresh {fresh:?}"
            );
        }
        match (truth, m.expiration(n, &fresh_aux)) {
            (Truth::Dead, Err(e)) => assert_eq!(e.exit_code(), ExitCode::USR_FORBIDDEN),
            (_, Ok(epoch)) => assert_eq!(epoch, model.proven[&n].1, "sector {n}"),
            (t, r) => panic!("sector {n} ({t:?}): expiration {r:?}"),
        }

        // Property 2 at every stale location and a few forged ones.
        let seen = model.seen.entry(n).or_default();
        seen.insert(fresh);
        let mut locations: Vec<SectorLocation> = seen.iter().copied().collect();
        let other = numbers[rng.below(numbers.len() as u64) as usize];
        locations.extend(model.seen.get(&other).into_iter().flatten().copied());
        locations.push(SectorLocation::NONE);
        locations.push(SectorLocation {
            deadline: rng.below(DEADLINES) as i64,
            partition: rng.below(8) as i64,
        });
        // `validate_sector_status` compares this status with the claimed one (see the unit
        // tests), so the exact status is checked once per location, and `isLive` beside it.
        for loc in locations {
            let bytes = aux(loc.deadline, loc.partition);
            match sector_status_at(&m.policy, &m.store, &(&m.st).into(), n, &bytes) {
                Ok(status) => assert_eq!(status, truth.code(), "sector {n} at {loc:?}"),
                Err(e) => assert_eq!(
                    e.exit_code(),
                    ExitCode::USR_NOT_FOUND,
                    "sector {n} at {loc:?}: {e:?}"
                ),
            }
            match m.validate(n, 0, &bytes) {
                Ok(dead) => assert_eq!(!dead, truth.is_live(), "isLive of {n} at {loc:?}"),
                Err(e) => assert_eq!(e.exit_code(), ExitCode::USR_NOT_FOUND, "sector {n}"),
            }
        }
    }
}

/// Runs the histories of `seeds`, 40 steps each; the 250 seeds run as two tests, in parallel.
fn run(seeds: std::ops::Range<u64>, enforcement: bool) {
    let expected_steps = (seeds.end - seeds.start) as usize * STEPS_PER_SEED;
    let mut steps = 0;
    let mut compacted = 0;
    let mut kinds = BTreeSet::new();
    for seed in seeds {
        let mut rng = Rng(seed);
        let mut m = Miner::new(DEADLINES, PARTITION_SIZE);
        let mut model = Model::default();
        for _ in 0..STEPS_PER_SEED {
            let before = model.proven.len();
            step(&mut m, &mut model, &mut rng, enforcement);
            if model.proven.len() < before {
                compacted += 1;
            }
            check(&m, &mut model, &mut rng);
            steps += 1;
        }
        kinds.extend(model.truth.values().copied());
    }
    // The histories must have exercised every kind of sector, and compaction.
    assert_eq!(steps, expected_steps);
    assert_eq!(
        kinds,
        BTreeSet::from([Truth::Active, Truth::Faulty, Truth::Dead])
    );
    assert!(
        compacted > steps / 100,
        "only {compacted} compactions removed sectors"
    );
}

#[test]
fn live_sectors_validate_and_dead_ones_never_do_first_half() {
    run(0..SEEDS / 2, false);
}

#[test]
fn live_sectors_validate_and_dead_ones_never_do_second_half() {
    run(SEEDS / 2..SEEDS, false);
}

#[test]
fn with_fip0067_enforcement_live_sectors_validate_and_dead_ones_never_do() {
    run(SEEDS..SEEDS + SEEDS / 2, true);
}
