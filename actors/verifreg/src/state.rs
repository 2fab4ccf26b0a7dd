//! The verified registry's state: the root key, the verifiers with their allowances, the
//! removal-proposal counters, the allocations by client and the claims by provider, and the next
//! allocation ID. Every collection is a HAMT with the network's parameters, as v18 keeps it.

use cid::Cid;
use fil_actors_runtime::{ActorError, Map, MapKey};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::bigint::bigint_ser;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::piece::PaddedPieceSize;
use fvm_shared::sector::SectorNumber;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use crate::mapmap::MapMap;
use crate::{AllocationID, ClaimID, DataCap, RemoveDataCapProposalID};

/// Encoded as `[root_key, verifiers, remove_data_cap_proposal_ids, allocations,
/// next_allocation_id, claims]`, as in v18.
#[derive(Serialize_tuple, Deserialize_tuple, Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The ID address that adds and removes verifiers and approves datacap removals.
    pub root_key: Address,
    /// HAMT[verifier ID address]DataCap: each verifier's remaining allowance.
    pub verifiers: Cid,
    /// HAMT[verifier address bytes ++ client address bytes]RemoveDataCapProposalID.
    pub remove_data_cap_proposal_ids: Cid,
    /// HAMT[client]HAMT[AllocationID]Allocation.
    pub allocations: Cid,
    /// The next allocation ID; 0 is reserved for "no allocation".
    pub next_allocation_id: AllocationID,
    /// HAMT[provider]HAMT[ClaimID]Claim.
    pub claims: Cid,
}

/// Datacap promised by a client to a piece, for a provider to claim before `expiration`.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub client: ActorID,
    pub provider: ActorID,
    /// The piece CID.
    pub data: Cid,
    pub size: PaddedPieceSize,
    /// The least time, from the claim, the provider commits to store the piece.
    pub term_min: ChainEpoch,
    /// The most time, from the claim, the piece earns quality-adjusted power.
    pub term_max: ChainEpoch,
    /// The last epoch at which the allocation may be claimed.
    pub expiration: ChainEpoch,
}

/// An allocation claimed by its provider: the piece is in `sector` since `term_start`.
#[derive(Serialize_tuple, Deserialize_tuple, Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub provider: ActorID,
    pub client: ActorID,
    pub data: Cid,
    pub size: PaddedPieceSize,
    pub term_min: ChainEpoch,
    pub term_max: ChainEpoch,
    pub term_start: ChainEpoch,
    pub sector: SectorNumber,
}

/// A verifier's allowance as the verifiers HAMT stores it: a big-integer byte string.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(transparent)]
pub struct StoredDataCap(#[serde(with = "bigint_ser")] pub DataCap);

/// The key of a removal-proposal counter: the verifier's address bytes followed by the
/// client's. Both are ID addresses in the registry's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrPairKey {
    pub verifier: Address,
    pub client: Address,
}

impl MapKey for AddrPairKey {
    /// Splits after the verifier's ID address: the protocol byte 0, then a LEB128 varint.
    fn from_bytes(b: &[u8]) -> Result<Self, String> {
        if b.first() != Some(&(Protocol::ID as u8)) {
            return Err(format!(
                "address pair key {:?} does not start with an ID address",
                b
            ));
        }
        let varint_end = b
            .iter()
            .skip(1)
            .position(|byte| byte & 0x80 == 0)
            .ok_or_else(|| format!("address pair key {:?} is truncated", b))?;
        let (first, second) = b.split_at(varint_end + 2);
        Ok(AddrPairKey {
            verifier: Address::from_bytes(first).map_err(|e| e.to_string())?,
            client: Address::from_bytes(second).map_err(|e| e.to_string())?,
        })
    }

    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let mut bytes = self.verifier.to_bytes();
        bytes.extend(self.client.to_bytes());
        Ok(bytes)
    }
}

pub type VerifiersMap<'bs, BS> = Map<&'bs BS, Address, StoredDataCap>;
pub type ProposalIdsMap<'bs, BS> = Map<&'bs BS, AddrPairKey, RemoveDataCapProposalID>;
pub type Allocations<'bs, BS> = MapMap<'bs, BS, Allocation>;
pub type Claims<'bs, BS> = MapMap<'bs, BS, Claim>;

impl State {
    /// An empty registry with `root_key` (an ID address); allocation IDs start at 1.
    pub fn new<BS: Blockstore>(store: &BS, root_key: Address) -> Result<State, ActorError> {
        // Every collection starts as the same empty HAMT (a map of maps is one too): one block,
        // written once.
        let empty = Map::<_, Address, StoredDataCap>::flush_empty(store)?;
        Ok(State {
            root_key,
            verifiers: empty,
            remove_data_cap_proposal_ids: empty,
            allocations: empty,
            next_allocation_id: 1,
            claims: empty,
        })
    }

