//! The example storage application's whole life (`contracts/sector-status/examples/PieceEscrow.sol`),
//! written once against the `VM` trait:
//!
//! 1. a client (an Ethereum account) funds a deal for one piece with a provider, paid over
//!    [`PERIODS`] proving periods;
//! 2. forged and foreign notifications are refused: a stranger calling the contract's
//!    notification method itself, another miner sealing the piece, the provider sealing another
//!    piece for the deal;
//! 3. the provider's `ProveCommitSectors3` notifies the contract, which records the sector;
//! 4. two proving periods proven, two payments; a second claim in the same period refused; a
//!    refund refused while the sector is live, with its true location or a forged one;
//! 5. the sector's Window PoSt missed: it is faulty, still live, and the third payment is made;
//! 6. the sector terminated: no payment for a dead sector, no refund to anyone but the client,
//!    the client's refund of the three unpaid periods, and no second refund.
//!
//! Every refusal is the contract's own revert reason, compared with the error the test encodes;
//! every event is compared entry by entry; the contract's, the client's and the miner's balances
//! follow the test's own arithmetic to the attoFIL.

use alloy_primitives::{Address as EthAddress, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEventInterface, SolInterface, SolValue};
use anyhow::{anyhow, ensure, Context};
use cid::Cid;
use fil_actor_miner::{
    DataActivationNotification, GenerateSectorStatusInfoParams, GenerateSectorStatusInfoReturn,
    Method as MinerMethod, PieceChange, SectorActivationManifest, SectorChanges,
    SectorContentChangedParams, SectorLocation, SectorStatusCode, State as MinerState,
    TerminateSectorsParams, TerminationDeclaration, ERR_NOTIFICATION_RECEIVER_ABORTED,
    GENERATE_SECTOR_STATUS_INFO_METHOD, SECTOR_CONTENT_CHANGED,
};
use fvm_ipld_bitfield::BitField;
use fvm_ipld_encoding::{BytesDe, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use fvm_shared::piece::{PaddedPieceSize, PieceInfo};
use fvm_shared::sector::SectorNumber;
use test_vm::genesis::genesis;
use test_vm::native::comm_d::compute_unsealed_sector_cid;
use test_vm::{actor_state, balance, MessageResult, Msg, StoreRef, VM};

use crate::check_eq;
use crate::contracts::PieceEscrow::{self, PieceEscrowErrors, PieceEscrowEvents};
use crate::evm::{
    deploy, f4, fund_eth_account, initcode, log_entries, masked_id, sol_call, Contract, EthAccount,
    Reverted,
};
use crate::miner::{
    apply_ok, create_miner, ddo_piece, max_prove_commit_window, piece_cid, policy, precommit,
    precommit_info, prove_commit_params, worker_message, MinerAddrs, SEAL_PROOF,
};
use crate::post::{next_window, prove_until, tick_to};

/// The periods the client pays for, and the payment for each (whole FIL).
pub const PERIODS: u64 = 6;
pub const FIL_PER_PERIOD: u64 = 1;
/// The provider's sector holding the piece.
pub const SECTOR: SectorNumber = 100;
/// The provider's sector pre-committed with another piece, offered for the deal.
const WRONG_SECTOR: SectorNumber = 101;
/// The other miner's sector holding the piece.
const FOREIGN_SECTOR: SectorNumber = 200;
/// The piece's padded size.
const PIECE_SIZE: u64 = 1024;
/// The deal the client funds.
const DEAL: u64 = 1;
/// The contract's deal stages (`PieceEscrow.Stage`).
const STORED: u8 = 2;
const CLOSED: u8 = 3;

/// One message or tick of the life.
#[derive(Clone, Debug, PartialEq)]
pub struct EscrowStep {
    pub label: String,
    pub epoch: ChainEpoch,
    pub code: ExitCode,
    /// The contract's events.
    pub events: Vec<StampedEvent>,
    /// The contract's revert reason, decoded, when it refused.
    pub refusal: Option<String>,
    /// The sector's status after the step, when the step was about it.
    pub status: Option<SectorStatusCode>,
}

/// What the life saw, for the engines to agree on.
#[derive(Clone, Debug, PartialEq)]
pub struct EscrowLifeOutcome {
    pub steps: Vec<EscrowStep>,
    /// The contract's, the client's and the miner's balances at the end.
    pub balances: [TokenAmount; 3],
}

/// The real FVM's gas of each contract message (label, gas); not compared across engines.
pub type EscrowGas = Vec<(String, Option<u64>)>;

/// The life under way.
struct EscrowLife<'a> {
    vm: &'a mut dyn VM,
    provider: MinerAddrs,
    client: EthAccount,
    stranger: Address,
    escrow: Contract,
    steps: Vec<EscrowStep>,
    gas: EscrowGas,
}

fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

fn word(n: u64) -> U256 {
    U256::from(n)
}

/// `n` whole FIL in attoFIL, as the contract's events and getters count value.
fn atto_word(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64.pow(18))
}

/// A decoded error or event as Solidity names it: `Name { field: value, .. }` (the `Debug` of
/// the enum of a contract's errors or events wraps that in its variant's name).
fn solidity_form(debug: String) -> String {
    match debug.split_once('(') {
        Some((variant, inner)) if inner.starts_with(variant) && inner.ends_with(')') => {
            inner[..inner.len() - 1].to_string()
        }
        _ => debug,
    }
}

/// The revert reason in `data`, named from the contract's errors (the libraries' included).
fn refusal(data: &[u8]) -> String {
    match PieceEscrowErrors::abi_decode(data) {
        Ok(e) => solidity_form(format!("{e:?}")),
        Err(_) => format!("0x{}", hex::encode(data)),
    }
}

/// One of the contract's events as its Solidity declaration reads, decoded from the FIP-0049
/// entries (`t1`..`t4`, `d`) the EVM actor wrote; `None` if it is not one of them.
pub fn describe_log(e: &StampedEvent) -> Option<String> {
    let entry = |key: &str| {
        e.event
            .entries
            .iter()
            .find(|x| x.key == key)
            .map(|x| x.value.clone())
    };
    let topics: Vec<B256> = ["t1", "t2", "t3", "t4"]
        .into_iter()
        .filter_map(entry)
        .filter_map(|v| B256::try_from(v.as_slice()).ok())
        .collect();
    let data = entry("d").unwrap_or_default();
    PieceEscrowEvents::decode_raw_log(&topics, &data)
        .ok()
        .map(|ev| solidity_form(format!("{ev:?}")))
}

