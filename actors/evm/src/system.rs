//! `System`: one invocation's view of the contract between the interpreter and the chain. It
//! holds the contract's bytecode, storage, transient storage, nonce and tombstone, writes them
//! back as one state root (`flush`) before any send and at the end of a successful call, and
//! re-reads them after a send that may have re-entered the contract (`reload`). Nothing here
//! knows the interpreter.

use cid::Cid;
use fil_actors_runtime::runtime::{DomainSeparationTag, Runtime};
use fil_actors_runtime::{actor_error, ActorError, AsActorError, SendError, EMPTY_ARR_CID};
use fvm_ipld_blockstore::{Block, Blockstore};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{CborStore, IPLD_RAW};
use fvm_shared::address::Address;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::sys::SendFlags;
use fvm_shared::{MethodNum, Response};
use multihash_codetable::Code;

use crate::state::{State, Tombstone, TransientData, TransientDataLifespan};
use crate::storage::Slots;
use crate::types::{BytecodeHash, EthAddress, Word};

/// The largest runtime bytecode a contract may have (EIP-170).
pub const MAX_CODE_SIZE: usize = 24 << 10;

/// The tombstone SELFDESTRUCT would leave now: the current top-level message.
pub fn current_tombstone(rt: &impl Runtime) -> Result<Tombstone, ActorError> {
    let (origin, nonce) = current_message(rt)?;
    Ok(Tombstone { origin, nonce })
}

/// The top-level message: its origin's ID and its nonce.
fn current_message(rt: &impl Runtime) -> Result<(u64, u64), ActorError> {
    let origin = rt.message().origin();
    let id = origin
        .id()
        .map_err(|_| actor_error!(assertion_failed; "origin {} is not an ID address", origin))?;
    Ok((id, rt.message().nonce()))
}

/// A contract is dead once the message that self-destructed it has ended.
pub fn is_dead(rt: &impl Runtime, state: &State) -> Result<bool, ActorError> {
    Ok(match state.tombstone {
        None => false,
        Some(t) => t != current_tombstone(rt)?,
    })
}

/// The contract as one invocation sees it. See the module comment.
pub struct System<'r, RT: Runtime> {
    pub rt: &'r RT,
    /// The bytecode's CID and hash; `None` until a new contract's constructor sets it.
    bytecode: Option<(Cid, BytecodeHash)>,
    slots: Slots<&'r RT::Blockstore>,
    transient: Slots<&'r RT::Blockstore>,
    nonce: u64,
    tombstone: Option<Tombstone>,
    /// The state root these fields were last read from or written to; `None` when they have
    /// changed since.
    saved_state_root: Option<Cid>,
    /// Whether this invocation may change anything (a STATICCALL, an `eth_call`, a dead
    /// contract).
    pub readonly: bool,
    /// PREVRANDAO, drawn once per invocation.
    randomness: Option<[u8; 32]>,
}

impl<'r, RT: Runtime> System<'r, RT> {
    fn empty(rt: &'r RT, readonly: bool) -> Self {
        System {
            rt,
            bytecode: None,
            slots: Slots::new(rt.store()),
            transient: Slots::new(rt.store()),
            // A new contract's first CREATE uses nonce 1 (EIP-161).
            nonce: 1,
            tombstone: None,
            saved_state_root: None,
            readonly,
            randomness: None,
        }
    }

    /// A new contract: the state must still be the empty array the init actor leaves.
    pub fn create(rt: &'r RT) -> Result<Self, ActorError> {
        let root = rt.get_state_root()?;
        if root != *EMPTY_ARR_CID {
            return Err(actor_error!(illegal_state;
                "can't create over an existing actor: state root is {}", root));
        }
        Ok(Self::empty(rt, rt.read_only()))
    }

    /// A dead contract made new again (by CREATE/CREATE2 at its address).
    pub fn resurrect(rt: &'r RT) -> Result<Self, ActorError> {
        let state: State = rt.state()?;
        if !is_dead(rt, &state)? {
            return Err(actor_error!(forbidden; "can only resurrect a dead contract"));
        }
        Ok(Self::empty(rt, rt.read_only()))
    }

