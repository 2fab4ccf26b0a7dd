//! The verified registry's root key, a 2-of-3 multisig made at genesis, on both engines: its
//! signers add a verifier by proposal and approval; a non-signer can neither propose nor approve;
//! a cancelled proposal cannot be approved. The engines agree on every exit code and state root,
//! and every state the multisig wrote decodes with ChainSafe's v18 types to the same bytes.

use cid::Cid;
use fil_actor_multisig::{
    ApproveReturn, PendingTxnMap, ProposalHashData, ProposeReturn, State as MsigState, Transaction,
    TxnID,
};
use fil_actor_verifreg::{
    DataCap, Method as VerifregMethod, State as RegistryState, VerifierParams,
};
use fil_actors_integration_tests::keys::blake2b_256;
use fil_actors_integration_tests::on_both_engines;
use fil_actors_integration_tests::state_log::StateLog;
use fil_actors_runtime::builtin::{Type, VERIFIED_REGISTRY_ACTOR_ADDR, VERIFIED_REGISTRY_ACTOR_ID};
use fvm_ipld_encoding::{to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{ActorID, MethodNum};
use test_vm::genesis::genesis;
use test_vm::root_key::{root_signer_address, RootKey};
use test_vm::{actor_state, StoreRef, VM};

/// The allowance the root key gives the verifier: 1 TiB of datacap.
const ALLOWANCE: u64 = 1 << 40;

const ADD_VERIFIER: MethodNum = VerifregMethod::AddVerifier as MethodNum;

/// What each engine saw: every exit code in order, the final state root, and how many multisig
/// states the v18 decoders read.
#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<ExitCode>,
    root: Cid,
    decoded: Vec<(Type, usize)>,
}

/// A scenario's view of the chain: the engine, the root key, the log of the multisig's states and
/// the exit codes so far.
struct Scene<'a> {
    vm: &'a mut dyn VM,
    root: RootKey,
    verifier: (Address, ActorID),
    log: StateLog,
    codes: Vec<ExitCode>,
}

impl<'a> Scene<'a> {
    /// Genesis with one funded account, the would-be verifier; checks the root key it made.
    fn new(vm: &'a mut dyn VM) -> Self {
        let g = genesis(vm, &[TokenAmount::from_whole(100)]).unwrap();
        let root = g.verifreg_root.clone();
        let registry: RegistryState = actor_state(vm, VERIFIED_REGISTRY_ACTOR_ID).unwrap();
        assert_eq!(registry.root_key, root.address);
        for (k, (key, id)) in root.signers.iter().enumerate() {
            assert_eq!(*key, root_signer_address(k));
            assert_eq!(vm.resolve(key).unwrap(), Some(*id));
        }
        assert_eq!(
            vm.resolve(&root.robust_address).unwrap(),
            Some(root.address.id().unwrap())
        );
        let mut log = StateLog::default();
        log.watch(root.address.id().unwrap());
        log.record(vm).unwrap();
        let scene = Scene {
            vm,
            root,
            verifier: g.accounts[0],
            log,
            codes: Vec::new(),
        };
        let st = scene.msig();
        let signer_ids: Vec<Address> = scene
            .root
            .signers
            .iter()
            .map(|(_, id)| Address::new_id(*id))
            .collect();
        assert_eq!(st.signers, signer_ids);
        assert_eq!(st.num_approvals_threshold, 2);
        assert_eq!(st.next_tx_id, TxnID(0));
        assert!(scene.pending().is_empty());
        scene
    }

    fn msig(&self) -> MsigState {
        actor_state(&*self.vm, self.root.address.id().unwrap()).unwrap()
    }

    /// The pending transactions, by number.
    fn pending(&self) -> Vec<(TxnID, Transaction)> {
        let st = self.msig();
        let store = StoreRef(self.vm.store());
        let mut out = Vec::new();
        PendingTxnMap::load(&store, &st.pending_txs, "pending")
            .unwrap()
            .for_each(|id, txn| {
                out.push((id, txn.clone()));
                Ok(())
            })
            .unwrap();
        out
    }

    /// The verifier's allowance, if the registry lists it.
    fn verifier_cap(&self) -> Option<DataCap> {
        let registry: RegistryState = actor_state(&*self.vm, VERIFIED_REGISTRY_ACTOR_ID).unwrap();
        registry
            .get_verifier_cap(
                &StoreRef(self.vm.store()),
                &Address::new_id(self.verifier.1),
            )
            .unwrap()
    }

    /// The `AddVerifier` parameters the signers agree on.
    fn add_verifier_params(&self) -> RawBytes {
        RawBytes::serialize(VerifierParams {
            address: self.verifier.0,
            allowance: DataCap::from(ALLOWANCE),
        })
        .unwrap()
    }