impl EscrowLife<'_> {
    /// Notes a step: its exit code, the contract's events and revert reason.
    fn note(&mut self, label: &str, r: &MessageResult, refused: Option<&[u8]>) {
        self.gas.push((label.to_string(), r.gas_used));
        self.steps.push(EscrowStep {
            label: label.to_string(),
            epoch: self.vm.epoch(),
            code: r.code,
            events: r
                .events
                .iter()
                .filter(|e| e.emitter == self.escrow.id)
                .cloned()
                .collect(),
            refusal: refused.map(refusal),
            status: None,
        });
    }

    /// `from` calls the contract; the call must end as `expected`: `Ok` with the contract's
    /// `events`, or the revert with that error and no events.
    fn call<C: SolCall>(
        &mut self,
        label: &str,
        from: Address,
        call: C,
        value: TokenAmount,
        expected: Result<Vec<Vec<fvm_shared::event::Entry>>, Reverted>,
    ) -> anyhow::Result<MessageResult> {
        let escrow = self.escrow.address();
        let (out, r) = sol_call(self.vm, from, escrow, &call, value)?;
        let refused = out.as_ref().err().map(|e| e.data.clone());
        self.note(label, &r, refused.as_deref());
        let events: Vec<_> = self
            .steps
            .last()
            .map(|s| s.events.clone())
            .unwrap_or_default();
        let seen = match out {
            Ok(_) => Ok(events.into_iter().map(|e| e.event.entries).collect()),
            Err(e) => {
                ensure!(
                    events.is_empty(),
                    "{label}: a refused call emitted {events:?}"
                );
                Err(e)
            }
        };
        check_eq(label, seen, expected)?;
        Ok(r)
    }

    /// The escrow's, the client's and the miner's balances.
    fn balances(&self) -> anyhow::Result<[TokenAmount; 3]> {
        Ok([
            balance(self.vm, self.escrow.id)?,
            balance(self.vm, self.client.id)?,
            balance(self.vm, self.provider.miner_id)?,
        ])
    }

    /// The sector's status and location, as a dApp reads them off-chain (the miner's
    /// `GenerateSectorStatusInfo`, from the stranger).
    fn locate(&mut self, label: &str) -> anyhow::Result<(SectorStatusCode, Vec<u8>)> {
        let r = apply_ok(
            self.vm,
            &Msg::new(
                self.stranger,
                self.provider.miner,
                GENERATE_SECTOR_STATUS_INFO_METHOD,
            )
            .params(&GenerateSectorStatusInfoParams {
                sector_number: SECTOR,
            })?,
        )?;
        let ret: GenerateSectorStatusInfoReturn = r.ret_as()?;
        self.note(label, &r, None);
        if let Some(step) = self.steps.last_mut() {
            step.status = Some(ret.status);
        }
        Ok((ret.status, ret.aux_data))
    }

    /// The deal's stage, sector, periods paid and escrow held, as the contract reports them.
    fn deal_state(&mut self) -> anyhow::Result<(u8, u64, u64, U256)> {
        let escrow = self.escrow.address();
        let (out, _) = sol_call(
            self.vm,
            self.stranger,
            escrow,
            &PieceEscrow::dealStateCall { dealId: word(DEAL) },
            TokenAmount::from_atto(0),
        )?;
        let s = out.map_err(|e| anyhow!("dealState failed with {}", e.code))?;
        Ok((s.stage, s.sector, s.periodsPaid, s.held))
    }

    fn check_deal(&mut self, what: &str, expected: (u8, u64, u64, u64)) -> anyhow::Result<()> {
        let (stage, sector, paid, held_fil) = expected;
        let held = atto_word(held_fil);
        check_eq(
            &format!("{what}: the deal"),
            self.deal_state()?,
            (stage, sector, paid, held),
        )
    }

    /// The chain moves on with Window PoSt of the sector's deadline `d` up to `until`.
    fn prove_until(&mut self, d: u64, until: ChainEpoch) -> anyhow::Result<()> {
        prove_until(self.vm, &self.provider, d, until, &mut |_, _, _| Ok(()))
    }

    /// `claim` of the deal by the provider's worker at the sector's current location: one period
    /// paid into the miner's balance, or `refused`.
    fn claim(&mut self, label: &str, refused: Option<Reverted>) -> anyhow::Result<()> {
        let (_, aux) = self.locate("GenerateSectorStatusInfo")?;
        let before = self.balances()?;
        let call = PieceEscrow::claimCall {
            dealId: word(DEAL),
            auxData: aux.into(),
        };
        let worker = self.provider.worker;
        let expected = match refused {
            Some(e) => Err(e),
            None => Ok(vec![log_entries(&PieceEscrow::ProviderPaid {
                dealId: word(DEAL),
                periods: 1,
                amount: atto_word(FIL_PER_PERIOD),
            })]),
        };
        let paid = expected.is_ok();
        self.call(label, worker, call, TokenAmount::from_atto(0), expected)?;
        let [escrow, client, miner] = before;
        let pay = if paid { fil(FIL_PER_PERIOD) } else { fil(0) };
        check_eq(
            &format!("{label}: balances"),
            self.balances()?,
            [escrow - &pay, client, miner + &pay],
        )
    }

    /// `refund` of the deal by `from` with location `aux`.
    fn refund(
        &mut self,
        label: &str,
        from: Address,
        aux: Vec<u8>,
        expected: Result<Vec<Vec<fvm_shared::event::Entry>>, Reverted>,
    ) -> anyhow::Result<()> {
        let call = PieceEscrow::refundCall {
            dealId: word(DEAL),
            auxData: aux.into(),
        };
        self.call(label, from, call, TokenAmount::from_atto(0), expected)?;
        Ok(())
    }

    /// The deadline and partition holding the sector.
    fn sector_location(&self) -> anyhow::Result<(u64, u64)> {
        let st: MinerState = actor_state(self.vm, self.provider.miner_id)?;
        Ok(st.find_sector(&StoreRef(self.vm.store()), SECTOR)?)
    }

    /// The chain moved to `to` with one cron tick.
    fn tick(&mut self, to: ChainEpoch) -> anyhow::Result<()> {
        tick_to(self.vm, to, &mut |_, _, _| Ok(()))
    }
}