    /// The contract as stored. A dead contract loads as an empty, read-only one.
    pub fn load(rt: &'r RT) -> Result<Self, ActorError> {
        let root = rt.get_state_root()?;
        let state: State = rt.state()?;
        if is_dead(rt, &state)? {
            return Ok(Self::empty(rt, true));
        }
        let mut system = Self::empty(rt, rt.read_only());
        system.read_fields(&state)?;
        system.saved_state_root = Some(root);
        Ok(system)
    }

    fn read_fields(&mut self, state: &State) -> Result<(), ActorError> {
        self.slots = Slots::load(&state.contract_state, self.rt.store())?;
        self.transient = match state.transient_data {
            Some(t) if t.transient_data_lifespan == self.current_lifespan()? => {
                Slots::load(&t.transient_data_state, self.rt.store())?
            }
            // Transient storage of an earlier message is gone.
            _ => Slots::new(self.rt.store()),
        };
        self.nonce = state.nonce;
        self.tombstone = state.tombstone;
        self.bytecode = Some((state.bytecode, state.bytecode_hash));
        Ok(())
    }

    fn current_lifespan(&self) -> Result<TransientDataLifespan, ActorError> {
        let (origin, nonce) = current_message(self.rt)?;
        Ok(TransientDataLifespan { origin, nonce })
    }

    /// Writes the contract's state if it changed.
    pub fn flush(&mut self) -> Result<(), ActorError> {
        if self.saved_state_root.is_some() {
            return Ok(());
        }
        if self.readonly {
            return Err(actor_error!(forbidden; "contract invocation is read only"));
        }
        let (bytecode, bytecode_hash) = match self.bytecode {
            Some(b) => b,
            None => self.set_bytecode(&[])?,
        };
        let state = State {
            bytecode,
            bytecode_hash,
            contract_state: self.slots.flush()?,
            transient_data: Some(TransientData {
                transient_data_state: self.transient.flush()?,
                transient_data_lifespan: self.current_lifespan()?,
            }),
            nonce: self.nonce,
            tombstone: self.tombstone,
        };
        let root = self
            .rt
            .store()
            .put_cbor(&state, Code::Blake2b256)
            .context_code(
                ExitCode::USR_ILLEGAL_STATE,
                "failed to write contract state",
            )?;
        self.rt.set_state_root(&root)?;
        self.saved_state_root = Some(root);
        Ok(())
    }

    /// Re-reads the state if a send changed it (the callee may have re-entered this contract).
    pub fn reload(&mut self) -> Result<(), ActorError> {
        if self.readonly {
            return Ok(());
        }
        let root = self.rt.get_state_root()?;
        if self.saved_state_root == Some(root) {
            return Ok(());
        }
        let state: State = self.rt.state()?;
        self.read_fields(&state)?;
        self.saved_state_root = Some(root);
        Ok(())
    }

    /// Sends a message with the contract's state written first and re-read after a
    /// successful call. The outer error is this actor's (it must abort); the inner one is the
    /// send's, reported to the contract.
    pub fn send(
        &mut self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        gas_limit: Option<u64>,
        flags: SendFlags,
    ) -> Result<Result<Response, SendError>, ActorError> {
        self.flush()?;
        let result = self.rt.send(to, method, params, value, gas_limit, flags);
        if matches!(&result, Ok(r) if r.exit_code.is_success()) {
            self.reload()?;
        }
        Ok(result)
    }

    /// The bytecode's CID, if the contract has been constructed.
    pub fn bytecode(&self) -> Option<Cid> {
        self.bytecode.map(|(cid, _)| cid)
    }