    /// Notes a message's exit code and the multisig's state after it.
    fn note(&mut self, code: ExitCode) {
        self.codes.push(code);
        self.log.record(&*self.vm).unwrap();
    }

    /// Signer `k` proposes adding the verifier; returns the proposal's return.
    fn propose(&mut self, k: usize) -> ProposeReturn {
        let params = self.add_verifier_params();
        let r = self
            .root
            .propose(
                self.vm,
                k,
                VERIFIED_REGISTRY_ACTOR_ADDR,
                ADD_VERIFIER,
                params,
            )
            .unwrap();
        assert_eq!(r.code, ExitCode::OK, "{:?}", r.failure);
        self.note(r.code);
        r.ret_as().unwrap()
    }

    /// `from` sends `method` of the multisig with `params`; returns the exit code.
    fn send<P: serde::Serialize>(
        &mut self,
        from: Address,
        method: MethodNum,
        params: &P,
    ) -> ExitCode {
        let msg = test_vm::Msg::new(from, self.root.address, method)
            .params(params)
            .unwrap();
        let code = self.vm.apply(&msg).unwrap().code;
        self.note(code);
        code
    }

    /// The proposal hash of the verifier's addition proposed by signer `k`, as the test computes
    /// it: BLAKE2b-256 of the proposer's ID address and the message.
    fn proposal_hash(&self, k: usize) -> Vec<u8> {
        let proposer = Address::new_id(self.root.signers[k].1);
        let data = ProposalHashData {
            requester: Some(&proposer),
            to: &VERIFIED_REGISTRY_ACTOR_ADDR,
            value: &TokenAmount::from_atto(0),
            method: &ADD_VERIFIER,
            params: &self.add_verifier_params(),
        };
        blake2b_256(&to_vec(&data).unwrap()).to_vec()
    }

    /// The pending proposal of signer `k`'s addition of the verifier, with `approvers`.
    fn expected_txn(&self, approvers: &[usize]) -> Transaction {
        Transaction {
            to: VERIFIED_REGISTRY_ACTOR_ADDR,
            value: TokenAmount::from_atto(0),
            method: ADD_VERIFIER,
            params: self.add_verifier_params(),
            approved: approvers
                .iter()
                .map(|k| Address::new_id(self.root.signers[*k].1))
                .collect(),
        }
    }

    fn finish(self) -> Outcome {
        let root = self.vm.state_root().unwrap();
        let (decoded, _) =
            crate::v18_decoders::check_written_states(&*self.vm, &self.log.states, |_| {
                Type::Multisig
            });
        Outcome {
            codes: self.codes,
            root,
            decoded,
        }
    }
}

const APPROVE: MethodNum = fil_actor_multisig::Method::Approve as MethodNum;
const CANCEL: MethodNum = fil_actor_multisig::Method::Cancel as MethodNum;
const PROPOSE: MethodNum = fil_actor_multisig::Method::Propose as MethodNum;

fn txn(id: i64, proposal_hash: Vec<u8>) -> fil_actor_multisig::TxnIDParams {
    fil_actor_multisig::TxnIDParams {
        id: TxnID(id),
        proposal_hash,
    }
}

#[test]
fn signers_of_the_root_multisig_add_a_verifier_by_proposal_and_approval() {
    let (native, fvm) = on_both_engines(|vm| {
        let mut s = Scene::new(vm);
        // Signer 0 proposes: one approval of two, nothing sent.
        let proposed = s.propose(0);
        assert_eq!(
            proposed,
            ProposeReturn {
                txn_id: TxnID(0),
                applied: false,
                code: ExitCode::OK,
                ret: RawBytes::default(),
            }
        );
        assert_eq!(s.pending(), vec![(TxnID(0), s.expected_txn(&[0]))]);
        assert_eq!(s.verifier_cap(), None);

        // The proposer cannot approve twice; an approval naming another hash is refused.
        let hash = s.proposal_hash(0);
        let signer0 = s.root.signers[0].0;
        let signer2 = s.root.signers[2].0;
        assert_eq!(
            s.send(signer0, APPROVE, &txn(0, hash.clone())),
            ExitCode::USR_FORBIDDEN
        );
        let wrong = s.proposal_hash(1);
        assert_eq!(
            s.send(signer2, APPROVE, &txn(0, wrong)),
            ExitCode::USR_ILLEGAL_ARGUMENT
        );
        assert_eq!(s.pending(), vec![(TxnID(0), s.expected_txn(&[0]))]);

        // Signer 2 approves, naming the hash: the second approval sends it.
        let approved = s.root.approve(s.vm, 2, TxnID(0), hash).unwrap();
        s.note(approved.code);
        assert_eq!(approved.code, ExitCode::OK, "{:?}", approved.failure);
        assert_eq!(
            approved.ret_as::<ApproveReturn>().unwrap(),
            ApproveReturn {
                applied: true,
                code: ExitCode::OK,
                ret: RawBytes::default(),
            }
        );
        assert_eq!(s.verifier_cap(), Some(DataCap::from(ALLOWANCE)));
        assert!(s.pending().is_empty());
        assert_eq!(s.msig().next_tx_id, TxnID(1));
        s.finish()
    });
    assert_eq!(
        native.codes,
        vec![
            ExitCode::OK,
            ExitCode::USR_FORBIDDEN,
            ExitCode::USR_ILLEGAL_ARGUMENT,
            ExitCode::OK
        ]
    );
    // Genesis, the proposal and the approval wrote the multisig's three states.
    assert_eq!(native.decoded, vec![(Type::Multisig, 3)]);
    assert_eq!(native, fvm);
}