/// The `ProveCommitSectors3` of `sector` activating `piece` and naming the contract to be
/// notified with deal `deal` as payload.
fn notifying_commit(
    m: &MinerAddrs,
    sector: SectorNumber,
    piece: Cid,
    escrow: &Contract,
    deal: u64,
) -> anyhow::Result<Msg> {
    let mut p = ddo_piece(piece, PIECE_SIZE);
    p.notify = vec![DataActivationNotification {
        address: f4(&escrow.eth),
        payload: RawBytes::new(word(deal).abi_encode()),
    }];
    let params = prove_commit_params(vec![SectorActivationManifest {
        sector_number: sector,
        pieces: vec![p],
    }]);
    worker_message(m, MinerMethod::ProveCommitSectors3, &params)
}

/// The contract's revert data inside a failed `ProveCommitSectors3`: the notification call's.
fn notification_refusal(r: &MessageResult) -> anyhow::Result<Reverted> {
    let call = r
        .trace
        .flatten()
        .into_iter()
        .find(|t| t.method == SECTOR_CONTENT_CHANGED)
        .context("the miner sent no notification")?
        .clone();
    let data = match &call.ret {
        Some(block) => block.deserialize::<BytesDe>()?.0,
        None => vec![],
    };
    Ok(Reverted {
        code: call.code,
        data,
    })
}

