//! `FevmHost`: revm's `Host` answered by the FEVM layer. Block and transaction data come from
//! the runtime as v18 maps them; storage and transient storage are the contract's KAMTs; logs
//! become FIP-0049 events; BALANCE reads the actor's balance.
//!
//! revm's host methods cannot fail, so a failure of the chain (a storage read, an event the
//! FVM refuses) is kept in `fault`; the run loop stops after the instruction that caused it
//! and the invocation aborts with that error.

use std::borrow::Cow;

use fil_actors_runtime::runtime::Runtime;
use fil_actors_runtime::ActorError;
use revm_interpreter::context_interface::cfg::GasParams;
use revm_interpreter::context_interface::context::{SStoreResult, SelfDestructResult, StateLoad};
use revm_interpreter::context_interface::host::LoadError;
use revm_interpreter::context_interface::journaled_state::AccountInfoLoad;
use revm_interpreter::primitives::{Address, Log, StorageKey, StorageValue, B256, U256};
use revm_interpreter::state::AccountInfo;
use revm_interpreter::Host;

use super::{from_address, from_word, to_address, to_word, SPEC};
use crate::contracts;
use crate::events::emit_log;
use crate::execution::Frame;
use crate::system::System;
use crate::types::token_to_word;

/// v18's answer to GASLIMIT: the block gas limit of the network.
const BLOCK_GAS_LIMIT: u64 = 10_000_000_000;

pub(crate) struct FevmHost<'a, 'r, RT: Runtime> {
    pub system: &'a mut System<'r, RT>,
    pub frame: &'a Frame,
    /// The chain's failure that stopped the run, if any (see the module comment).
    pub fault: Option<ActorError>,
    gas_params: GasParams,
}

impl<'a, 'r, RT: Runtime> FevmHost<'a, 'r, RT> {
    pub fn new(system: &'a mut System<'r, RT>, frame: &'a Frame) -> Self {
        FevmHost {
            system,
            frame,
            fault: None,
            gas_params: GasParams::new_spec(SPEC),
        }
    }

    /// Keeps the first failure; the run stops after the current instruction.
    pub fn fail(&mut self, e: ActorError) {
        if self.fault.is_none() {
            self.fault = Some(e);
        }
    }

    /// The value, or zero with the failure kept.
    fn or_fail<T: Default>(&mut self, r: Result<T, ActorError>) -> T {
        r.unwrap_or_else(|e| {
            self.fail(e);
            T::default()
        })
    }
}

impl<RT: Runtime> Host for FevmHost<'_, '_, RT> {
    fn basefee(&self) -> U256 {
        from_word(token_to_word(&self.system.rt.base_fee()))
    }

    fn blob_gasprice(&self) -> U256 {
        U256::ZERO
    }

    fn gas_limit(&self) -> U256 {
        U256::from(BLOCK_GAS_LIMIT)
    }

    fn difficulty(&self) -> U256 {
        U256::ZERO
    }

    fn prevrandao(&self) -> Option<U256> {
        // PREVRANDAO is the FEVM's own opcode (`opcodes::prevrandao`): drawing randomness can
        // fail, which this method cannot report.
        Some(U256::ZERO)
    }

    fn block_number(&self) -> U256 {
        U256::from(self.system.rt.curr_epoch().max(0) as u64)
    }

    fn timestamp(&self) -> U256 {
        U256::from(self.system.rt.tipset_timestamp())
    }

    fn beneficiary(&self) -> Address {
        // Filecoin blocks have no single beneficiary; v18 answers the zero address.
        Address::ZERO
    }

    fn slot_num(&self) -> U256 {
        U256::ZERO
    }

    fn chain_id(&self) -> U256 {
        U256::from(u64::from(self.system.rt.chain_id()))
    }

    fn effective_gas_price(&self) -> U256 {
        let rt = self.system.rt;
        from_word(token_to_word(&(rt.base_fee() + rt.message().gas_premium())))
    }

    fn caller(&self) -> Address {
        // ORIGIN: the Ethereum address of the message's sender. The origin always resolves.
        let origin = self.system.rt.message().origin();
        self.system
            .resolve_eth_address(&origin)
            .map(to_address)
            .unwrap_or(Address::ZERO)
    }