    pub fn load_verifiers<'bs, BS: Blockstore>(
        &self,
        store: &'bs BS,
    ) -> Result<VerifiersMap<'bs, BS>, ActorError> {
        Map::load(store, &self.verifiers, "verifiers")
    }

    /// A verifier's remaining allowance; `None` if the address is no verifier.
    pub fn get_verifier_cap<BS: Blockstore>(
        &self,
        store: &BS,
        verifier: &Address,
    ) -> Result<Option<DataCap>, ActorError> {
        Ok(self
            .load_verifiers(store)?
            .get(verifier)?
            .map(|cap| cap.0.clone()))
    }

    /// Adds a verifier or replaces its allowance.
    pub fn put_verifier<BS: Blockstore>(
        &mut self,
        store: &BS,
        verifier: &Address,
        cap: &DataCap,
    ) -> Result<(), ActorError> {
        let mut verifiers = self.load_verifiers(store)?;
        verifiers.set(verifier, StoredDataCap(cap.clone()))?;
        self.verifiers = verifiers.flush()?;
        Ok(())
    }

    /// Removes a verifier; `USR_ILLEGAL_ARGUMENT` if it is none.
    pub fn remove_verifier<BS: Blockstore>(
        &mut self,
        store: &BS,
        verifier: &Address,
    ) -> Result<(), ActorError> {
        let mut verifiers = self.load_verifiers(store)?;
        if verifiers.delete(verifier)?.is_none() {
            return Err(ActorError::illegal_argument(format!(
                "verifier {} not found",
                verifier
            )));
        }
        self.verifiers = verifiers.flush()?;
        Ok(())
    }

    pub fn load_proposal_ids<'bs, BS: Blockstore>(
        &self,
        store: &'bs BS,
    ) -> Result<ProposalIdsMap<'bs, BS>, ActorError> {
        Map::load(
            store,
            &self.remove_data_cap_proposal_ids,
            "remove datacap proposal ids",
        )
    }

    pub fn load_allocs<'bs, BS: Blockstore>(
        &self,
        store: &'bs BS,
    ) -> Result<Allocations<'bs, BS>, ActorError> {
        MapMap::load(store, &self.allocations, "allocations")
    }

    pub fn save_allocs<BS: Blockstore>(
        &mut self,
        allocs: &mut Allocations<'_, BS>,
    ) -> Result<(), ActorError> {
        self.allocations = allocs.flush()?;
        Ok(())
    }

    /// Stores new allocations of `client` under consecutive IDs from `next_allocation_id`;
    /// returns their IDs in order.
    pub fn insert_allocations<BS: Blockstore>(
        &mut self,
        store: &BS,
        client: ActorID,
        new_allocs: Vec<Allocation>,
    ) -> Result<Vec<AllocationID>, ActorError> {
        if new_allocs.is_empty() {
            return Ok(vec![]);
        }
        let mut allocs = self.load_allocs(store)?;
        let mut ids = Vec::with_capacity(new_allocs.len());
        for alloc in new_allocs {
            let id = self.next_allocation_id;
            if !allocs.put_if_absent(client, id, alloc)? {
                return Err(ActorError::illegal_state(format!(
                    "allocation {} of client {} already exists",
                    id, client
                )));
            }
            ids.push(id);
            self.next_allocation_id += 1;
        }
        self.save_allocs(&mut allocs)?;
        Ok(ids)
    }

    pub fn load_claims<'bs, BS: Blockstore>(
        &self,
        store: &'bs BS,
    ) -> Result<Claims<'bs, BS>, ActorError> {
        MapMap::load(store, &self.claims, "claims")
    }

    pub fn save_claims<BS: Blockstore>(
        &mut self,
        claims: &mut Claims<'_, BS>,
    ) -> Result<(), ActorError> {
        self.claims = claims.flush()?;
        Ok(())
    }

    /// Writes claims under their providers, replacing any with the same ID.
    pub fn put_claims<BS: Blockstore>(
        &mut self,
        store: &BS,
        claims: &[(ClaimID, Claim)],
    ) -> Result<(), ActorError> {
        if claims.is_empty() {
            return Ok(());
        }
        let mut stored = self.load_claims(store)?;
        for (id, claim) in claims {
            stored.put(claim.provider, *id, claim.clone())?;
        }
        self.save_claims(&mut stored)
    }
}