/// The life of one deal: see the module's documentation.
pub fn escrow_life(vm: &mut dyn VM) -> anyhow::Result<(EscrowLifeOutcome, EscrowGas)> {
    let policy = policy()?;
    let g = genesis(vm, &[fil(1_000), fil(100)])?;
    let (owner, _) = g.accounts[0];
    let (stranger, stranger_id) = g.accounts[1];
    let provider = create_miner(vm, owner, 1, fil(10))?;
    let foreign = create_miner(vm, owner, 2, fil(10))?;
    let client = fund_eth_account(vm, stranger, [0xc1; 20], fil(20))?;
    let period = policy.wpost_proving_period;
    let escrow = deploy(
        vm,
        stranger,
        &[initcode("PieceEscrow")?, (period as u64).abi_encode()].concat(),
        TokenAmount::from_atto(0),
    )?;
    let mut life = EscrowLife {
        vm,
        provider,
        client,
        stranger,
        escrow,
        steps: vec![],
        gas: vec![],
    };
    let m = provider;
    let piece = piece_cid(50);
    let other_piece = piece_cid(51);
    let client_eth = EthAddress::from(client.eth);
    let total = atto_word(PERIODS * FIL_PER_PERIOD);

    // 1. The client funds the deal; a value that does not split into the periods is refused.
    let fund = || PieceEscrow::fundCall {
        provider: m.miner_id,
        pieceCid: piece.to_bytes().into(),
        pieceSize: PIECE_SIZE,
        periods: PERIODS,
    };
    life.call(
        "fund: 1 attoFIL over 6 periods",
        client.address,
        fund(),
        TokenAmount::from_atto(1),
        Err(Reverted::with(PieceEscrow::InvalidFunding {
            amount: U256::from(1),
            periods: PERIODS,
        })),
    )?;
    life.call(
        "fund",
        client.address,
        fund(),
        fil(PERIODS * FIL_PER_PERIOD),
        Ok(vec![log_entries(&PieceEscrow::DealFunded {
            dealId: word(DEAL),
            client: client_eth,
            provider: m.miner_id,
            amount: total,
        })]),
    )?;
    let [escrow_funds, client_funds, _] = life.balances()?;
    check_eq(
        "after funding: the contract's and the client's balances",
        [escrow_funds, client_funds],
        [
            fil(PERIODS * FIL_PER_PERIOD),
            fil(20 - PERIODS * FIL_PER_PERIOD),
        ],
    )?;

    // 2. Pre-commitments: the provider's sector of the piece and one of another piece, and the
    // other miner's sector of the piece.
    let comm_d = |p: Cid| {
        compute_unsealed_sector_cid(
            SEAL_PROOF,
            &[PieceInfo {
                cid: p,
                size: PaddedPieceSize(PIECE_SIZE),
            }],
        )
    };
    let precommit_epoch = life.vm.epoch();
    let expiration =
        precommit_epoch + max_prove_commit_window(&policy)? + policy.min_sector_expiration + 10_000;
    let infos = vec![
        precommit_info(life.vm, SECTOR, expiration, Some(comm_d(piece)?)),
        precommit_info(
            life.vm,
            WRONG_SECTOR,
            expiration,
            Some(comm_d(other_piece)?),
        ),
    ];
    precommit(life.vm, &m, infos, fil(2))?;
    let info = precommit_info(life.vm, FOREIGN_SECTOR, expiration, Some(comm_d(piece)?));
    precommit(life.vm, &foreign, vec![info], fil(1))?;
    life.tick(precommit_epoch + policy.pre_commit_challenge_delay + 1)?;

    // 3. Forged and foreign notifications. A stranger sends the notification itself.
    let forged = SectorContentChangedParams {
        sectors: vec![SectorChanges {
            sector: SECTOR,
            minimum_commitment_epoch: expiration,
            added: vec![PieceChange {
                data: piece,
                size: PaddedPieceSize(PIECE_SIZE),
                payload: RawBytes::new(word(DEAL).abi_encode()),
            }],
        }],
    };
    let r = life.vm.apply(
        &Msg::new(stranger, life.escrow.address(), SECTOR_CONTENT_CHANGED).params(&forged)?,
    )?;
    let seen = Reverted {
        code: r.code,
        data: crate::evm::return_data(&r)?,
    };
    life.note("a stranger's own notification", &r, Some(&seen.data));
    check_eq(
        "a stranger's own notification",
        seen,
        Reverted::with(PieceEscrow::NotTheProvider {
            dealId: word(DEAL),
            minerId: stranger_id,
        }),
    )?;
    // Another miner seals the piece for the deal; the provider seals another piece for it.
    let attempts = [
        (
            "another miner's ProveCommitSectors3",
            notifying_commit(&foreign, FOREIGN_SECTOR, piece, &life.escrow, DEAL)?,
            PieceEscrow::NotTheProvider {
                dealId: word(DEAL),
                minerId: foreign.miner_id,
            }
            .abi_encode(),
        ),
        (
            "ProveCommitSectors3 of another piece",
            notifying_commit(&m, WRONG_SECTOR, other_piece, &life.escrow, DEAL)?,
            PieceEscrow::WrongPiece {
                dealId: word(DEAL),
                sector: WRONG_SECTOR,
            }
            .abi_encode(),
        ),
    ];
    for (label, msg, error) in attempts {
        let r = life.vm.apply(&msg)?;
        let refused = notification_refusal(&r)?;
        life.note(label, &r, Some(&refused.data));
        check_eq(
            label,
            (r.code, refused),
            (
                ERR_NOTIFICATION_RECEIVER_ABORTED,
                Reverted {
                    code: fil_actor_evm::EVM_CONTRACT_REVERTED,
                    data: error,
                },
            ),
        )?;
    }
    life.check_deal("after the refused notifications", (1, 0, 0, 6))?;

    // 4. The provider seals the piece: the notification records the sector.
    let r = apply_ok(
        life.vm,
        &notifying_commit(&m, SECTOR, piece, &life.escrow, DEAL)?,
    )?;
    life.note("ProveCommitSectors3", &r, None);
    let stored_at = life.vm.epoch();
    check_eq(
        "ProveCommitSectors3: the contract's events",
        life.steps.last().map(|s| {
            s.events
                .iter()
                .map(|e| e.event.entries.clone())
                .collect::<Vec<_>>()
        }),
        Some(vec![log_entries(&PieceEscrow::SectorRecorded {
            dealId: word(DEAL),
            provider: m.miner_id,
            sector: SECTOR,
        })]),
    )?;
    life.check_deal("after the commitment", (STORED, SECTOR, 0, 6))?;
    let (d, _) = life.sector_location()?;

    // 5. Two periods proven and paid; a second claim in a period is refused, and so is a refund
    // while the sector is live, at its location or at a forged one.
    life.claim(
        "claim before a period has passed",
        Some(Reverted::with(PieceEscrow::NothingDue {
            dealId: word(DEAL),
        })),
    )?;
    for k in 1..=2 {
        life.prove_until(d, stored_at + k * period)?;
        life.claim(&format!("claim of period {k}"), None)?;
        life.check_deal(
            &format!("after payment {k}"),
            (STORED, SECTOR, k as u64, 6 - k as u64),
        )?;
    }
    life.claim(
        "a second claim in period 2",
        Some(Reverted::with(PieceEscrow::NothingDue {
            dealId: word(DEAL),
        })),
    )?;
    let (status, aux) = life.locate("GenerateSectorStatusInfo")?;
    ensure!(
        status == SectorStatusCode::Active,
        "sector {SECTOR} is {status:?}"
    );
    life.refund(
        "refund while the sector is live",
        client.address,
        aux,
        Err(Reverted::with(PieceEscrow::SectorStillLive {
            dealId: word(DEAL),
            sector: SECTOR,
        })),
    )?;
    life.refund(
        "refund at a forged location (-1, -1)",
        client.address,
        SectorLocation {
            deadline: -1,
            partition: -1,
        }
        .to_aux_data()?,
        Err(Reverted::with(PieceEscrow::StaleLocation {
            minerId: m.miner_id,
            sector: SECTOR,
        })),
    )?;

    // 6. The sector's next Window PoSt is missed: faulty, still live, and the third period paid.
    let dl = next_window(life.vm, &m, d)?;
    life.tick(dl.last())?;
    life.tick(dl.last() + 1)?;
    let (status, _) = life.locate("GenerateSectorStatusInfo, a window missed")?;
    ensure!(
        status == SectorStatusCode::Faulty,
        "sector {SECTOR} is {status:?}"
    );
    if life.vm.epoch() < stored_at + 3 * period {
        life.tick(stored_at + 3 * period)?;
    }
    life.claim("claim of period 3, the sector faulty", None)?;
    life.check_deal("after payment 3", (STORED, SECTOR, 3, 3))?;

    // 7. The provider terminates the sector: no payment for a dead sector, no refund to a
    // stranger; the client's refund of the three unpaid periods, once.
    let (_, part) = life.sector_location()?;
    let r = apply_ok(
        life.vm,
        &worker_message(
            &m,
            MinerMethod::TerminateSectors,
            &TerminateSectorsParams {
                terminations: vec![TerminationDeclaration {
                    deadline: d,
                    partition: part,
                    sectors: BitField::try_from_bits([SECTOR])?,
                }],
            },
        )?,
    )?;
    life.note("TerminateSectors", &r, None);
    let (status, aux) = life.locate("GenerateSectorStatusInfo")?;
    ensure!(
        status == SectorStatusCode::Dead,
        "sector {SECTOR} is {status:?}"
    );
    life.tick(stored_at + 4 * period)?;
    life.claim(
        "claim of period 4, the sector dead",
        Some(Reverted::with(PieceEscrow::SectorDead {
            dealId: word(DEAL),
            sector: SECTOR,
        })),
    )?;
    life.refund(
        "a stranger's refund",
        stranger,
        aux.clone(),
        Err(Reverted::with(PieceEscrow::NotTheClient {
            dealId: word(DEAL),
            caller: EthAddress::from(masked_id(stranger_id)),
        })),
    )?;
    let before = life.balances()?;
    let unpaid = fil((PERIODS - 3) * FIL_PER_PERIOD);
    life.refund(
        "the client's refund",
        client.address,
        aux.clone(),
        Ok(vec![log_entries(&PieceEscrow::ClientRefunded {
            dealId: word(DEAL),
            amount: atto_word((PERIODS - 3) * FIL_PER_PERIOD),
        })]),
    )?;
    let [escrow_before, client_before, miner_before] = before;
    check_eq(
        "the client's refund: balances",
        life.balances()?,
        [
            escrow_before - &unpaid,
            client_before + &unpaid,
            miner_before,
        ],
    )?;
    life.refund(
        "a second refund",
        client.address,
        aux,
        Err(Reverted::with(PieceEscrow::DealClosed {
            dealId: word(DEAL),
        })),
    )?;
    life.check_deal("at the end", (CLOSED, SECTOR, 3, 0))?;
    let balances = life.balances()?;
    check_eq(
        "at the end: the contract's and the client's balances",
        [balances[0].clone(), balances[1].clone()],
        [fil(0), fil(20 - 3 * FIL_PER_PERIOD)],
    )?;
    Ok((
        EscrowLifeOutcome {
            steps: life.steps,
            balances,
        },
        life.gas,
    ))
}