    fn blob_hash(&self, _number: usize) -> Option<U256> {
        None
    }

    fn max_initcode_size(&self) -> usize {
        2 * crate::system::MAX_CODE_SIZE
    }

    fn gas_params(&self) -> &GasParams {
        &self.gas_params
    }

    fn is_amsterdam_eip8037_enabled(&self) -> bool {
        false
    }

    fn block_hash(&mut self, number: u64) -> Option<B256> {
        // BLOCKHASH: the digest of the tipset CID at that epoch (revm only asks for the 256
        // epochs before this one); zero where the chain has none.
        let digest = i64::try_from(number)
            .ok()
            .and_then(|epoch| self.system.rt.tipset_cid(epoch).ok())
            .map(|cid| {
                let mut word = [0u8; 32];
                let d = cid.hash().digest();
                let n = d.len().min(32);
                word[..n].copy_from_slice(&d[..n]);
                word
            })
            .unwrap_or([0; 32]);
        Some(B256::from(digest))
    }

    fn selfdestruct(
        &mut self,
        _address: Address,
        _target: Address,
        _skip_cold_load: bool,
    ) -> Result<StateLoad<SelfDestructResult>, LoadError> {
        // SELFDESTRUCT is the FEVM's own opcode (`opcodes::selfdestruct`).
        self.fail(ActorError::assertion_failed(
            "revm's SELFDESTRUCT reached the host".to_string(),
        ));
        Err(LoadError::DBError)
    }

    fn log(&mut self, log: Log) {
        let topics: Vec<[u8; 32]> = log.data.topics().iter().map(|t| t.0).collect();
        let r = emit_log(self.system.rt, &topics, &log.data.data);
        self.or_fail(r)
    }

    fn sstore_skip_cold_load(
        &mut self,
        _address: Address,
        key: StorageKey,
        value: StorageValue,
        _skip_cold_load: bool,
    ) -> Result<StateLoad<SStoreResult>, LoadError> {
        let (key, new) = (to_word(key), to_word(value));
        let present = self
            .system
            .get_storage(&key)
            .and_then(|present| self.system.set_storage(key, new).map(|_| present));
        match present {
            Ok(present) => {
                let present = from_word(present);
                Ok(StateLoad::new(
                    SStoreResult {
                        original_value: present,
                        present_value: present,
                        new_value: value,
                    },
                    false,
                ))
            }
            Err(e) => {
                self.fail(e);
                Err(LoadError::DBError)
            }
        }
    }

    fn sload_skip_cold_load(
        &mut self,
        _address: Address,
        key: StorageKey,
        _skip_cold_load: bool,
    ) -> Result<StateLoad<StorageValue>, LoadError> {
        match self.system.get_storage(&to_word(key)) {
            Ok(v) => Ok(StateLoad::new(from_word(v), false)),
            Err(e) => {
                self.fail(e);
                Err(LoadError::DBError)
            }
        }
    }

    fn tstore(&mut self, _address: Address, key: StorageKey, value: StorageValue) {
        let r = self
            .system
            .set_transient_storage(to_word(key), to_word(value));
        self.or_fail(r)
    }

    fn tload(&mut self, _address: Address, key: StorageKey) -> StorageValue {
        let r = self.system.get_transient_storage(&to_word(key));
        from_word(self.or_fail(r))
    }

    fn load_account_info_skip_cold_load(
        &mut self,
        address: Address,
        _load_code: bool,
        _skip_cold_load: bool,
    ) -> Result<AccountInfoLoad<'_>, LoadError> {
        // Reached by BALANCE and SELFBALANCE only (the EXTCODE* opcodes are the FEVM's own).
        let balance = contracts::balance(self.system, &from_address(address));
        let mut info = AccountInfo::default();
        info.set_balance(from_word(token_to_word(&balance)));
        Ok(AccountInfoLoad {
            account: Cow::Owned(info),
            is_cold: false,
            is_empty: false,
        })
    }
}