    /// Stores the runtime bytecode a constructor returned.
    pub fn set_bytecode(&mut self, code: &[u8]) -> Result<(Cid, BytecodeHash), ActorError> {
        if code.len() > MAX_CODE_SIZE {
            return Err(actor_error!(illegal_argument;
                "EVM byte code length ({}) is exceeding the maximum allowed of {}",
                code.len(), MAX_CODE_SIZE));
        }
        if code.first() == Some(&0xef) {
            return Err(actor_error!(illegal_argument;
                "EIP-3541: contract code starting with the 0xEF byte is disallowed"));
        }
        let digest = self.rt.hash(SupportedHashes::Keccak256, code);
        let hash = <[u8; 32]>::try_from(digest.as_slice())
            .map(BytecodeHash)
            .map_err(
                |_| actor_error!(assertion_failed; "keccak digest of {} bytes", digest.len()),
            )?;
        let cid = self
            .rt
            .store()
            .put(Code::Blake2b256, &Block::new(IPLD_RAW, code))
            .context_code(ExitCode::USR_ILLEGAL_STATE, "failed to write bytecode")?;
        self.bytecode = Some((cid, hash));
        self.saved_state_root = None;
        Ok((cid, hash))
    }

    pub fn get_storage(&self, key: &Word) -> Result<Word, ActorError> {
        self.slots.get(key)
    }

    pub fn set_storage(&mut self, key: Word, value: Word) -> Result<(), ActorError> {
        if self.slots.set(key, value)? {
            self.saved_state_root = None;
        }
        Ok(())
    }

    pub fn get_transient_storage(&self, key: &Word) -> Result<Word, ActorError> {
        self.transient.get(key)
    }

    pub fn set_transient_storage(&mut self, key: Word, value: Word) -> Result<(), ActorError> {
        if self.transient.set(key, value)? {
            self.saved_state_root = None;
        }
        Ok(())
    }

    /// Takes the next CREATE nonce.
    pub fn increment_nonce(&mut self) -> Result<u64, ActorError> {
        let nonce = self.nonce;
        self.nonce = nonce
            .checked_add(1)
            .ok_or_else(|| actor_error!(illegal_state; "contract nonce {} overflows", nonce))?;
        self.saved_state_root = None;
        Ok(nonce)
    }

    /// Leaves a tombstone for the current message (SELFDESTRUCT).
    pub fn mark_selfdestructed(&mut self) -> Result<(), ActorError> {
        self.tombstone = Some(current_tombstone(self.rt)?);
        self.saved_state_root = None;
        Ok(())
    }

    /// The Ethereum address of any address: an f4 address in the EAM's namespace stands for
    /// itself; anything else resolves to an actor, which answers with its own f4 address if it
    /// has one, or its masked ID otherwise.
    pub fn resolve_eth_address(&self, address: &Address) -> Result<EthAddress, ActorError> {
        if let Some(eth) = EthAddress::from_delegated(address) {
            return Ok(eth);
        }
        let id = self.rt.resolve_address(address).ok_or_else(|| {
            actor_error!(illegal_state; "address {} cannot be resolved to an ID address", address)
        })?;
        Ok(self
            .rt
            .lookup_delegated_address(id)
            .and_then(|a| EthAddress::from_delegated(&a))
            .unwrap_or_else(|| EthAddress::from_id(id)))
    }

    /// PREVRANDAO: beacon randomness for the current epoch, drawn once per invocation.
    pub fn prevrandao(&mut self) -> Result<[u8; 32], ActorError> {
        if let Some(r) = self.randomness {
            return Ok(r);
        }
        let r = self.rt.get_randomness_from_beacon(
            DomainSeparationTag::EvmPrevRandao,
            self.rt.curr_epoch(),
            &[],
        )?;
        self.randomness = Some(r);
        Ok(r)
    }

    /// Reads a bytecode block.
    pub fn load_bytecode(&self, cid: &Cid) -> Result<Vec<u8>, ActorError> {
        self.rt
            .store()
            .get(cid)
            .with_context_code(ExitCode::USR_NOT_FOUND, || {
                format!("failed to read bytecode {}", cid)
            })?
            .with_context_code(ExitCode::USR_ILLEGAL_STATE, || {
                format!("bytecode {} not in the state tree", cid)
            })
    }
}