#[test]
fn a_proposal_by_a_non_signer_fails_and_changes_nothing() {
    let (native, fvm) = on_both_engines(|vm| {
        let mut s = Scene::new(vm);
        let stranger = s.verifier.0;
        let head = |s: &Scene| s.vm.actor(s.root.address.id().unwrap()).unwrap().unwrap();

        // A stranger proposes: refused, no number used.
        let before = head(&s);
        let proposal = fil_actor_multisig::ProposeParams {
            to: VERIFIED_REGISTRY_ACTOR_ADDR,
            value: TokenAmount::from_atto(0),
            method: ADD_VERIFIER,
            params: s.add_verifier_params(),
        };
        assert_eq!(
            s.send(stranger, PROPOSE, &proposal),
            ExitCode::USR_FORBIDDEN
        );
        assert_eq!(head(&s), before);

        // A signer's proposal, which the stranger then tries to approve: refused too.
        s.propose(1);
        let before = head(&s);
        let hash = s.proposal_hash(1);
        assert_eq!(
            s.send(stranger, APPROVE, &txn(0, hash)),
            ExitCode::USR_FORBIDDEN
        );
        assert_eq!(head(&s), before);
        assert_eq!(s.pending(), vec![(TxnID(0), s.expected_txn(&[1]))]);
        assert_eq!(s.msig().next_tx_id, TxnID(1));
        assert_eq!(s.verifier_cap(), None);
        s.finish()
    });
    assert_eq!(
        native.codes,
        vec![
            ExitCode::USR_FORBIDDEN,
            ExitCode::OK,
            ExitCode::USR_FORBIDDEN
        ]
    );
    assert_eq!(native.decoded, vec![(Type::Multisig, 2)]);
    assert_eq!(native, fvm);
}

#[test]
fn a_cancelled_proposal_cannot_be_approved() {
    let (native, fvm) = on_both_engines(|vm| {
        let mut s = Scene::new(vm);
        s.propose(0);
        let hash = s.proposal_hash(0);
        let signer0 = s.root.signers[0].0;
        let signer1 = s.root.signers[1].0;

        // Only the proposer may cancel, naming the right hash (a wrong one is v18's
        // USR_ILLEGAL_STATE).
        assert_eq!(
            s.send(signer1, CANCEL, &txn(0, hash.clone())),
            ExitCode::USR_FORBIDDEN
        );
        let wrong = s.proposal_hash(2);
        assert_eq!(
            s.send(signer0, CANCEL, &txn(0, wrong)),
            ExitCode::USR_ILLEGAL_STATE
        );
        assert_eq!(s.pending(), vec![(TxnID(0), s.expected_txn(&[0]))]);
        assert_eq!(s.send(signer0, CANCEL, &txn(0, hash.clone())), ExitCode::OK);
        assert!(s.pending().is_empty());

        // The approval that would have sent it finds nothing.
        let head = s.vm.actor(s.root.address.id().unwrap()).unwrap().unwrap();
        assert_eq!(
            s.send(signer1, APPROVE, &txn(0, hash)),
            ExitCode::USR_NOT_FOUND
        );
        assert_eq!(
            s.vm.actor(s.root.address.id().unwrap()).unwrap().unwrap(),
            head
        );
        assert_eq!(s.verifier_cap(), None);
        assert_eq!(s.msig().next_tx_id, TxnID(1));
        s.finish()
    });
    assert_eq!(
        native.codes,
        vec![
            ExitCode::OK,
            ExitCode::USR_FORBIDDEN,
            ExitCode::USR_ILLEGAL_STATE,
            ExitCode::OK,
            ExitCode::USR_NOT_FOUND
        ]
    );
    // Genesis, the proposal, and the cancellation (an empty map again, but a new next number
    // since genesis).
    assert_eq!(native.decoded, vec![(Type::Multisig, 3)]);
    assert_eq!(native, fvm);
}
